// Small DOM helpers: elements built with text nodes only (never innerHTML), dates and names for display.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

export function formatDate(value) {
  if (!value) return "unknown date";
  const date = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

export function age(birthDate) {
  if (!birthDate) return "?";
  const born = new Date(birthDate);
  const now = new Date();
  let years = now.getFullYear() - born.getFullYear();
  if (now < new Date(now.getFullYear(), born.getMonth(), born.getDate())) years--;
  return years;
}

export function patientName(patient) {
  const name = patient?.name?.find((n) => n.use === "official") ?? patient?.name?.[0];
  if (!name) return "Unnamed patient";
  return name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(" ");
}

export function text(concept) {
  if (!concept) return "";
  if (Array.isArray(concept)) return concept.map(text).filter(Boolean).join(", ");
  return concept.text ?? concept.coding?.find((c) => c.display)?.display ?? concept.coding?.[0]?.code ?? "";
}
