// Borough page: systems by service area (frontline/corporate) with manufacturer, contracting supplier, hosting and
// satisfaction; who else runs each system; contract timeline; skills; top collaboration partners and why.
import * as Plot from "@observablehq/plot";
import { gql } from "../api.js";
import { h, link, panel, table, alternative, partialNotice, refusedForSignIn, SIGN_IN_TO_SEE, boroughLink, supplierLink, systemLink, fmt, chartWidth, OKABE_ITO } from "../ui.js";

export const BOROUGH_QUERY = `query BoroughPage($code: ID!) {
  borough(code: $code) {
    code
    name
    region
    partnerships { name }
    systemUses {
      hosting
      satisfaction
      since
      users
      system {
        id
        name
        serviceArea { name kind }
        manufacturer { id name sme }
        boroughs { code name }
      }
    }
    contracts(first: 100) {
      totalCount
      edges {
        node {
          id title startDate endDate maxExtensionDate valueGbp
          supplier { id name sme }
          systems { id }
        }
      }
    }
    skills { level skill { name category } }
    collaborationPartners(limit: 5) { borough { code name } score reasons }
  }
}`;

const HOSTING = { ON_PREMISES: "On premises", CLOUD: "Cloud", SAAS: "SaaS", HYBRID: "Hybrid", UNKNOWN: "Unknown" };
const REGION = { INNER_LONDON: "Inner London", OUTER_LONDON: "Outer London", OTHER: "Other" };

function contractTimeline(contracts, asOf, width) {
  const dated = contracts.filter((c) => c.startDate && c.endDate);
  if (!dated.length) return h("p", {}, "No contract has both a start and an end date.");
  const rows = dated.map((c) => ({ ...c, label: `${c.title} (${c.id})`, start: new Date(c.startDate), end: new Date(c.endDate),
    extension: c.maxExtensionDate ? new Date(c.maxExtensionDate) : null }));
  return Plot.plot({
    width,
    height: 40 + rows.length * 18,
    marginLeft: Math.min(260, width / 3),
    x: { type: "utc", label: "Date", grid: true },
    y: { label: null, domain: rows.map((r) => r.label), tickFormat: (t) => (t.length > 38 ? `${t.slice(0, 37)}…` : t) },
    ariaLabel: "Contract timeline",
    ariaDescription: "Each bar runs from a contract's start to its end; the lighter bar is the longest possible extension.",
    marks: [
      Plot.barX(rows.filter((r) => r.extension && r.extension > r.end), { x1: "end", x2: "extension", y: "label", fill: OKABE_ITO[4], fillOpacity: 0.45 }),
      Plot.barX(rows, { x1: "start", x2: "end", y: "label", fill: OKABE_ITO[0], title: (r) => `${r.title}\n${r.startDate} → ${r.endDate}${r.maxExtensionDate ? ` (extendable to ${r.maxExtensionDate})` : ""}` }),
      Plot.ruleX([new Date(asOf)], { stroke: OKABE_ITO[5], strokeWidth: 2 }),
    ],
  });
}

