// Collaborate: pick two or more boroughs (or a partnership) → the systems and suppliers they share.
import { gql } from "../api.js";
import { h, panel, table, partialNotice, boroughLink, supplierLink, systemLink, fmt } from "../ui.js";

export const OPTIONS_QUERY = `query CollaborateOptions {
  boroughs { code name }
  partnerships { name boroughs { code } }
}`;

export const SHARED_QUERY = `query Collaborate($boroughCodes: [ID!]!, $minBoroughs: Int) {
  sharedSystems(boroughCodes: $boroughCodes, minBoroughs: $minBoroughs) {
    boroughCount
    system { id name serviceArea { name } manufacturer { id name } }
    boroughs { code name }
  }
  sharedSuppliers(boroughCodes: $boroughCodes, minBoroughs: $minBoroughs) {
    boroughCount
    supplier { id name sme }
    boroughs { code name }
  }
}`;

const DEFAULT_PARTNERSHIP = "South London Partnership";

export default {
  name: "collaborate",
  async render({ search, go }) {
    const options = (await gql(OPTIONS_QUERY)).data;
    const known = new Set(options.boroughs.map((b) => b.code));
    let codes = (search.get("boroughs") || "").split(",").filter((c) => known.has(c));
    const partnership = options.partnerships.find((p) => p.name === search.get("partnership"))
      || (!codes.length ? options.partnerships.find((p) => p.name === DEFAULT_PARTNERSHIP) : null);
    if (partnership && !search.get("boroughs")) codes = partnership.boroughs.map((b) => b.code);
    const chosen = new Set(codes);
    const min = Math.max(1, Math.min(Number(search.get("min")) || chosen.size, chosen.size || 1));

    const form = h("form", { class: "controls picker", onsubmit: (event) => {
      event.preventDefault();
      const picked = [...form.querySelectorAll("input[name=borough]:checked")].map((i) => i.value);
      go({ boroughs: picked.join(","), partnership: null, min: form.elements.min.value });
    } },
      h("label", {}, "Partnership ",
        h("select", { name: "partnership", onchange: (e) => {
          const p = options.partnerships.find((x) => x.name === e.target.value);
          if (p) go({ partnership: p.name, boroughs: null, min: null });
        } },
          h("option", { value: "" }, "— pick boroughs below —"),
          options.partnerships.map((p) => h("option", { value: p.name, selected: partnership && p.name === partnership.name }, p.name)))),
      h("fieldset", {}, h("legend", {}, "Boroughs"),
        h("div", { class: "checks" }, options.boroughs.map((b) =>
          h("label", {}, h("input", { type: "checkbox", name: "borough", value: b.code, checked: chosen.has(b.code) }), ` ${b.name}`)))),
      h("label", {}, "Shared by at least ", h("input", { type: "number", name: "min", min: 1, max: 33, value: min }), " of them "),
      h("button", { type: "submit" }, "Compare"));

    if (chosen.size < 2) {
      return { title: "Collaborate", nodes: [h("h1", {}, "Collaborate"), form, h("p", { role: "status" }, "Pick two or more boroughs, or a partnership.")] };
    }
    const variables = { boroughCodes: [...chosen], minBoroughs: min };
    const { data, errors } = await gql(SHARED_QUERY, variables);
    const ops = [{ query: SHARED_QUERY, variables }];
    const names = options.boroughs.filter((b) => chosen.has(b.code)).map((b) => b.name);
    data.sharedSystems.forEach((r) => (r.__attributes = { "data-system-id": r.system.id }));
    data.sharedSuppliers.forEach((r) => (r.__attributes = { "data-supplier-id": r.supplier.id }));
    const list = (boroughs) => boroughs.flatMap((b, i) => (i ? [", ", boroughLink(b)] : [boroughLink(b)]));
    const nodes = [
      h("h1", {}, "Collaborate"),
      form,
      h("p", { class: "lead" }, `${names.join(", ")}: what at least ${min} of these ${chosen.size} share.`),
      partialNotice(errors),
      h("div", { class: "grid" },
        panel(`Shared systems (${data.sharedSystems.length})`, ops,
          table("Shared systems, most widely shared first", [
            { label: "System", value: (r) => systemLink(r.system) },
            { label: "Service area", value: (r) => r.system.serviceArea.name },
            { label: "Boroughs", value: (r) => fmt.int(r.boroughCount), numeric: true },
            { label: "Which", value: (r) => list(r.boroughs) },
          ], data.sharedSystems, { class: "shared-systems" })),
        panel(`Shared suppliers (${data.sharedSuppliers.length})`, ops,
          table("Shared suppliers, most widely shared first", [
            { label: "Supplier", value: (r) => supplierLink(r.supplier) },
            { label: "SME", value: (r) => (r.supplier.sme ? "yes" : "no") },
            { label: "Boroughs", value: (r) => fmt.int(r.boroughCount), numeric: true },
          ], data.sharedSuppliers, { class: "shared-suppliers" }))),
    ];
    return { title: "Collaborate", nodes };
  },
};
