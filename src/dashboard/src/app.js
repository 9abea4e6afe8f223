// The therapist dashboard: a SMART-on-FHIR app (standalone launch with SMART's fhirclient, PKCE S256) that shows a
// hospital's patients with active recommendations, the evidence behind them, and lets a therapist act on them.
// Patients who sign in see their own active recommendations. Patient data never goes into the URL.
import FHIR from "fhirclient";
import { api, ApiError } from "./fhir.js";
import { bmiChart } from "./chart.js";
import { populationPanel } from "./population.js";
import { el, clear, formatDate, age, patientName, text } from "./html.js";

const CLIENT_ID = "therapist-dashboard";
const FHIR_BASE = `${location.origin}/fhir`;
const REDIRECT = `${location.origin}/dashboard/`;
const SCOPES = {
  therapist: "openid fhirUser user/*.cruds online_access",
  patient: "openid fhirUser launch/patient patient/*.rs online_access",
};

FHIR.oauth2.settings.refreshTokenWithClientId = true; // Keycloak wants the public client's id on refresh

const main = document.getElementById("main");
const status = document.getElementById("status");
let session = null; // { fhir, claims, role }

start().catch(showError);

async function start() {
  const params = new URLSearchParams(location.search);
  if (params.has("error")) {
    return showSignIn(`Sign-in failed: ${params.get("error_description") ?? params.get("error")}`);
  }
  if (params.has("code") || sessionStorage.getItem("SMART_KEY")) {
    const client = await FHIR.oauth2.ready();
    session = openSession(client);
    document.getElementById("user").hidden = false;
    document.getElementById("user-name").textContent = session.claims.fhirUser ?? session.claims.hospital ?? "";
    return session.role === "patient" ? showPatientHome() : showWorklist();
  }
  showSignIn();
}

