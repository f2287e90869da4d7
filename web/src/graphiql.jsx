// CityGraph's GraphiQL: GraphiQL, the explorer plugin and an "Examples" plugin, bundled with React into
// one script and one stylesheet that the API serves itself (no network beyond the API is ever needed).
// The page (citygraph/schema/graphiql.py) puts its configuration in <script id="citygraph-graphiql-config">.
import React, { useEffect, useReducer, useRef } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { useEditorContext } from "@graphiql/react";
import { parse } from "graphql";
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

// A new tab with the explorer open (issue 12). graphiql-explorer 0.9, inside every @graphiql/plugin-explorer
// up to the latest (5.1.5), remembers the last query that parsed, in any tab, and shows that one while the
// editor's text does not parse. GraphiQL's default for a new tab is only comments, which does not parse:
// the new tab showed the previous tab's query in the explorer, and ticking a field wrote it into the new
// tab. So a new tab starts with a query that parses (NEW_TAB_QUERY), and a tab whose text has not parsed
// since it became active shows a note instead of another tab's query. The plugin (on @graphiql/react 0.34)
// also reads the editor only when React renders it: render it again on every change of the editor, and
// give each tab an explorer of its own (a new `key` remounts it with that tab's query).
const NEW_TAB_QUERY = `# Write a query here, or tick fields in the GraphiQL Explorer. Ctrl-Enter runs it.
{
  boroughs {
    code
    name
  }
}
`;
const explorer = explorerPlugin();
const ExplorerContent = explorer.content;

function parses(text) {
  try {
    parse(text, { noLocation: true });
    return true;
  } catch {
    return false;
  }
}

function ExplorerOfTheActiveTab() {
  const { queryEditor, tabs, activeTabIndex } = useEditorContext({ nonNull: true });
  const [, rerender] = useReducer((n) => n + 1, 0);
  const parsedTabs = useRef(new Set()); // tabs whose text parsed since they became active
  const tabId = tabs[activeTabIndex]?.id;
  const previousTab = useRef(tabId);
  useEffect(() => {
    if (!queryEditor) return undefined;
    queryEditor.on("change", rerender);
    return () => queryEditor.off("change", rerender);
  }, [queryEditor]);
  if (previousTab.current !== tabId) {
    parsedTabs.current.delete(tabId);
    previousTab.current = tabId;
  }
  const text = queryEditor ? queryEditor.getValue() : "";
  if (parses(text)) parsedTabs.current.add(tabId);
  if (text.trim() && !parsedTabs.current.has(tabId)) {
    return (
      <p className="citygraph-explorer-note">
        The query in this tab does not parse yet, so the explorer cannot show it. Fix it, or clear the editor to
        start a new query here.
      </p>
    );
  }
  return <ExplorerContent key={tabId} />;
}

const plugins = [{ ...explorer, content: ExplorerOfTheActiveTab }, examplesPlugin];

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
      defaultQuery={NEW_TAB_QUERY}
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
