// End-to-end scenarios of the dashboard in headless Chromium, against the real server and the real Keycloak that
// DashboardE2EIT started: DASHBOARD_URL, SCREENSHOTS (directory), CHROMIUM (executable, default /usr/bin/chromium).
// Each step prints "ok - …"; the first failure prints "not ok - …" and exits 1.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const url = process.env.DASHBOARD_URL;
const shots = process.env.SCREENSHOTS ?? "screenshots";
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let step = "starting";
try {
  await therapistOfNorth();
  await patient108();
  await administratorOfNorth();
  console.log("ok - all scenarios");
} catch (error) {
  console.log(`not ok - ${step}: ${error.message}`);
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => {});
      console.log(`page ${page.url().split("?")[0]}: ${(await page.textContent("body").catch(() => "")).slice(0, 600)}`);
    }
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}

async function signIn(page, button, username) {
  await page.goto(url);
  await page.getByRole("button", { name: button }).click();
  await page.waitForSelector("#kc-form-login");
  await page.fill("#username", username);
  await page.fill("#password", username);
  await page.click("#kc-login");
  await page.waitForURL((u) => u.toString().startsWith(url) && !u.search.includes("code="));
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function therapistOfNorth() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  step = "the therapist signs in through Keycloak's form";
  await signIn(page, "Sign in as a therapist", "north-therapist");
  expect(!page.url().includes("108"), "patient data in the URL");

  step = "the worklist shows 102, 105 and 108 and no patient of south";
  await page.waitForSelector("table.worklist tbody tr[data-patient]");
  const worklist = await page.textContent("table.worklist");
  for (const name of ["Eleanor Whitfield", "Marcus Delaney", "Priya Raman"]) expect(worklist.includes(name), `${name} missing`);
  expect(!worklist.includes("Southey"), "a patient of south is listed");
  await page.screenshot({ path: `${shots}/1-worklist.png`, fullPage: true });
  console.log("ok - worklist");

  step = "filtering by recommendation and searching by name";
  await page.selectOption("#recommendation-filter", "Weight Management Program");
  expect((await page.locator("table.worklist tbody tr[data-patient]").count()) === 1, "filter keeps one patient");
  await page.selectOption("#recommendation-filter", "");
  await page.fill("#name-search", "whit");
  expect((await page.textContent("table.worklist tbody")).includes("Eleanor Whitfield"), "search finds Whitfield");
  expect(!(await page.textContent("table.worklist tbody")).includes("Marcus"), "search keeps others out");
  console.log("ok - filter and search");

  step = "patient 108 shows both recommendations with their evidence";
  await page.getByRole("button", { name: "Eleanor Whitfield" }).click();
  await page.waitForSelector("h2:has-text('Eleanor Whitfield')");
  await page.waitForSelector("article.recommendation");
  const patient = await page.textContent("main");
  for (const part of ["Physical Therapy", "Post-Op Rehabilitation Plan", "Chronic pain", "Latest BMI", "knee", "HL7 alert"]) {
    expect(patient.toLowerCase().includes(part.toLowerCase()), `"${part}" missing on the patient page`);
  }
  const painCard = await page.locator(".evidence section.card").first().textContent();
  expect(painCard.includes("Chronic pain"), "the chronic-pain card does not list the chronic pain");
  expect(!painCard.includes("Hypertensive"), "the chronic-pain card lists a condition that is not chronic pain");
  const postOpCard = await page.textContent("article.recommendation[data-recommendation='Post-Op Rehabilitation Plan']");
  expect(/Evidence: .*knee/i.test(postOpCard), "the post-op plan's card does not name the surgery as its evidence");
  expect(!page.url().includes("108"), "patient data in the URL");
  await page.screenshot({ path: `${shots}/2-patient-108.png`, fullPage: true });
  console.log("ok - patient page");

  step = "re-evaluating shows the result";
  await page.getByRole("button", { name: "Re-evaluate now" }).click();
  await page.waitForSelector("#evaluation .result");
  await page.screenshot({ path: `${shots}/3-re-evaluated.png`, fullPage: true });
  console.log("ok - re-evaluate");

  step = "declining Physical Therapy with a reason revokes it";
  const card = page.locator("article.recommendation[data-recommendation='Physical Therapy']").first();
  await card.getByRole("button", { name: "Decline" }).click();
  await page.getByLabel("Reason for declining").fill("Already in a physiotherapy programme elsewhere");
  await page.getByRole("button", { name: "Confirm decline" }).click();
  await page.waitForSelector("article.recommendation[data-recommendation='Physical Therapy'] .state.revoked");
  expect((await page.textContent("main")).includes("Declined: Already in a physiotherapy programme elsewhere"),
    "the reason is not shown");
  await page.screenshot({ path: `${shots}/4-declined.png`, fullPage: true });
  console.log("ok - decline");

  step = "accepting Post-Op Rehabilitation Plan makes a plan and completes the proposal";
  const postOp = "article.recommendation[data-recommendation='Post-Op Rehabilitation Plan']";
  await page.locator(postOp).first().getByRole("button", { name: "Accept" }).click();
  await page.waitForSelector(`${postOp} .state.completed`);
  const states = await page.locator(`${postOp} .state`).allTextContents();
  expect(states.includes("plan · active"), `no active plan: ${states}`);
  expect(states.includes("proposal · completed"), `the proposal is not completed: ${states}`);
  expect((await page.textContent("main")).includes("Plans in progress (1)"), "the plan is not shown in progress");
  await page.screenshot({ path: `${shots}/5-accepted.png`, fullPage: true });
  console.log("ok - accept");

  step = "re-evaluating respects the therapist's decisions";
  await page.getByRole("button", { name: "Re-evaluate now" }).click();
  await page.waitForSelector("#evaluation .result");
  const result = await page.textContent("#evaluation .result");
  expect(result.includes("Physical Therapy (declined)") && result.includes("Post-Op Rehabilitation Plan (accepted)"),
    `unexpected evaluation: ${result}`);
  console.log("ok - decisions stand");

  step = "an expired access token is renewed while the sign-in session lasts";
  const expired = await editSmartState(page, (state) => { state.expiresAt = 0; });
  await page.reload();
  await page.waitForSelector("table.worklist tbody tr[data-patient]");
  const renewed = await editSmartState(page, () => {});
  expect(renewed.tokenResponse.access_token !== expired.tokenResponse.access_token, "the token was not renewed");
  console.log("ok - token renewed");

  step = "an ended session goes back to sign-in";
  await editSmartState(page, (state) => {
    state.expiresAt = 0;
    state.tokenResponse.refresh_token = "ended";
  });
  await page.reload();
  await page.waitForSelector("text=Your session has ended");
  expect(await page.getByRole("button", { name: "Sign in as a therapist" }).isVisible(), "no way to sign in again");
  await page.screenshot({ path: `${shots}/6-session-ended.png`, fullPage: true });
  console.log("ok - session ended");
  await page.close();
}

