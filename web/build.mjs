// Builds the offline GraphiQL that the API serves at /graphiql-static/ (run by `make graphiql`):
//   citygraph/schema/static/graphiql/graphiql.js, graphiql.css   React + GraphiQL + explorer plugin, minified
//   citygraph/schema/static/graphiql/graphiql.js.LEGAL.txt        licence comments of what is bundled
// Everything comes from web/node_modules (npm ci); the result must not point at any CDN, and the build
// fails if it does.
import { build } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(root, "citygraph", "schema", "static", "graphiql");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { graphiql: join(here, "src", "graphiql.jsx") },
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".svg": "dataurl", ".png": "dataurl" },
  legalComments: "external",
  sourcemap: false,
  logLevel: "warning",
});

// The whole point is working with no internet: refuse a bundle that names a CDN or loads anything
// from another host.
const forbidden = /unpkg|jsdelivr|cdnjs|https?:\/\/[^\s"'`)]*\bcdn\b|\/\/cdn\./i;
for (const name of readdirSync(out)) {
  if (!/\.(js|css|txt)$/.test(name)) continue;
  const text = readFileSync(join(out, name), "utf8");
  const match = text.match(forbidden);
  if (match) {
    const at = match.index;
    console.error(`${name} mentions a CDN: …${text.slice(Math.max(0, at - 80), at + 80)}…`);
    process.exit(1);
  }
}

const versions = Object.fromEntries(
  ["graphiql", "@graphiql/plugin-explorer", "@graphiql/react", "@graphiql/toolkit", "react", "react-dom", "graphql"].map(
    (name) => [name, JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version],
  ),
);
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
for (const name of readdirSync(out)) console.log(`built ${join("citygraph/schema/static/graphiql", name)}`);
