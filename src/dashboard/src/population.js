// The administrator's panel: evaluates the whole hospital in the background, or compares a candidate rule set with
// the rules in force (shadow mode, nothing written), with a progress bar while it runs and the result as a table and
// a chart of patients per recommendation. While a run writes, the worklist below is reloaded so it fills as it goes.
import { el, clear } from "./html.js";

const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 1000;

export function populationPanel(fhir, onProgress) {
  const progress = el("progress", { id: "population-progress", max: 1, value: 0, hidden: true });
  const status = el("p", { id: "population-status", role: "status" });
  const result = el("div", { id: "population-result" });
  const candidate = el("input", { id: "candidate-name", type: "text", placeholder: "e.g. bmi-over-25", autocomplete: "off" });
  const buttons = [
    el("button", { type: "button", onclick: () => run("Patient/$evaluate", false) }, "Evaluate every patient"),
    el("button", { type: "button", class: "secondary", onclick: () => run("Patient/$evaluate", true) },
      "Compare candidate rules"),
  ];

  async function run(operation, shadow) {
    const name = candidate.value.trim();
    if (shadow && !name) {
      status.textContent = "Name the candidate rule set to compare (a folder of the server's candidate rules).";
      return;
    }
    buttons.forEach((b) => { b.disabled = true; });
    clear(result);
    progress.hidden = false;
    progress.removeAttribute("value"); // indeterminate until the patients are listed
    status.textContent = shadow ? `Comparing candidate rules "${name}"…` : "Evaluating every patient…";
    try {
      const body = { resourceType: "Parameters", parameter: shadow ? [{ name: "candidate", valueString: name }] : [] };
      const statusUrl = await fhir.startAsync(operation, body);
      for (;;) {
        const answer = await fhir.poll(statusUrl);
        if (answer.done) {
          showResult(answer.result, shadow);
          break;
        }
        showProgress(answer.progress);
        if (!shadow) await onProgress();
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (!shadow) await onProgress();
    } catch (error) {
      progress.hidden = true;
      status.textContent = `The population evaluation failed: ${error.message}`;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function showProgress(text) {
    const counted = /(\d+) of (\d+)/.exec(text ?? "");
    if (counted) {
      progress.max = Number(counted[2]) || 1;
      progress.value = Number(counted[1]);
    }
    status.textContent = `In progress: ${text ?? "starting"}`;
  }

  function showResult(report, shadow) {
    const value = (name) => report.parameter.find((p) => p.name === name)?.valueInteger ?? 0;
    const patients = value("patients");
    progress.max = patients || 1;
    progress.value = patients || 1;
    status.textContent = `Done: ${value("evaluated")} of ${patients} patients evaluated`
      + (value("failed") ? `, ${value("failed")} failed` : "") + ".";
    const rows = report.parameter.filter((p) => p.name === "recommendation").map((p) => {
      const part = (name) => p.part.find((q) => q.name === name);
      const count = (name) => part(name)?.valueInteger ?? 0;
      return { title: part("title")?.valueString ?? part("code")?.valueCode, count };
    });
    const columns = shadow
      ? [["in-force", "In force"], ["with-candidate", "With the candidate"], ["gained", "Would gain"], ["lost", "Would lose"]]
      : [["created", "Created"], ["already-active", "Already active"], ["accepted", "Accepted"], ["declined", "Declined"],
        ["no-longer-supported", "No longer supported"]];
    result.append(
      el("table", { class: shadow ? "population-result comparison" : "population-result" },
        el("caption", {}, shadow ? `Candidate rules "${part(report, "candidate")}" against the rules in force`
          : "Patients per recommendation"),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Recommendation"),
          ...columns.map(([, label]) => el("th", { scope: "col" }, label)))),
        el("tbody", {}, ...rows.map((row) => el("tr", { "data-recommendation": row.title },
          el("th", { scope: "row" }, row.title),
          ...columns.map(([name]) => el("td", {}, String(row.count(name)))))))),
      chart(rows, shadow ? [["in-force", "in force"], ["with-candidate", "with the candidate"]]
        : [["created", "created"], ["already-active", "already active"]]));
    if (shadow) {
      const changes = report.parameter.filter((p) => p.name === "change");
      result.append(el("p", { class: "changes" }, changes.length
        ? `${changes.length} patient(s) would see a change.` : "No patient would see a change."));
    }
  }

  return el("section", { class: "card population" },
    el("h2", {}, "Population evaluation"),
    el("p", {}, "Evaluate every patient of the hospital with the rules in force, or see what a candidate rule set"
      + " would change, without writing anything."),
    el("div", { class: "actions" }, buttons[0],
      el("label", { for: "candidate-name" }, "Candidate rules ", candidate), buttons[1]),
    progress, status, result);
}

function part(report, name) {
  const found = report.parameter.find((p) => p.name === name);
  return found?.valueString ?? "";
}

// Patients per recommendation as grouped horizontal bars, with the figures as text for screen readers.
function chart(rows, series) {
  const width = 420, bar = 12, gap = 10, label = 170;
  const height = rows.length * (series.length * bar + gap) + gap;
  const largest = Math.max(1, ...rows.flatMap((row) => series.map(([name]) => row.count(name))));
  const description = rows.map((row) =>
    `${row.title}: ${series.map(([name, words]) => `${row.count(name)} ${words}`).join(", ")}`).join("; ");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Patients per recommendation: ${description}`);
  svg.setAttribute("class", "chart population-chart");
  const shape = (tag, attributes, content) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    if (content != null) node.textContent = content;
    svg.append(node);
  };
  rows.forEach((row, i) => {
    const top = gap + i * (series.length * bar + gap);
    shape("text", { x: 0, y: top + bar, class: "axis" }, row.title);
    series.forEach(([name], j) => {
      const length = (row.count(name) / largest) * (width - label - 30);
      shape("rect", { x: label, y: top + j * bar, width: Math.max(length, 1), height: bar - 2, class: `hbar series-${j}` });
      shape("text", { x: label + length + 4, y: top + j * bar + bar - 3, class: "value" }, String(row.count(name)));
    });
  });
  return el("figure", {}, svg, el("figcaption", {},
    series.map(([, words], j) => el("span", { class: `legend series-${j}` }, words))));
}