// SMART's client keeps its state (tokens, expiry) in sessionStorage under the key named by SMART_KEY.
async function editSmartState(page, edit) {
  const state = await page.evaluate(() => {
    const key = JSON.parse(sessionStorage.getItem("SMART_KEY"));
    return JSON.parse(sessionStorage.getItem(key));
  });
  edit(state);
  await page.evaluate((changed) => {
    sessionStorage.setItem(JSON.parse(sessionStorage.getItem("SMART_KEY")), JSON.stringify(changed));
  }, state);
  return state;
}

async function patient108() {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true });
  const page = await context.newPage();
  step = "the patient signs in and sees only their own active recommendations";
  await signIn(page, "Sign in as a patient", "patient-108");
  await page.waitForSelector("h2:has-text('Your recommendations')");
  const mine = await page.textContent("main");
  expect(mine.includes("Post-Op Rehabilitation Plan"), "their active recommendation is missing");
  expect(mine.includes("recover your strength safely"), "the recommendation is not in the catalog's plain words");
  expect(!mine.includes("Physical Therapy"), "the declined recommendation is still shown");
  expect(!mine.includes("Weight Management"), "another patient's recommendation is shown");
  await page.screenshot({ path: `${shots}/7-patient-home-phone.png`, fullPage: true });
  console.log("ok - patient view");
  await context.close();
}

async function administratorOfNorth() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  step = "the administrator signs in and finds the population panel above the worklist";
  await signIn(page, "Sign in as a therapist", "north-admin");
  await page.waitForSelector("h2:has-text('Population evaluation')");
  await page.waitForSelector("table.worklist tbody tr[data-patient]");

  step = "evaluating every patient shows its progress, then patients per recommendation";
  await page.getByRole("button", { name: "Evaluate every patient" }).click();
  await page.waitForSelector("#population-progress:not([hidden])");
  await page.waitForSelector("table.population-result:not(.comparison)", { timeout: 60_000 });
  const done = await page.evaluate(() => {
    const bar = document.getElementById("population-progress");
    return { value: bar.value, max: bar.max };
  });
  expect(done.max >= 3 && done.value === done.max, `the progress bar is not full: ${JSON.stringify(done)}`);
  const status = await page.textContent("#population-status");
  expect(/Done: \d+ of \d+ patients evaluated/.test(status), `no final status: ${status}`);
  const result = await page.textContent("table.population-result");
  for (const title of ["Physical Therapy", "Weight Management Program", "Post-Op Rehabilitation Plan"]) {
    expect(result.includes(title), `${title} missing from the result`);
  }
  expect(await page.locator("#population-result svg.population-chart rect").count() >= 6, "no chart of the result");
  expect((await page.textContent("table.worklist")).includes("Marcus Delaney"), "the worklist is gone");
  await page.screenshot({ path: `${shots}/8-population-evaluated.png`, fullPage: true });
  console.log("ok - population evaluation");

  step = "comparing a candidate rule set shows who would gain or lose what, writing nothing";
  const before = await page.textContent("table.worklist");
  await page.fill("#candidate-name", "bmi-over-20");
  await page.getByRole("button", { name: "Compare candidate rules" }).click();
  await page.waitForSelector("table.population-result.comparison", { timeout: 60_000 });
  const comparison = await page.textContent("table.population-result.comparison");
  expect(comparison.includes("Would gain") && comparison.includes("Would lose"), "no gain and loss columns");
  const physicalTherapy = await page.locator(
    "table.comparison tr[data-recommendation='Physical Therapy'] td").allTextContents();
  expect(physicalTherapy[1] === "0", `the candidate still recommends physical therapy: ${physicalTherapy}`);
  expect(await page.locator("#population-result svg.population-chart rect").count() >= 6, "no comparison chart");
  expect((await page.textContent("#population-result")).includes("would see a change"), "no count of changes");
  expect((await page.textContent("table.worklist")) === before, "the comparison changed the worklist");
  await page.screenshot({ path: `${shots}/9-candidate-compared.png`, fullPage: true });
  console.log("ok - shadow comparison");
  await page.close();
}
