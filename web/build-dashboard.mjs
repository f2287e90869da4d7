// Builds the dashboard that the API serves at / (run by `make dashboard`):
//   citygraph/dashboard/static/dashboard.js, dashboard.css   the app (web/src/dashboard/), Leaflet, Cytoscape.js,
//                                                             Observable Plot, minified
//   citygraph/dashboard/static/dashboard.js.LEGAL.txt          licence comments of what is bundled
//   citygraph/dashboard/static/london_boroughs.geojson         simplified boundaries (web/data/, with ATTRIBUTION.md)
// Everything comes from web/node_modules (npm ci); the build fails if the result names a CDN.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(root, "citygraph", "dashboard", "static");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { dashboard: join(here, "src", "dashboard", "main.js") },
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  loader: { ".png": "dataurl", ".svg": "dataurl" },
  legalComments: "external",
  sourcemap: false,
  logLevel: "warning",
});
for (const name of ["london_boroughs.geojson", "ATTRIBUTION.md"]) copyFileSync(join(here, "data", name), join(out, name));

const forbidden = /unpkg|jsdelivr|cdnjs|https?:\/\/[^\s"'`)]*\bcdn\b|\/\/cdn\./i;
for (const name of readdirSync(out)) {
  const text = readFileSync(join(out, name), "utf8");
  const match = text.match(forbidden);
  if (match) {
    const at = match.index;
    console.error(`${name} mentions a CDN: …${text.slice(Math.max(0, at - 80), at + 80)}…`);
    process.exit(1);
  }
}

const versions = Object.fromEntries(
  ["leaflet", "cytoscape", "@observablehq/plot", "esbuild"].map((name) => [
    name,
    JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version,
  ]),
);
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
for (const name of readdirSync(out).sort()) {
  const bytes = readFileSync(join(out, name));
  console.log(`built ${join("citygraph/dashboard/static", name)}: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped`);
}