function openSession(client) {
  const tokenResponse = client.state.tokenResponse;
  const claims = JSON.parse(atob(tokenResponse.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  const roles = claims.realm_access?.roles ?? [];
  const role = roles.includes("patient") && !roles.includes("therapist") ? "patient" : "therapist";
  const fhir = api(`${FHIR_BASE}/${claims.hospital}`, client, onSessionEnded);
  return { fhir, claims, role, patient: tokenResponse.patient ?? claims.patient };
}

function showSignIn(message) {
  sessionStorage.clear();
  document.getElementById("user").hidden = true;
  render(
    el("section", { class: "card sign-in" },
      el("h2", {}, "Sign in"),
      message ? el("p", { class: "error", role: "alert" }, message) : null,
      el("p", {}, "Sign in with your hospital account."),
      el("div", { class: "actions" },
        el("button", { type: "button", onclick: () => signIn("therapist") }, "Sign in as a therapist"),
        el("button", { type: "button", class: "secondary", onclick: () => signIn("patient") }, "Sign in as a patient"))));
}

function signIn(role) {
  say("Redirecting to sign-in…");
  return FHIR.oauth2.authorize({
    iss: `${FHIR_BASE}/DEFAULT`,
    clientId: CLIENT_ID,
    scope: SCOPES[role],
    redirectUri: REDIRECT,
    pkceMode: "required",
  });
}

function onSessionEnded() {
  showSignIn("Your session has ended. Please sign in again.");
}

document.getElementById("logout").addEventListener("click", async () => {
  const smart = await fetch(`${FHIR_BASE}/DEFAULT/.well-known/smart-configuration`).then((r) => r.json());
  sessionStorage.clear();
  location.href = `${smart.issuer}/protocol/openid-connect/logout?client_id=${CLIENT_ID}`
    + `&post_logout_redirect_uri=${encodeURIComponent(REDIRECT)}`;
});

// ---- Therapist: the worklist ----

async function showWorklist() {
  say("Loading the worklist…");
  let worklist = await worklistSection();
  const administrator = (session.claims.realm_access?.roles ?? []).includes("admin");
  const panel = administrator
    ? populationPanel(session.fhir, async () => {
      const fresh = await worklistSection();
      worklist.replaceWith(fresh);
      worklist = fresh;
    })
    : null;
  render(el("div", {}, panel, worklist));
  say("");
}

// The patients with active recommendations, newest first, with a filter and a search.
async function worklistSection() {
  const bundle = await session.fhir.get(
    "ServiceRequest?status=active&intent=proposal&_include=ServiceRequest:subject&_sort=-authored&_count=500");
  const patients = new Map();
  const requests = [];
  for (const { resource } of bundle.entry ?? []) {
    if (resource.resourceType === "Patient") patients.set(resource.id, resource);
    else requests.push(resource);
  }
  const rows = new Map();
  for (const request of requests) {
    const id = request.subject.reference.split("/")[1];
    const row = rows.get(id) ?? { patient: patients.get(id), id, recommendations: [], newest: "" };
    row.recommendations.push(text(request.code));
    if ((request.authoredOn ?? "") > row.newest) row.newest = request.authoredOn;
    rows.set(id, row);
  }
  const sorted = [...rows.values()].sort((a, b) => b.newest.localeCompare(a.newest));
  const kinds = [...new Set(requests.map((r) => text(r.code)))].sort();

  const filter = el("select", { id: "recommendation-filter" },
    el("option", { value: "" }, "All recommendations"), ...kinds.map((k) => el("option", { value: k }, k)));
  const search = el("input", { id: "name-search", type: "search", placeholder: "Name", autocomplete: "off" });
  const body = el("tbody");
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    clear(body);
    const shown = sorted.filter((row) =>
      (!filter.value || row.recommendations.includes(filter.value))
      && (!q || patientName(row.patient).toLowerCase().includes(q)));
    for (const row of shown) {
      body.append(el("tr", { "data-patient": row.id },
        el("th", { scope: "row" },
          el("button", { type: "button", class: "link", onclick: () => showPatient(row.id) }, patientName(row.patient))),
        el("td", {}, row.patient ? `${age(row.patient.birthDate)} y, ${row.patient.gender ?? "?"}` : ""),
        el("td", {}, el("ul", { class: "badges" }, ...row.recommendations.map((r) => el("li", { class: "badge" }, r)))),
        el("td", {}, formatDate(row.newest))));
    }
    if (!shown.length) body.append(el("tr", {}, el("td", { colspan: 4 }, "No patient matches.")));
  };
  filter.addEventListener("change", draw);
  search.addEventListener("input", draw);
  const section = (
    el("section", { id: "worklist" },
      el("h2", {}, `Patients with active recommendations (${sorted.length})`),
      el("div", { class: "filters" },
        el("label", { for: "recommendation-filter" }, "Recommendation ", filter),
        el("label", { for: "name-search" }, "Search by name ", search)),
      el("table", { class: "worklist" },
        el("thead", {}, el("tr", {},
          el("th", { scope: "col" }, "Patient"), el("th", { scope: "col" }, "Age, sex"),
          el("th", { scope: "col" }, "Recommendations"), el("th", { scope: "col" }, "Newest"))),
        body)));
  draw();
  return section;
}

// ---- Therapist: one patient ----

// The codes this hospital's rules count as chronic pain, asked once.
let chronicPainCodes;
async function chronicPain(f, id) {
  if (!chronicPainCodes) {
    const criteria = await f.get("$clinical-criteria");
    chronicPainCodes = (criteria.parameter ?? []).filter((p) => p.name === "chronicPainCode")
      .map((p) => `${p.valueCoding.system}|${p.valueCoding.code}`);
  }
  if (!chronicPainCodes.length) return { entry: [] };
  const codes = chronicPainCodes.map(encodeURIComponent).join(",");
  const found = await f.get(`Condition?patient=${id}&clinical-status=active,recurrence,relapse&code=${codes}&_count=100`);
  // As the rules do: a refuted or mistaken condition is no evidence.
  found.entry = (found.entry ?? []).filter((e) => !["refuted", "entered-in-error"]
    .includes(e.resource.verificationStatus?.coding?.[0]?.code));
  return found;
}

async function showPatient(id) {
  say("Loading the patient…");
  const f = session.fhir;
  const [patient, conditions, bmis, procedures, requests, communications] = await Promise.all([
    f.get(`Patient/${id}`),
    chronicPain(f, id),
    f.get(`Observation?patient=${id}&code=${encodeURIComponent("http://loinc.org|39156-5")}&_sort=date&_count=200`),
    f.get(`Procedure?patient=${id}&_include=Procedure:encounter&_sort=-date&_count=50`),
    f.get(`ServiceRequest?subject=Patient/${id}&_revinclude=Provenance:target&_sort=-authored&_count=200`),
    f.get(`Communication?subject=Patient/${id}&_count=200`),
  ]);
  const entries = (bundle) => (bundle.entry ?? []).map((e) => e.resource);
  const encounters = new Map(entries(procedures).filter((r) => r.resourceType === "Encounter").map((e) => [e.id, e]));
  const provenance = new Map();
  for (const p of entries(requests).filter((r) => r.resourceType === "Provenance")) {
    for (const target of p.target ?? []) provenance.set(target.reference.replace(/\/_history\/.*/, ""), p);
  }
  const alerts = new Map();
  for (const c of entries(communications)) {
    for (const based of c.basedOn ?? []) alerts.set(based.reference, [...(alerts.get(based.reference) ?? []), c]);
  }
  const serviceRequests = entries(requests).filter((r) => r.resourceType === "ServiceRequest");
  const active = serviceRequests.filter((r) => r.status === "active" && r.intent === "proposal");
  const plans = serviceRequests.filter((r) => r.status === "active" && r.intent !== "proposal");
  const past = serviceRequests.filter((r) => r.status !== "active");

  const card = (request) => recommendationCard(request, provenance.get(`ServiceRequest/${request.id}`),
    alerts.get(`ServiceRequest/${request.id}`) ?? [], id);
  const surgeries = entries(procedures).filter((r) => r.resourceType === "Procedure");
  render(
    el("section", { class: "patient" },
      el("button", { type: "button", class: "secondary", onclick: () => showWorklist().catch(showError) }, "← Worklist"),
      el("h2", {}, patientName(patient)),
      el("p", { class: "demographics" },
        `${age(patient.birthDate)} years · ${patient.gender ?? "sex unknown"} · born ${formatDate(patient.birthDate)}`,
        ...(patient.identifier ?? []).slice(0, 1).map((i) => ` · MRN ${i.value}`)),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "re-evaluate", onclick: () => reEvaluate(id) }, "Re-evaluate now")),
      el("div", { id: "evaluation", "aria-live": "polite" }),
      el("h3", {}, "Evidence"),
      el("div", { class: "evidence" },
        el("section", { class: "card" }, el("h4", {}, "Chronic pain"),
          entries(conditions).length
            ? el("ul", {}, ...entries(conditions).map((c) => el("li", {}, `${text(c.code)} (since ${formatDate(c.onsetDateTime ?? c.recordedDate)})`)))
            : el("p", {}, "No chronic pain recorded.")),
        el("section", { class: "card" }, el("h4", {}, "Body mass index"), bmiChart(entries(bmis))),
        el("section", { class: "card" }, el("h4", {}, "Surgeries"),
          surgeries.length
            ? el("ul", {}, ...surgeries.map((p) => el("li", {},
              `${text(p.code)}, ${formatDate(p.performedDateTime ?? p.performedPeriod?.start)}`,
              department(p, encounters))))
            : el("p", {}, "No surgery recorded."))),
      el("h3", {}, `Active recommendations (${active.length})`),
      active.length ? el("div", { class: "cards" }, ...active.map(card)) : el("p", {}, "None."),
      plans.length ? el("h3", {}, `Plans in progress (${plans.length})`) : null,
      plans.length ? el("div", { class: "cards" }, ...plans.map(card)) : null,
      el("h3", {}, "Past recommendations"),
      past.length ? el("div", { class: "cards" }, ...past.map(card)) : el("p", {}, "None.")));
  say("");
}

