// Drives the dashboard in headless Debian Chromium (playwright-core, no downloaded browser) with every request
// to a host other than 127.0.0.1/localhost aborted, visits every view, and prints what each one shows as JSON
// (tests/test_dashboard_browser.py compares it with the API). Screenshots go to SCREENSHOT_DIR.
// Usage: node tests/js/dashboard.mjs BASE_URL SCREENSHOT_DIR AS_OF [--bench N]
//   --bench N: only load each view N times and report the times (bench/dashboard.py).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { openOfflineBrowser } from "./offline_browser.mjs";

const [base, shots, asOf, flag, count] = process.argv.slice(2);
if (!base || !shots || !asOf) {
  console.error("usage: node dashboard.mjs BASE_URL SCREENSHOT_DIR AS_OF [--bench N]");
  process.exit(2);
}
const bench = flag === "--bench" ? Math.max(1, Number(count) || 3) : 0;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// The views and the deep links the test visits (the same in the benchmark).
export const VIEWS = {
  map: `/?asOf=${asOf}`,
  borough: `/borough/E09000024?asOf=${asOf}`,
  supplier: "/supplier/DEMO-SUP-001",
  system: "/system/DEMO-SYS-0001",
  collaborate: "/collaborate?boroughs=E09000007,E09000019,E09000012&min=2",
  "buy-together": `/buy-together?months=12&asOf=${asOf}`,
  market: "/market?serviceArea=Revenues+and+Benefits&measure=CONTRACT_VALUE&top=5",
  network: "/network?supplier=DEMO-SUP-001&min=20&limit=50",
  skills: "/skills?skill=Cyber+security",
};

const { page, report, close } = await openOfflineBrowser({ viewport: DESKTOP, acceptDownloads: true });
Object.assign(report, { views: {}, timings: {} });

// The first visit loads the page; later ones move inside the app as a click on a link does (faster), unless
// `reload` (the benchmark measures full loads).
async function visit(path, { screenshot, reload = false } = {}) {
  const inApp = !reload && (await page.evaluate(() => Boolean(window.citygraphNavigate)).catch(() => false));
  if (!inApp) {
    await page.goto(`${base}${path}`, { waitUntil: "load" });
    return afterNavigation(screenshot);
  }
  const before = await page.evaluate(() => window.citygraphDashboard.timings.length);
  await page.evaluate((p) => window.citygraphNavigate(p), path);
  await page.waitForFunction((n) => window.citygraphDashboard.timings.length > n, before, { timeout: 30000 });
  return afterNavigation(screenshot);
}

async function afterNavigation(screenshot) {
  await page.waitForSelector('main[data-status="ready"], main[data-status="error"]', { timeout: 30000 });
  const status = await page.getAttribute("main", "data-status");
  if (status !== "ready") throw new Error(`${page.url()}: ${await page.innerText("main")}`);
  const state = await page.evaluate(() => {
    const s = window.citygraphDashboard;
    const last = s.timings[s.timings.length - 1];
    return { view: s.view, readyMs: last.readyMs, routeMs: last.readyMs - last.startedMs };
  });
  if (screenshot) await page.screenshot({ path: join(shots, `${screenshot}.png`), fullPage: screenshot.startsWith("phone") });
  return state;
}

const texts = (selector, attribute) =>
  page.$$eval(selector, (elements, attribute) => elements.map((e) => (attribute ? e.getAttribute(attribute) : e.textContent.trim())), attribute);

const graphiqlLinks = () => page.$$eval("a.graphiql", (links) => links.map((a) => a.getAttribute("href")));