export default {
  name: "borough",
  async render({ params: [code], asOf }) {
    const variables = { code };
    const { data, errors } = await gql(BOROUGH_QUERY, variables);
    const ops = [{ query: BOROUGH_QUERY, variables }];
    const b = data.borough;
    if (!b) {
      return { title: "Unknown borough", nodes: [h("h1", {}, "Unknown borough"), h("p", { class: "error", role: "alert" }, `No borough has the code "${code}". `, link("/", "Pick one on the map."))] };
    }
    const contracts = b.contracts.edges.map((e) => e.node);
    const suppliersOf = new Map(); // system id → its contracting suppliers here
    for (const c of contracts) for (const s of c.systems) {
      if (!suppliersOf.has(s.id)) suppliersOf.set(s.id, new Map());
      suppliersOf.get(s.id).set(c.supplier.id, c.supplier);
    }
    const uses = b.systemUses.filter((u) => u && u.system);
    const membersOnlyHidden = refusedForSignIn(errors);
    const byKind = (kind) => uses.filter((u) => u.system.serviceArea.kind === kind)
      .sort((a, c) => a.system.serviceArea.name.localeCompare(c.system.serviceArea.name) || a.system.name.localeCompare(c.system.name));
    const systemsPanel = panel(`Systems (${uses.length})`, ops,
      partialNotice(errors),
      [["FRONTLINE", "Frontline"], ["CORPORATE", "Corporate"]].map(([kind, label]) => {
        const list = byKind(kind);
        list.forEach((u) => (u.__attributes = { "data-system-id": u.system.id }));
        return table(`${label} systems (${list.length}), by service area`, [
          { label: "System", value: (u) => systemLink(u.system) },
          { label: "Service area", value: (u) => u.system.serviceArea.name },
          { label: "Manufacturer", value: (u) => supplierLink(u.system.manufacturer) },
          { label: "Contracting supplier", value: (u) => {
            const list2 = [...(suppliersOf.get(u.system.id) || new Map()).values()];
            return list2.length ? list2.flatMap((s, i) => (i ? [", ", supplierLink(s)] : [supplierLink(s)])) : "—";
          } },
          { label: "Hosting", value: (u) => HOSTING[u.hosting] || u.hosting },
          { label: "Satisfaction", value: (u) => (membersOnlyHidden && u.satisfaction === null ? SIGN_IN_TO_SEE : fmt.int(u.satisfaction)), numeric: true },
          { label: "Who else runs it", value: (u) => {
            const others = u.system.boroughs.filter((o) => o.code !== b.code);
            if (!others.length) return "nobody else";
            const shown = others.slice(0, 3).flatMap((o, i) => (i ? [", ", boroughLink(o)] : [boroughLink(o)]));
            return others.length > 3 ? [...shown, ` and ${others.length - 3} more`] : shown;
          } },
        ], list, { class: "systems" });
      }));

    const timelineHolder = h("div", { class: "chart" });
    const contractsPanel = panel(`Contracts (${b.contracts.totalCount})`, ops,
      b.contracts.totalCount > contracts.length ? h("p", { class: "notice" }, `Showing the first ${contracts.length}.`) : null,
      h("p", {}, `Dark bars: start to end; light bars: the longest possible extension; the red line is ${asOf}.`),
      timelineHolder,
      alternative("Table of the contracts", table("Contracts", [
        { label: "Contract", value: (c) => `${c.title} (${c.id})` },
        { label: "Supplier", value: (c) => supplierLink(c.supplier) },
        { label: "Start", value: (c) => fmt.date(c.startDate) },
        { label: "End", value: (c) => fmt.date(c.endDate) },
        { label: "Max. extension", value: (c) => fmt.date(c.maxExtensionDate) },
        { label: "Value", value: (c) => fmt.gbp(c.valueGbp), numeric: true },
      ], contracts)));

    const skillsPanel = panel("Skills", ops,
      b.skills === null
        ? h("p", { class: "members-only" }, `Skill levels are for member councils: ${SIGN_IN_TO_SEE} them.`)
        : b.skills.length
        ? table("Skill levels (1 none … 5 expert)", [
            { label: "Skill", value: (s) => s.skill.name },
            { label: "Category", value: (s) => fmt.text(s.skill.category) },
            { label: "Level", value: (s) => h("span", { class: `level level-${s.level}` }, fmt.int(s.level)), numeric: true },
          ], b.skills.filter(Boolean))
        : h("p", {}, "No skills recorded."),
      h("p", {}, link("/skills", "Find mentors and learners for a skill")));

    const partnersPanel = panel("Top collaboration partners", ops,
      b.collaborationPartners.length
        ? h("ol", { class: "partners" }, b.collaborationPartners.map((p) =>
            h("li", {}, boroughLink(p.borough), ` — similarity ${fmt.dec(p.score)}`,
              h("ul", {}, p.reasons.map((r) => h("li", {}, r))))))
        : h("p", {}, "No other borough shares a system with this one."),
      h("p", {}, link(`/collaborate?boroughs=${[b.code, ...b.collaborationPartners.slice(0, 2).map((p) => p.borough.code)].join(",")}&min=2`, "Compare with the top partners")));

    const nodes = [
      h("h1", {}, b.name),
      h("p", { class: "lead" }, `${REGION[b.region] || b.region} · ${b.code}`,
        b.partnerships.length ? ` · ${b.partnerships.map((p) => p.name).join(", ")}` : ""),
      systemsPanel,
      h("div", { class: "grid" }, partnersPanel, skillsPanel),
      contractsPanel,
    ];
    const after = async () => timelineHolder.append(contractTimeline(contracts, asOf, chartWidth(timelineHolder)));
    return { title: b.name, nodes, after };
  },
};
