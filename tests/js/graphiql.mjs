// Drives the service's GraphiQL in headless Debian Chromium (playwright-core, no downloaded browser) with
// every request to a host other than 127.0.0.1/localhost aborted, and prints what happened as JSON.
// Usage: node tests/js/graphiql.mjs BASE_URL SCREENSHOT_DIR   (BASE_URL like http://127.0.0.1:8000)
import { join } from "node:path";

import { openOfflineBrowser } from "./offline_browser.mjs";

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node graphiql.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
const QUERY = "query BoroughNames { boroughs { name } }";
const MEMBERS_QUERY = 'query MertonSkills { borough(code: "E09000024") { name skills { level } } }';

const { page, report, close } = await openOfflineBrowser({ viewport: { width: 1400, height: 900 } });
report.steps = {};

try {
  const editorValue = (selector) =>
    page.evaluate((sel) => document.querySelector(`${sel} .CodeMirror`)?.CodeMirror.getValue() ?? null, selector);

  // 1. First visit: the page, the bundle, the schema; the examples open as tabs.
  await page.goto(`${base}/graphql`, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 30000 });
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  report.steps.tabs = await page.$$eval(".graphiql-tab .graphiql-tab-button", (tabs) => tabs.map((tab) => tab.textContent.trim()));
  report.steps.pluginButtons = await page.$$eval(".graphiql-sidebar button[aria-label]", (buttons) =>
    buttons.map((button) => button.getAttribute("aria-label")),
  );

  // 2. Type a query into a new tab and run it.
  await page.click(".graphiql-tab-add");
  await page.click(".graphiql-query-editor .CodeMirror");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(QUERY, { delay: 10 });
  await page.keyboard.press("Escape"); // close any autocompletion hint
  report.steps.typed = await editorValue(".graphiql-query-editor");
  // GraphiQL takes the operation name from the editor after a debounce; running before it catches up sends
  // the previous tab's operationName. The tab title shows the name once the state is current.
  await page.waitForFunction(
    () => document.querySelector(".graphiql-tab-active .graphiql-tab-button")?.textContent.trim() === "BoroughNames",
    null,
    { timeout: 15000 },
  );
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => (document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue() || "").includes("Camden"),
    null,
    { timeout: 30000 },
  );
  report.steps.response = await editorValue(".result-window");
  report.steps.resultPaneText = await page.innerText(".result-window");
  await page.screenshot({ path: join(shots, "graphiql-query.png") });

  // 3. The explorer plugin renders the schema's root fields.
  await page.click('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]');
  await page.waitForSelector(".graphiql-explorer-root, .docExplorerWrap, .graphiql-plugin", { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector(".graphiql-plugin")?.innerText.includes("boroughs"), null, {
    timeout: 15000,
  });
  report.steps.explorerText = (await page.innerText(".graphiql-plugin")).slice(0, 2000);
  await page.screenshot({ path: join(shots, "graphiql-explorer.png") });

  // 4. ?example=NAME switches to that example's tab; run it.
  await page.goto(`${base}/graphql?example=boroughs-and-partnerships`, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  report.steps.exampleActiveTab = await page.$eval(".graphiql-tab-active .graphiql-tab-button", (tab) => tab.textContent.trim());
  report.steps.exampleQuery = await editorValue(".graphiql-query-editor");
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () =>
      (document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue() || "").includes(
        "South London Partnership",
      ),
    null,
    { timeout: 30000 },
  );
  report.steps.exampleResponse = await editorValue(".result-window");
  await page.screenshot({ path: join(shots, "graphiql-example.png") });

  // 5. Sign-in through the Headers tab (docs/signin.md): a members-only field is refused without the header and
  //    answered with it. CITYGRAPH_GRAPHIQL_KEY is a member's API key the test created.
  const key = process.env.CITYGRAPH_GRAPHIQL_KEY;
  if (key) {
    const resultHas = (text) =>
      page.waitForFunction(
        (t) => (document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue() || "").includes(t),
        text,
        { timeout: 30000 },
      );
    await page.goto(`${base}/graphql?document=${encodeURIComponent(MEMBERS_QUERY)}`, { waitUntil: "load" });
    await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
    await page.click(".graphiql-execute-button");
    await resultHas("SIGN_IN_REQUIRED");
    report.steps.anonymousResponse = await editorValue(".result-window");
    await page.click('.graphiql-editor-tools button[data-name="headers"]');
    const headers = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
    await page.waitForSelector(`${headers} .CodeMirror`, { timeout: 15000 });
    await page.click(`${headers} .CodeMirror`);
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Backspace");
    // Typed, not set: what a user pasting the header does (the editor closes brackets itself, hence no "}").
    await page.keyboard.type(`{"Authorization": "Bearer ${key}"`, { delay: 2 });
    report.steps.headersTyped = await editorValue(".graphiql-editor-tool .graphiql-editor:not(.hidden)");
    await page.click(".graphiql-execute-button");
    await resultHas('"skills": []');
    report.steps.signedInResponse = await editorValue(".result-window");
    await page.screenshot({ path: join(shots, "graphiql-headers.png") });
  }
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.error = String(error && error.stack ? error.stack : error);
  await page.screenshot({ path: join(shots, "graphiql-failure.png") }).catch(() => {});
} finally {
  await close();
}
console.log(JSON.stringify(report, null, 2));
