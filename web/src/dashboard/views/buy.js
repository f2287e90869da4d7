// Buy together: joint procurement windows (contracts for the same system ending close together in several
// boroughs) as a timeline grouped by system, filtered by service area and months ahead; CSV of what is shown.
import * as Plot from "@observablehq/plot";
import { gql } from "../api.js";
import { h, panel, table, alternative, partialNotice, boroughLink, systemLink, fmt, chartWidth, downloadCsv, OKABE_ITO } from "../ui.js";

export const AREAS_QUERY = `query ServiceAreas { serviceAreas { name kind } }`;

export const BUY_QUERY = `query BuyTogether($withinMonths: Int!, $serviceArea: String, $minBoroughs: Int!, $asOf: Date) {
  jointProcurementOpportunities(withinMonths: $withinMonths, serviceArea: $serviceArea, minBoroughs: $minBoroughs, asOf: $asOf) {
    system { id name serviceArea { name } }
    boroughs { code name }
    windowStart
    windowEnd
    combinedValueGbp
    contracts { id endDate valueGbp borough { code name } supplier { id name } }
  }
}`;

export const CSV_HEADER = ["system_id", "system", "service_area", "window_start", "window_end", "combined_value_gbp",
  "contract_id", "borough_code", "borough", "supplier", "end_date", "value_gbp"];

export function csvRows(opportunities) {
  return opportunities.flatMap((o) => o.contracts.map((c) => [o.system.id, o.system.name, o.system.serviceArea.name,
    o.windowStart, o.windowEnd, o.combinedValueGbp, c.id, c.borough.code, c.borough.name, c.supplier.name, c.endDate, c.valueGbp]));
}

function timeline(opportunities, width) {
  const dots = opportunities.flatMap((o) => o.contracts.map((c) => ({ system: o.system.name, date: new Date(c.endDate), borough: c.borough.name, end: c.endDate })));
  const bars = opportunities.map((o) => ({ system: o.system.name, start: new Date(o.windowStart), end: new Date(o.windowEnd) }));
  const systems = [...new Set(opportunities.map((o) => o.system.name))];
  return Plot.plot({
    width,
    height: 50 + systems.length * 22,
    marginLeft: Math.min(200, width / 3),
    x: { type: "utc", label: "Contract end date", grid: true },
    y: { label: null, domain: systems },
    ariaLabel: "Joint procurement windows by system",
    ariaDescription: "For each system, a bar from the first to the last contract end date in the window, and a dot per contract.",
    marks: [
      Plot.ruleY(bars, { x1: "start", x2: "end", y: "system", stroke: OKABE_ITO[0], strokeWidth: 6, strokeOpacity: 0.35 }),
      Plot.dot(dots, { x: "date", y: "system", fill: OKABE_ITO[1], stroke: "#000", r: 4, title: (d) => `${d.borough}: ends ${d.end}` }),
    ],
  });
}

export default {
  name: "buy-together",
  async render({ search, asOf, go }) {
    const areas = (await gql(AREAS_QUERY)).data.serviceAreas;
    const area = areas.some((a) => a.name === search.get("serviceArea")) ? search.get("serviceArea") : null;
    const months = Math.max(1, Math.min(120, Number(search.get("months")) || 12));
    const minBoroughs = Math.max(2, Number(search.get("min")) || 2);
    const variables = { withinMonths: months, serviceArea: area, minBoroughs, asOf };
    const { data, errors } = await gql(BUY_QUERY, variables);
    const opportunities = data.jointProcurementOpportunities;
    const combined = opportunities.reduce((sum, o) => sum + (o.combinedValueGbp || 0), 0);

    const form = h("form", { class: "controls", onsubmit: (e) => {
      e.preventDefault();
      go({ serviceArea: form.elements.area.value, months: form.elements.months.value, min: form.elements.min.value });
    } },
      h("label", {}, "Service area ", h("select", { name: "area" }, h("option", { value: "" }, "All"),
        areas.map((a) => h("option", { value: a.name, selected: a.name === area }, a.name)))),
      h("label", {}, "Ending within ", h("input", { type: "number", name: "months", min: 1, max: 120, value: months }), " months"),
      h("label", {}, "in at least ", h("input", { type: "number", name: "min", min: 2, max: 33, value: minBoroughs }), " boroughs"),
      h("button", { type: "submit" }, "Show"));

    const chartHolder = h("div", { class: "chart" });
    opportunities.forEach((o) => (o.__attributes = { "data-system-id": o.system.id }));
    const download = h("button", { type: "button", id: "download-csv", onclick: () => {
      const name = `joint-procurement-${asOf}-${months}m${area ? `-${area.toLowerCase().replace(/[^a-z0-9]+/g, "-")}` : ""}.csv`;
      window.citygraphDashboard.lastCsv = downloadCsv(name, CSV_HEADER, csvRows(opportunities));
    } }, "Download CSV of what is shown");

    const nodes = [
      h("h1", {}, "Buy together"),
      h("p", { class: "lead" }, "Councils whose contracts for the same system end close together can procure jointly."),
      form,
      partialNotice(errors),
      panel(`${opportunities.length} windows in the next ${months} months from ${asOf}`, [{ query: BUY_QUERY, variables }],
        h("p", { "data-combined": combined }, `Combined value of the expiring contracts: ${fmt.gbp(combined)}. `, download),
        opportunities.length ? chartHolder : h("p", {}, "No joint procurement window with these filters."),
        table("Joint procurement windows", [
          { label: "System", value: (o) => systemLink(o.system) },
          { label: "Service area", value: (o) => o.system.serviceArea.name },
          { label: "Window", value: (o) => `${o.windowStart} → ${o.windowEnd}` },
          { label: "Boroughs", value: (o) => o.boroughs.flatMap((b, i) => (i ? [", ", boroughLink(b)] : [boroughLink(b)])) },
          { label: "Combined value", value: (o) => fmt.gbp(o.combinedValueGbp), numeric: true },
        ], opportunities, { class: "opportunities" })),
    ];
    const after = async () => opportunities.length && chartHolder.append(timeline(opportunities, chartWidth(chartHolder)));
    return { title: "Buy together", nodes, after };
  },
};
