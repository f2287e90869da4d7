// GraphiQL's tabs with the explorer plugin open (issue 12): a new tab must show its own query, and the
// previous tab must keep its own. Prints what the editors held at each step as JSON.
// Usage: node tests/js/graphiql_tabs.mjs BASE_URL SCREENSHOT_DIR
import { join } from "node:path";

import { openOfflineBrowser } from "./offline_browser.mjs";

const [base, shots] = process.argv.slice(2);
const FIRST = "query First { skills { name } }";
const { page, report, close } = await openOfflineBrowser({ viewport: { width: 1400, height: 900 } });
report.steps = {};
try {
  const query = () => page.evaluate(() => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue());
  const activeTitle = () => page.$eval(".graphiql-tab-active .graphiql-tab-button", (tab) => tab.textContent.trim());
  const settle = () => page.waitForTimeout(1500); // longer than GraphiQL's and the explorer's debounces

  await page.goto(`${base}/graphql`, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  await page.click('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]');
  await page.waitForFunction(() => document.querySelector(".graphiql-plugin")?.innerText.includes("boroughs"), null, {
    timeout: 15000,
  });

  // A tab of our own with a known query, while the explorer is open.
  await page.click(".graphiql-tab-add");
  await settle();
  await page.click(".graphiql-query-editor .CodeMirror");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(FIRST, { delay: 5 });
  await page.keyboard.press("Escape");
  await settle();
  report.steps.firstTab = { title: await activeTitle(), query: await query() };

  // Build on it with the explorer (tick a field), as people do with the explorer open.
  await page.locator(".graphiql-plugin").getByText("partnerships", { exact: true }).first().click();
  await settle();
  report.steps.afterExplorerEdit = { title: await activeTitle(), query: await query() };
  await page.screenshot({ path: join(shots, "graphiql-explorer-edit.png") });

  // Another new tab: it must show its own (default) query, not FIRST.
  await page.click(".graphiql-tab-add");
  await settle();
  report.steps.newTab = { title: await activeTitle(), query: await query() };
  await page.screenshot({ path: join(shots, "graphiql-new-tab.png") });

  // The report's exact steps: with the explorer open, "+" and at once tick a field in the explorer. The new
  // tab's query must grow, not the previous tab's query be written into the new tab.
  await page.click(".graphiql-tab-add");
  // The root field (the last "skills": Borough's own, under the expanded "boroughs", comes first).
  await page.locator(".graphiql-plugin").getByText("skills", { exact: true }).last().click();
  await settle();
  report.steps.tickInNewTab = { title: await activeTitle(), query: await query() };

  // A tab whose text does not parse: after switching away and back, the explorer says so instead of
  // showing the query of the tab seen before.
  await page.click(".graphiql-query-editor .CodeMirror");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("query Broken { 1", { delay: 5 }); // the editor closes the brace: still no parse
  await page.keyboard.press("Escape");
  await settle();
  const brokenIndex = (await page.$$eval(".graphiql-tab .graphiql-tab-button", (tabs) => tabs.length)) - 1;
  await page.locator(".graphiql-tab .graphiql-tab-button", { hasText: "First" }).first().click();
  await settle();
  await page.locator(".graphiql-tab .graphiql-tab-button").nth(brokenIndex).click();
  await settle();
  report.steps.brokenTab = {
    query: await query(),
    explorer: await page.evaluate(() => document.querySelector(".graphiql-plugin")?.innerText.trim()),
  };

  // Back to the first: still FIRST.
  const titles = await page.$$eval(".graphiql-tab .graphiql-tab-button", (tabs) => tabs.map((t) => t.textContent.trim()));
  report.steps.titles = titles;
  const index = titles.lastIndexOf("First");
  if (index >= 0) {
    await page.locator(".graphiql-tab .graphiql-tab-button").nth(index).click();
    await settle();
    report.steps.backToFirst = { title: await activeTitle(), query: await query() };
  }

  // A new tab from a link (?example=NAME) while the explorer is open: close that example's tab first, so
  // GraphiQL has to add one; it must hold the example's query.
  const sharedIndex = (await page.$$eval(".graphiql-tab .graphiql-tab-button", (tabs) => tabs.map((t) => t.textContent.trim()))).indexOf("SharedSystems");
  const sharedTab = page.locator(".graphiql-tab").nth(sharedIndex);
  await sharedTab.hover();
  await sharedTab.locator(".graphiql-tab-close").click();
  await settle();
  await page.locator(".graphiql-tab .graphiql-tab-button", { hasText: "First" }).first().click();
  await settle();
  await page.goto(`${base}/graphql?example=shared-systems`, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  await settle();
  report.steps.exampleTab = {
    title: await activeTitle(),
    query: await query(),
    titles: await page.$$eval(".graphiql-tab .graphiql-tab-button", (tabs) => tabs.map((t) => t.textContent.trim())),
    explorerOpen: await page.evaluate(() => Boolean(document.querySelector(".graphiql-plugin")?.innerText.includes("boroughs"))),
  };
  await page.screenshot({ path: join(shots, "graphiql-example-tab.png") });
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.error = String(error && error.stack ? error.stack : error);
} finally {
  await close();
}
console.log(JSON.stringify(report, null, 2));