function department(procedure, encounters) {
  const encounter = encounters.get(procedure.encounter?.reference?.split("/")[1]);
  const name = text(encounter?.serviceType) || procedure.performer?.map((p) => p.actor?.display).filter(Boolean).join(", ");
  return name ? ` — ${name}` : "";
}

function recommendationCard(request, provenance, alerts, patientId) {
  const isProposal = request.intent === "proposal";
  // The conditions and observations are reasons; a surgery is supporting information (R4 reasonReference
  // cannot name a Procedure).
  const evidence = [...(request.reasonReference ?? []), ...(request.supportingInfo ?? [])]
    .map((r) => r.display ?? r.reference);
  const delivery = alerts.map((c) => `${c.status === "completed" ? "delivered" : c.status === "not-done" ? "parked" : "pending"}`
    + (c.statusReason ? ` (${text(c.statusReason)})` : ""));
  const actions = el("div", { class: "actions" });
  if (isProposal && request.status === "active") {
    actions.append(
      el("button", { type: "button", onclick: () => accept(request, patientId) }, "Accept"),
      el("button", { type: "button", class: "secondary", onclick: () => askDeclineReason(request, patientId, actions) }, "Decline"));
  }
  return el("article", { class: "card recommendation", "data-recommendation": text(request.code) },
    el("h4", {}, text(request.code), " ", el("span", { class: `state ${request.status}` }, `${request.intent} · ${request.status}`)),
    request.reasonCode?.length ? el("p", { class: "explanation" }, request.reasonCode.map(text).join(" ")) : null,
    evidence.length ? el("p", {}, "Evidence: ", evidence.join("; ")) : null,
    (request.note ?? []).map((n) => el("p", { class: "note" }, n.text)),
    el("p", { class: "meta" }, `Written ${formatDate(request.authoredOn)}`,
      provenance ? ` · provenance: ${(provenance.policy ?? []).map((p) => p.split("/").pop()).join(", ")}, recorded ${formatDate(provenance.recorded)}` : "",
      request.requester?.display ? ` · by ${request.requester.display}` : ""),
    el("p", { class: "meta alert-state" }, `HL7 alert: ${delivery.length ? delivery.join(", ") : "none"}`),
    actions);
}

