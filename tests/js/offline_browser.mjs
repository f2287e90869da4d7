// Headless Debian Chromium (playwright-core, never a downloaded browser) that may reach only this machine:
// every request to another host is aborted and recorded, and so are requests, WebSockets, console errors and
// page errors. One place for the browser tests (GraphiQL, its tabs, the dashboard) and bench/dashboard.py.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(fileURLToPath(import.meta.url), "..", "..", "..", "web", "package.json"));
const { chromium } = require("playwright-core");

export const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** { page, report, close }: `report` holds requests, aborted, external, consoleErrors and pageErrors. */
export async function openOfflineBrowser({ viewport, acceptDownloads = false }) {
  const userDataDir = mkdtempSync(join(tmpdir(), "citygraph-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CITYGRAPH_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    acceptDownloads,
    args: ARGS,
    viewport,
  });
  const report = { requests: [], aborted: [], external: [], consoleErrors: [], pageErrors: [] };
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      const { hostname, protocol } = new URL(url);
      if ((protocol === "http:" || protocol === "https:" || protocol === "ws:") && !LOCAL.has(hostname)) {
        report.aborted.push(url);
        return route.abort("blockedbyclient");
      }
      return route.continue();
    });
    context.on("request", (request) => {
      const url = request.url();
      report.requests.push(`${request.method()} ${url.length > 200 ? url.slice(0, 200) + "…" : url}`);
      const { hostname, protocol } = new URL(url);
      if (protocol !== "data:" && protocol !== "blob:" && !LOCAL.has(hostname)) report.external.push(url);
    });
    // WebSockets are not routed by context.route: record those of every page (popups too).
    const watch = (page) => {
      page.on("websocket", (ws) => {
        if (!LOCAL.has(new URL(ws.url()).hostname)) report.external.push(ws.url());
      });
      page.on("console", (message) => {
        if (message.type() === "error") report.consoleErrors.push(`${page.url()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => report.pageErrors.push(`${page.url()}: ${error}`));
    };
    context.pages().forEach(watch); // the window the browser opened with; later pages arrive as events
    context.on("page", watch);
    const page = context.pages()[0] || (await context.newPage());
    return { page, report, close };
  } catch (error) {
    await close();
    throw error;
  }
}