try {

  if (bench) {
    for (const [name, path] of Object.entries(VIEWS)) {
      report.timings[name] = [];
      for (let i = 0; i < bench; i += 1) report.timings[name].push((await visit(path, { reload: true })).readyMs);
    }
  } else {
    const v = report.views;
    // Signed in as a member council through the header's form (CITYGRAPH_DASHBOARD_KEY, an API key the test
    // created), so members-only facts are shown; the end of the run signs out and checks what anonymous users see.
    const key = process.env.CITYGRAPH_DASHBOARD_KEY;
    if (key) {
      await page.goto(`${base}${VIEWS.map}`, { waitUntil: "load" });
      await afterNavigation();
      await page.fill(".sign-in input[name=key]", key);
      await page.click(".sign-in button[type=submit]");
      await page.waitForSelector(".sign-out");
    }
    // Map: 33 shapes, one figure each; then the same for another measure.
    v.map = { ...(await visit(VIEWS.map, { screenshot: "map", reload: true })),
      shapes: await page.$$eval(".leaflet-overlay-pane path.leaflet-interactive", (paths) => paths.map((p) => ({ code: p.dataset.code, value: p.dataset.value, fill: p.getAttribute("fill") }))),
      tableRows: await texts("table.map-table tbody tr", "data-code"),
      graphiql: await graphiqlLinks() };
    await page.hover(".leaflet-overlay-pane path.leaflet-interactive[data-code='E09000007']");
    v.map.tooltip = await page.innerText(".leaflet-tooltip").catch(() => null);
    await visit(`/?measure=ending&asOf=${asOf}`);
    v.mapEnding = await page.$$eval(".leaflet-overlay-pane path.leaflet-interactive", (paths) => Object.fromEntries(paths.map((p) => [p.dataset.code, p.dataset.value])));
    await visit(`/?measure=value&asOf=${asOf}`);
    v.mapValue = await page.$$eval(".leaflet-overlay-pane path.leaflet-interactive", (paths) => Object.fromEntries(paths.map((p) => [p.dataset.code, p.dataset.value])));
    // Keyboard: focus a borough shape and press Enter.
    await page.focus(".leaflet-overlay-pane path.leaflet-interactive[data-code='E09000007']");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/borough\/E09000007/, { timeout: 10000 });
    v.keyboard = { url: page.url(), ...(await afterNavigation()), h1: await page.innerText("h1") };

    v.borough = { ...(await visit(VIEWS.borough, { screenshot: "borough" })),
      h1: await page.innerText("h1"),
      systems: await texts("table.systems tbody tr", "data-system-id"),
      partners: await texts("ol.partners > li > a"),
      timelineBars: await page.$$eval(".chart svg", (svgs) => svgs.length),
      graphiql: await graphiqlLinks() };
    // In-app navigation: a system link on the borough page opens the system page without a reload.
    await page.click(`table.systems tbody tr[data-system-id='${v.borough.systems[0]}'] th a`);
    v.systemFromBorough = { ...(await afterNavigation()), url: page.url(), users: await texts("main table tbody tr", "data-code") };

    v.supplier = { ...(await visit(VIEWS.supplier, { screenshot: "supplier" })), h1: await page.innerText("h1"),
      boroughs: await texts("ul[data-boroughs] a") };
    v.system = { ...(await visit(VIEWS.system, { screenshot: "system" })), h1: await page.innerText("h1"),
      users: await texts("main table tbody tr[data-code]", "data-code") };
    v.collaborate = { ...(await visit(VIEWS.collaborate, { screenshot: "collaborate" })),
      systems: await texts("table.shared-systems tbody tr", "data-system-id"),
      suppliers: await texts("table.shared-suppliers tbody tr", "data-supplier-id") };

    v.buy = { ...(await visit(VIEWS["buy-together"], { screenshot: "buy-together" })),
      systems: await texts("table.opportunities tbody tr", "data-system-id"),
      dots: await page.$$eval(".chart svg circle", (c) => c.length),
      combined: await page.getAttribute("[data-combined]", "data-combined") };
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
    v.buy.csvName = download.suggestedFilename();
    v.buy.csv = readFileSync(await download.path(), "utf8");

    v.market = { ...(await visit(VIEWS.market, { screenshot: "market" })),
      hhi: await page.getAttribute("[data-hhi]", "data-hhi"),
      correlation: await page.getAttribute("[data-correlation]", "data-correlation"),
      bars: await page.$$eval(".chart svg g[aria-label='bar'] rect", (r) => r.length),
      areas: await page.$$eval("table.concentration tbody tr", (rows) => rows.map((r) => [r.dataset.area, r.querySelectorAll("td")[1].textContent])),
      scatterPoints: await page.$$eval(".chart svg g[aria-label='dot'] circle", (c) => c.length) };

    v.network = { ...(await visit(VIEWS.network, { screenshot: "network" })),
      nodeCount: Number(await page.getAttribute("#network", "data-node-count")),
      edgeCount: Number(await page.getAttribute("#network", "data-edge-count")),
      tableNodes: await texts("table.network-nodes tbody tr", "data-supplier-id") };
    // Click a node on the canvas (not the centre): the supplier's page opens.
    const target = await page.evaluate(() => {
      const cy = document.querySelector("#network").cy;
      const node = cy.nodes().filter((n) => n.data("centre") === 0)[0];
      const box = document.querySelector("#network").getBoundingClientRect();
      const p = node.renderedPosition();
      return { id: node.id(), x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(target.x, target.y);
    await page.waitForURL(/\/supplier\//, { timeout: 10000 });
    v.networkClick = { expected: target.id, ...(await afterNavigation()), url: page.url() };

    v.skills = { ...(await visit(VIEWS.skills, { screenshot: "skills" })),
      pairs: await texts("table.pairs tbody tr", "data-pair"),
      cells: await page.$$eval(".chart svg g[aria-label='cell'] rect", (r) => r.length) };

    v.unknown = { ...(await visit("/borough/E09999999", { reload: true })), h1: await page.innerText("h1") };

    // "Open in GraphiQL" opens GraphiQL with the panel's operation.
    await page.goto(v.borough.graphiql[0].startsWith("http") ? v.borough.graphiql[0] : `${base}${v.borough.graphiql[0]}`, { waitUntil: "load" });
    await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 30000 });
    await page.waitForFunction(() => (document.querySelector(".graphiql-query-editor .CodeMirror")?.CodeMirror.getValue() || "").includes("BoroughPage"), null, { timeout: 15000 });
    v.graphiql = {
      query: await page.evaluate(() => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue()),
      variables: await page.evaluate(() => document.querySelector(".graphiql-editor-tool .CodeMirror")?.CodeMirror.getValue() ?? null),
    };
    await page.screenshot({ path: join(shots, "graphiql-from-dashboard.png") });

    // Phone width: no page-wide horizontal scrolling.
    await page.setViewportSize(PHONE);
    v.phone = {};
    for (const [name, path] of [["map", VIEWS.map], ["borough", VIEWS.borough], ["market", VIEWS.market]]) {
      await visit(path, { screenshot: `phone-${name}`, reload: name === "map" });
      v.phone[name] = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    }
    await page.setViewportSize(DESKTOP);

    // Signed out: the real API answers members-only facts with null and an error; the views still render.
    if (key) await page.click(".sign-out");
    v.refused = {};
    await visit(`/?measure=satisfaction&asOf=${asOf}`, { screenshot: "map-refused", reload: true });
    v.refused.map = { shapes: await page.$$eval(".leaflet-overlay-pane path.leaflet-interactive", (p) => p.length), notice: await page.innerText(".notice").catch(() => null) };
    await visit(VIEWS.borough);
    v.refused.borough = { systems: (await texts("table.systems tbody tr", "data-system-id")).length, notice: await page.innerText(".notice").catch(() => null),
      satisfaction: await texts("table.systems tbody tr td:nth-child(6)"), skills: await page.innerText(".members-only").catch(() => null) };
    await visit(VIEWS.market);
    v.refused.market = { correlation: await page.getAttribute("[data-correlation]", "data-correlation"), notice: await page.innerText(".notice").catch(() => null) };
    await visit(VIEWS.skills);
    v.refused.skills = { pairs: (await texts("table.pairs tbody tr", "data-pair")).length, text: await texts(".members-only") };
  }
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.error = String(error && error.stack ? error.stack : error);
  await page.screenshot({ path: join(shots, "failure.png") }).catch(() => {});
} finally {
  await close();
}
console.log(JSON.stringify(report, null, 2));
