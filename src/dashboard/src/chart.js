// The BMI over time as an SVG line chart, with the values as text for screen readers.
import { el, formatDate } from "./html.js";

const SVG = "http://www.w3.org/2000/svg";

export function bmiChart(observations) {
  const points = observations
    .filter((o) => o.valueQuantity?.value != null && (o.effectiveDateTime ?? o.effectivePeriod?.start))
    .map((o) => ({ date: new Date(o.effectiveDateTime ?? o.effectivePeriod.start), value: o.valueQuantity.value }))
    .sort((a, b) => a.date - b.date);
  if (!points.length) return el("p", {}, "No BMI recorded.");
  const description = points.map((p) => `${p.value.toFixed(1)} on ${formatDate(p.date.toISOString())}`).join(", ");
  const width = 320, height = 140, pad = 28;
  const times = points.map((p) => p.date.getTime());
  const values = points.map((p) => p.value);
  const [t0, t1] = [Math.min(...times), Math.max(...times) || 1];
  const [v0, v1] = [Math.min(18, ...values), Math.max(40, ...values)];
  const x = (t) => pad + (t1 === t0 ? (width - 2 * pad) / 2 : ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const y = (v) => height - pad - ((v - v0) / (v1 - v0)) * (height - 2 * pad);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `BMI over time: ${description}`);
  svg.setAttribute("class", "chart");
  const shape = (tag, attributes) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    svg.append(node);
    return node;
  };
  for (const [limit, label] of [[25, "25"], [30, "30 obese"]]) {
    shape("line", { x1: pad, x2: width - pad, y1: y(limit), y2: y(limit), class: "threshold" });
    shape("text", { x: width - pad + 2, y: y(limit) + 4, class: "axis" }).textContent = label;
  }
  shape("polyline", { points: points.map((p) => `${x(p.date.getTime())},${y(p.value)}`).join(" "), class: "line" });
  for (const p of points) {
    shape("circle", { cx: x(p.date.getTime()), cy: y(p.value), r: 4, class: "point" });
    shape("text", { x: x(p.date.getTime()) - 10, y: y(p.value) - 8, class: "value" }).textContent = p.value.toFixed(1);
  }
  shape("text", { x: pad, y: height - 6, class: "axis" }).textContent = formatDate(points[0].date.toISOString());
  if (points.length > 1) {
    shape("text", { x: width - pad - 70, y: height - 6, class: "axis" }).textContent =
      formatDate(points[points.length - 1].date.toISOString());
  }
  return el("figure", {}, svg, el("figcaption", {}, `Latest BMI ${points[points.length - 1].value.toFixed(1)}`));
}
