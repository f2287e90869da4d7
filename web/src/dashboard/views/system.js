// System page: who makes it, which boroughs use it (hosting, satisfaction), the contracts covering it.
import { gql } from "../api.js";
import { h, link, panel, table, partialNotice, boroughLink, supplierLink, fmt } from "../ui.js";

export const SYSTEM_QUERY = `query SystemPage($id: ID!) {
  system(id: $id) {
    id
    name
    averageSatisfaction
    serviceArea { name kind }
    manufacturer { id name sme }
    uses { borough { code name } hosting satisfaction since users }
  }
  contracts(where: {systemId: $id}, first: 100) {
    totalCount
    edges {
      node { id title startDate endDate maxExtensionDate valueGbp borough { code name } supplier { id name } }
    }
  }
}`;

export default {
  name: "system",
  async render({ params: [id] }) {
    const variables = { id };
    const { data, errors } = await gql(SYSTEM_QUERY, variables);
    const s = data.system;
    if (!s) return { title: "Unknown system", nodes: [h("h1", {}, "Unknown system"), h("p", { class: "error", role: "alert" }, `No system has the id "${id}".`)] };
    const ops = [{ query: SYSTEM_QUERY, variables }];
    const contracts = data.contracts.edges.map((e) => e.node);
    const uses = s.uses.filter(Boolean);
    uses.forEach((u) => (u.__attributes = { "data-code": u.borough.code }));
    const nodes = [
      h("h1", {}, s.name),
      h("p", { class: "lead" }, `${s.serviceArea.name} (${s.serviceArea.kind === "FRONTLINE" ? "frontline" : "corporate"}) · made by `,
        supplierLink(s.manufacturer), ` · average satisfaction ${fmt.dec(s.averageSatisfaction)}`),
      partialNotice(errors),
      panel(`Used by ${uses.length} boroughs`, ops,
        table("Boroughs using this system", [
          { label: "Borough", value: (u) => boroughLink(u.borough) },
          { label: "Hosting", value: (u) => u.hosting },
          { label: "Since", value: (u) => fmt.date(u.since) },
          { label: "Users", value: (u) => fmt.int(u.users), numeric: true },
          { label: "Satisfaction", value: (u) => fmt.int(u.satisfaction), numeric: true },
        ], uses),
        uses.length > 1 ? h("p", {}, link(`/collaborate?boroughs=${uses.map((u) => u.borough.code).join(",")}&min=2`, "What else do these boroughs share?")) : null),
      panel(`Contracts covering it (${data.contracts.totalCount})`, ops,
        table("Contracts", [
          { label: "Contract", value: (c) => `${c.title} (${c.id})` },
          { label: "Borough", value: (c) => boroughLink(c.borough) },
          { label: "Supplier", value: (c) => supplierLink(c.supplier) },
          { label: "Start", value: (c) => fmt.date(c.startDate) },
          { label: "End", value: (c) => fmt.date(c.endDate) },
          { label: "Max. extension", value: (c) => fmt.date(c.maxExtensionDate) },
          { label: "Value", value: (c) => fmt.gbp(c.valueGbp), numeric: true },
        ], contracts)),
    ];
    return { title: s.name, nodes };
  },
};
