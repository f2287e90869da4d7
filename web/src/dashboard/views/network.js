// Supplier network: a force-directed graph (Cytoscape.js, "cose" layout) of the suppliers that work alongside a
// chosen one in the same boroughs; links need at least N shared boroughs. Click a node (or a row of the table,
// which is the keyboard and text alternative) for the supplier's page.
import cytoscape from "cytoscape";
import { gql, gqlAllPages } from "../api.js";
import { h, panel, table, alternative, partialNotice, supplierLink, fmt, OKABE_ITO } from "../ui.js";
import { navigate } from "../main.js";

export const SUPPLIERS_QUERY = `query SupplierList($after: String) {
  suppliers(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id name } }
  }
}`;

export const LARGEST_QUERY = `query LargestSupplier { supplierConcentration(top: 1) { suppliers { supplier { id name } } } }`;

export const NETWORK_QUERY = `query SupplierNetwork($supplierId: ID!, $minSharedBoroughs: Int!, $depth: Int!, $limit: Int!) {
  supplierNetwork(supplierId: $supplierId, minSharedBoroughs: $minSharedBoroughs, depth: $depth, limit: $limit) {
    nodes { id label }
    edges { source target weight }
  }
}`;

export default {
  name: "network",
  async render({ search, go }) {
    const [list, largest] = await Promise.all([
      gqlAllPages(SUPPLIERS_QUERY, {}, (data) => data.suppliers),
      gql(LARGEST_QUERY),
    ]);
    const suppliers = list.nodes.sort((a, b) => a.name.localeCompare(b.name));
    const fallback = largest.data.supplierConcentration.suppliers[0]?.supplier.id || suppliers[0]?.id;
    const supplierId = suppliers.some((s) => s.id === search.get("supplier")) ? search.get("supplier") : fallback;
    if (!supplierId) return { title: "Supplier network", nodes: [h("h1", {}, "Supplier network"), h("p", {}, "No suppliers in the graph yet.")] };
    const minSharedBoroughs = Math.max(1, Math.min(33, Number(search.get("min")) || 15));
    const depth = Math.max(1, Math.min(3, Number(search.get("depth")) || 1));
    const limit = Math.max(1, Math.min(200, Number(search.get("limit")) || 50));
    const variables = { supplierId, minSharedBoroughs, depth, limit };
    const { data, errors } = await gql(NETWORK_QUERY, variables);
    const { nodes, edges } = data.supplierNetwork;
    const centre = nodes.find((n) => n.id === supplierId);
    const degree = new Map(nodes.map((n) => [n.id, 0]));
    for (const e of edges) {
      degree.set(e.source, degree.get(e.source) + 1);
      degree.set(e.target, degree.get(e.target) + 1);
    }
    const byId = new Map(nodes.map((n) => [n.id, n]));

    const form = h("form", { class: "controls", onsubmit: (e) => {
      e.preventDefault();
      go({ supplier: form.elements.supplier.value, min: form.elements.min.value, depth: form.elements.depth.value, limit: form.elements.limit.value });
    } },
      h("label", {}, "Around ", h("select", { name: "supplier" }, suppliers.map((s) => h("option", { value: s.id, selected: s.id === supplierId }, s.name)))),
      h("label", {}, "Minimum shared boroughs ", h("input", { type: "range", name: "min", min: 1, max: 33, value: minSharedBoroughs,
        oninput: (e) => (e.target.nextElementSibling.textContent = e.target.value) }), h("output", {}, String(minSharedBoroughs))),
      h("label", {}, "Depth ", h("input", { type: "number", name: "depth", min: 1, max: 3, value: depth })),
      h("label", {}, "At most ", h("input", { type: "number", name: "limit", min: 1, max: 200, value: limit }), " suppliers"),
      h("button", { type: "submit" }, "Show"));

    const graph = h("div", { id: "network", class: "network", role: "img", "data-node-count": "", "data-edge-count": "",
      "aria-label": `Network of ${nodes.length} suppliers around ${centre ? centre.label : supplierId}; the table below lists them.` });
    nodes.forEach((n) => (n.__attributes = { "data-supplier-id": n.id }));
    const page = [
      h("h1", {}, "Supplier network"),
      h("p", { class: "lead" }, "Two suppliers are linked when they both supply at least the chosen number of boroughs in common; thicker links share more."),
      form,
      partialNotice(errors),
      panel(`${nodes.length} suppliers and ${edges.length} links around ${centre ? centre.label : supplierId}`, [{ query: NETWORK_QUERY, variables }],
        h("p", { class: "key" }, h("span", { class: "dot centre" }), " the chosen supplier  ", h("span", { class: "dot other" }), " others — click one to open it"),
        graph,
        alternative("Table of the suppliers (keyboard: open one from here)", table("Suppliers in the network", [
          { label: "Supplier", value: (n) => supplierLink({ id: n.id, name: n.label }) },
          { label: "Links", value: (n) => fmt.int(degree.get(n.id)), numeric: true },
          { label: "Link to the chosen supplier (shared boroughs)", value: (n) => {
            const e = edges.find((x) => (x.source === supplierId && x.target === n.id) || (x.target === supplierId && x.source === n.id));
            return e ? fmt.int(e.weight) : n.id === supplierId ? "(chosen)" : "—";
          }, numeric: true },
        ], nodes, { class: "network-nodes" })),
        alternative(`Table of the ${edges.length} links`, table("Links", [
          { label: "Supplier", value: (e) => byId.get(e.source)?.label || e.source },
          { label: "Supplier", value: (e) => byId.get(e.target)?.label || e.target },
          { label: "Shared boroughs", value: (e) => fmt.int(e.weight), numeric: true },
        ], edges))),
    ];
    const after = async () => {
      const maxWeight = Math.max(1, ...edges.map((e) => e.weight));
      const cy = cytoscape({
        container: graph,
        elements: [
          ...nodes.map((n) => ({ data: { id: n.id, label: n.label, degree: degree.get(n.id), centre: n.id === supplierId ? 1 : 0 } })),
          ...edges.map((e) => ({ data: { id: `${e.source}|${e.target}`, source: e.source, target: e.target, weight: e.weight } })),
        ],
        style: [
          { selector: "node", style: {
            "background-color": OKABE_ITO[0], label: "data(label)", "font-size": 10, color: "#111",
            "text-valign": "bottom", "text-margin-y": 3, width: "mapData(degree, 0, 50, 12, 36)", height: "mapData(degree, 0, 50, 12, 36)",
            "text-background-color": "#fff", "text-background-opacity": 0.7, "text-background-padding": 1 } },
          { selector: "node[centre = 1]", style: { "background-color": OKABE_ITO[1], "border-width": 2, "border-color": "#000" } },
          { selector: "edge", style: { width: `mapData(weight, 1, ${maxWeight}, 0.5, 4)`, "line-color": "#999", opacity: 0.5 } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": OKABE_ITO[5] } },
        ],
        // Force-directed; a dense network needs strong repulsion or every node lands on the centre.
        layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 1_000_000, idealEdgeLength: () => 140,
          edgeElasticity: () => 50, gravity: 0.5, numIter: 1000, padding: 30 },
        wheelSensitivity: 0.3,
        minZoom: 0.2,
        maxZoom: 2,
      });
      cy.on("tap", "node", (event) => navigate(`/supplier/${encodeURIComponent(event.target.id())}`));
      if (cy.zoom() > 1.4) cy.zoom({ level: 1.4, position: cy.nodes(`[centre = 1]`).position() }); // keep labels legible
      cy.center();
      graph.cy = cy; // for tests: they click a node where it was drawn
      graph.dataset.nodeCount = String(cy.nodes().length);
      graph.dataset.edgeCount = String(cy.edges().length);
    };
    return { title: "Supplier network", nodes: page, after };
  },
};