async function reEvaluate(id) {
  say("Evaluating…");
  const result = await session.fhir.post(`Patient/${id}/$evaluate`, null).catch(showError);
  if (!result) return;
  const summary = result.parameter?.find((p) => p.name === "summary")?.valueString ?? "Evaluated.";
  await showPatient(id);
  document.getElementById("evaluation").append(el("p", { class: "result" }, summary));
  say(summary);
}

async function accept(proposal, patientId) {
  say("Accepting…");
  const plan = {
    resourceType: "ServiceRequest",
    status: "active",
    intent: "plan",
    basedOn: [{ reference: `ServiceRequest/${proposal.id}` }],
    subject: proposal.subject,
    code: proposal.code,
    reasonCode: proposal.reasonCode,
    authoredOn: new Date().toISOString(),
    requester: { reference: session.claims.fhirUser },
  };
  const completed = { ...proposal, status: "completed" };
  await session.fhir.post("", {
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      { resource: plan, request: { method: "POST", url: "ServiceRequest" } },
      { resource: completed, request: { method: "PUT", url: `ServiceRequest/${proposal.id}`, ifMatch: `W/"${proposal.meta.versionId}"` } },
    ],
  }).then(() => showPatient(patientId)).then(() => say(`${text(proposal.code)} accepted.`)).catch(showError);
}

function askDeclineReason(request, patientId, actions) {
  const reason = el("textarea", { id: `reason-${request.id}`, required: true, rows: 2 });
  const form = el("form", { class: "decline" },
    el("label", { for: `reason-${request.id}` }, "Reason for declining"), reason,
    el("div", { class: "actions" },
      el("button", { type: "submit" }, "Confirm decline"),
      el("button", { type: "button", class: "secondary", onclick: () => form.remove() }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) return reason.focus();
    say("Declining…");
    const revoked = {
      ...request,
      status: "revoked",
      note: [...(request.note ?? []), { text: `Declined: ${reason.value.trim()}`, authorReference: { reference: session.claims.fhirUser }, time: new Date().toISOString() }],
    };
    await session.fhir.put(`ServiceRequest/${request.id}`, revoked, request.meta.versionId)
      .then(() => showPatient(patientId)).then(() => say(`${text(request.code)} declined.`)).catch(showError);
  });
  actions.after(form);
  reason.focus();
}

// ---- Patient: their own recommendations ----

async function showPatientHome() {
  say("Loading your recommendations…");
  const bundle = await session.fhir.get(`ServiceRequest?subject=Patient/${session.patient}&_count=200`);
  const all = (bundle.entry ?? []).map((e) => e.resource);
  const requests = all.filter((r) => r.status === "active");
  // What each recommendation is, in plain words: the catalog's own (ActivityDefinition.usage), read by id (the
  // canonical URL's last segment), as every caller may. A plan is what the proposal it is based on instantiates.
  const byId = new Map(all.map((r) => [`ServiceRequest/${r.id}`, r]));
  const canonicalOf = (r) => r.instantiatesCanonical?.[0]
    ?? byId.get(r.basedOn?.[0]?.reference)?.instantiatesCanonical?.[0];
  const canonicals = [...new Set(requests.map(canonicalOf).filter(Boolean))];
  const definitions = await Promise.all(canonicals.map((url) =>
    session.fhir.get(`ActivityDefinition/${encodeURIComponent(url.split("/").pop())}`).catch(() => null)));
  const plainWords = new Map(definitions.filter(Boolean).map((d) => [d.url, d.usage]));
  render(
    el("section", { class: "mine" },
      el("h2", {}, "Your recommendations"),
      requests.length
        ? el("ul", { class: "plain" }, ...requests.map((r) => el("li", { class: "card" },
          el("strong", {}, text(r.code)),
          el("p", {}, plainWords.get(canonicalOf(r)) ?? "Your care team recommends this for you."),
          el("p", { class: "meta" }, `Since ${formatDate(r.authoredOn)}. Your therapist will talk it through with you.`))))
        : el("p", {}, "You have no active recommendations.")));
  say("");
}

// ---- Rendering and errors ----

function render(node) {
  clear(main);
  main.append(node);
  main.focus();
}

function say(message) {
  status.textContent = message;
}

function showError(error) {
  if (error instanceof ApiError && error.status === 401) return onSessionEnded();
  const message = error instanceof ApiError && error.status === 403
    ? "You do not have access to this. Ask your administrator if you think you should."
    : `Something went wrong: ${error.message}`;
  say(message);
  main.prepend(el("p", { class: "error", role: "alert" }, message));
}
