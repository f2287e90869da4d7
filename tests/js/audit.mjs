// Runs every graphql-http server audit (GraphQL over HTTP conformance) against a running endpoint and
// prints the results as JSON: {"url": …, "results": [{"id", "name", "status", "reason"?}]}.
// Usage: node tests/js/audit.mjs http://127.0.0.1:PORT/graphql   (modules from web/node_modules)
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// ES modules ignore NODE_PATH: resolve from web/ explicitly.
const require = createRequire(join(fileURLToPath(import.meta.url), "..", "..", "..", "web", "package.json"));
const { auditServer } = require("graphql-http");

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}

const results = await auditServer({ url });
const out = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    if (result.response) {
      entry.response = {
        status: result.response.status,
        contentType: result.response.headers.get("content-type"),
        body: (await result.response.text().catch(() => "")).slice(0, 500),
      };
    }
  }
  out.push(entry);
}
console.log(JSON.stringify({ url, results: out }, null, 2));
