// Supplier page: the boroughs it supplies, the systems it makes, its contracts.
import { gql } from "../api.js";
import { h, link, panel, table, partialNotice, boroughLink, systemLink, fmt } from "../ui.js";

export const SUPPLIER_QUERY = `query SupplierPage($id: ID!) {
  supplier(id: $id) {
    id
    name
    sme
    companyNumber
    boroughs { code name }
    systems { id name serviceArea { name } boroughs { code } }
    contracts(first: 100) {
      totalCount
      edges { node { id title endDate valueGbp borough { code name } systems { id name } } }
    }
  }
}`;

export default {
  name: "supplier",
  async render({ params: [id] }) {
    const variables = { id };
    const { data, errors } = await gql(SUPPLIER_QUERY, variables);
    const s = data.supplier;
    if (!s) return { title: "Unknown supplier", nodes: [h("h1", {}, "Unknown supplier"), h("p", { class: "error", role: "alert" }, `No supplier has the id "${id}".`)] };
    const ops = [{ query: SUPPLIER_QUERY, variables }];
    const contracts = s.contracts.edges.map((e) => e.node);
    const nodes = [
      h("h1", {}, s.name),
      h("p", { class: "lead" }, s.sme ? "SME" : "Large supplier", s.companyNumber ? ` · Company number ${s.companyNumber}` : "", " · ",
        link(`/network?supplier=${encodeURIComponent(s.id)}`, "Network around this supplier")),
      partialNotice(errors),
      h("div", { class: "grid" },
        panel(`Boroughs supplied (${s.boroughs.length})`, ops,
          h("ul", { class: "columns", "data-boroughs": s.boroughs.length }, s.boroughs.map((b) => h("li", {}, boroughLink(b))))),
        panel(`Systems made (${s.systems.length})`, ops,
          s.systems.length
            ? table("Systems it manufactures", [
                { label: "System", value: systemLink },
                { label: "Service area", value: (x) => x.serviceArea.name },
                { label: "Boroughs using it", value: (x) => fmt.int(x.boroughs.length), numeric: true },
              ], s.systems)
            : h("p", {}, "It makes none of the systems in the graph (a reseller or services firm)."))),
      panel(`Contracts (${s.contracts.totalCount})`, ops,
        s.contracts.totalCount > contracts.length ? h("p", { class: "notice" }, `Showing the first ${contracts.length}.`) : null,
        table("Contracts with councils", [
          { label: "Contract", value: (c) => `${c.title} (${c.id})` },
          { label: "Borough", value: (c) => boroughLink(c.borough) },
          { label: "Systems", value: (c) => c.systems.flatMap((x, i) => (i ? [", ", systemLink(x)] : [systemLink(x)])) },
          { label: "Ends", value: (c) => fmt.date(c.endDate) },
          { label: "Value", value: (c) => fmt.gbp(c.valueGbp), numeric: true },
        ], contracts)),
    ];
    return { title: s.name, nodes };
  },
};
