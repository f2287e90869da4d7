// CityGraph's GraphiQL: GraphiQL, the explorer plugin and an "Examples" plugin, bundled with React into
// one script and one stylesheet that the API serves itself (no network beyond the API is ever needed).
// The page (citygraph/schema/graphiql.py) puts its configuration in <script id="citygraph-graphiql-config">.
import React from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import "./citygraph.css";

const config = JSON.parse(document.getElementById("citygraph-graphiql-config").textContent);
const examples = config.examples || [];
const selected = examples.find((example) => example.name === config.example) || null;

function exampleHref(name) {
  const url = new URL(window.location.href);
  url.search = "";
  url.searchParams.set("example", name);
  return url.pathname + url.search;
}

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h11M4 10h16M4 15h11M4 20h16" strokeLinecap="round" />
    </svg>
  );
}

function ExamplesList() {
  return (
    <section className="citygraph-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>Saved operations from <code>docs/examples/</code>. Opening one adds it as a tab (or switches to it).</p>
      <ul>
        {examples.map((example) => (
          <li key={example.name}>
            <a href={exampleHref(example.name)} data-example={example.name}>
              {example.title || example.name}
            </a>
            {example.description ? <p>{example.description}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

const examplesPlugin = { title: "Examples", icon: ExamplesIcon, content: ExamplesList };
const plugins = [explorerPlugin(), examplesPlugin];

// First visit (no tabs in local storage): one tab per example, the chosen one first.
const ordered = selected ? [selected, ...examples.filter((example) => example !== selected)] : examples;
const defaultTabs = ordered.length
  ? ordered.map((example) => ({ query: example.query, variables: example.variables || undefined }))
  : undefined;

const fetcher = createGraphiQLFetcher({ url: config.endpoint });

function App() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={defaultTabs}
      // With ?example=NAME GraphiQL switches to the tab holding that operation, or adds one.
      query={selected ? selected.query : undefined}
      variables={selected ? selected.variables || undefined : undefined}
      defaultEditorToolsVisibility={Boolean(selected && selected.variables)}
      isHeadersEditorEnabled={true}
      shouldPersistHeaders={false}
      inputValueDeprecation={true}
    >
      <GraphiQL.Logo>CityGraph</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(document.getElementById("graphiql")).render(<App />);
