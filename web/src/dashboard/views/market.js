// Market: concentration per service area (top-N share bars, HHI, SME share) and, per borough, average
// satisfaction against number of suppliers with its correlation (City Tools' own finding).
import * as Plot from "@observablehq/plot";
import { gql } from "../api.js";
import { h, panel, table, alternative, partialNotice, refusedForSignIn, SIGN_IN_TO_SEE, boroughLink, supplierLink, fmt, chartWidth, mean, pearson, OKABE_ITO } from "../ui.js";
import { AREAS_QUERY } from "./buy.js";

export const CONCENTRATION_QUERY = `query Concentration($serviceArea: String, $measure: ConcentrationMeasure!, $top: Int!) {
  supplierConcentration(serviceArea: $serviceArea, measure: $measure, top: $top) {
    total
    supplierCount
    topShare
    hhi
    smeShare
    suppliers { supplier { id name sme } contractCount valueGbp share }
  }
}`;

export const SCATTER_QUERY = `query SatisfactionVsSuppliers {
  boroughs {
    code
    name
    suppliers { id }
    systemUses { satisfaction }
  }
}`;

const MEASURES = { CONTRACT_COUNT: "number of contracts", CONTRACT_VALUE: "contract value" };
// The usual competition-authority reading of the HHI.
const hhiBand = (hhi) => (hhi < 1500 ? "unconcentrated" : hhi < 2500 ? "moderately concentrated" : "highly concentrated");

export default {
  name: "market",
  async render({ search, go }) {
    const areas = (await gql(AREAS_QUERY)).data.serviceAreas;
    const area = areas.some((a) => a.name === search.get("serviceArea")) ? search.get("serviceArea") : null;
    const measure = MEASURES[search.get("measure")] ? search.get("measure") : "CONTRACT_VALUE";
    const top = Math.max(1, Math.min(50, Number(search.get("top")) || 5));
    // One request per service area, as any client of the API would; they run side by side.
    const everyArea = [null, ...areas.map((a) => a.name)];
    const [results, scatter] = await Promise.all([
      Promise.all(everyArea.map((name) => gql(CONCENTRATION_QUERY, { serviceArea: name, measure, top }))),
      gql(SCATTER_QUERY),
    ]);
    const rows = everyArea.map((name, i) => ({ name, ...results[i].data.supplierConcentration }));
    const selected = rows.find((r) => r.name === area);
    const variables = { serviceArea: area, measure, top };
    const errors = [...results.flatMap((r) => r.errors), ...scatter.errors];

    const points = scatter.data.boroughs
      .map((b) => ({ code: b.code, name: b.name, suppliers: b.suppliers.length, satisfaction: mean((b.systemUses || []).map((u) => u && u.satisfaction)) }))
      .filter((p) => p.satisfaction !== null);
    const r = pearson(points.map((p) => [p.suppliers, p.satisfaction]));

    const form = h("form", { class: "controls", onsubmit: (e) => {
      e.preventDefault();
      go({ serviceArea: form.elements.area.value, measure: form.elements.measure.value, top: form.elements.top.value });
    } },
      h("label", {}, "Service area ", h("select", { name: "area" }, h("option", { value: "" }, "All service areas"),
        areas.map((a) => h("option", { value: a.name, selected: a.name === area }, a.name)))),
      h("label", {}, "Measure ", h("select", { name: "measure" },
        Object.entries(MEASURES).map(([key, label]) => h("option", { value: key, selected: key === measure }, label)))),
      h("label", {}, "Top ", h("input", { type: "number", name: "top", min: 1, max: 50, value: top })),
      h("button", { type: "submit" }, "Show"));

    const barsHolder = h("div", { class: "chart" });
    const scatterHolder = h("div", { class: "chart" });
    const title = area || "All service areas";
    rows.forEach((row) => (row.__attributes = { "data-area": row.name || "" }));
    points.forEach((p) => (p.__attributes = { "data-code": p.code }));
    const nodes = [
      h("h1", {}, "Market"),
      form,
      partialNotice(errors),
      panel(`${title}: top ${top} suppliers by ${MEASURES[measure]}`, [{ query: CONCENTRATION_QUERY, variables }],
        h("p", { class: "figures", "data-hhi": selected.hhi },
          `HHI ${fmt.int(selected.hhi)} (${hhiBand(selected.hhi)}) · ${fmt.int(selected.supplierCount)} suppliers · top ${top} hold ${fmt.pct(selected.topShare)} · SMEs hold ${fmt.pct(selected.smeShare)}`),
        barsHolder,
        alternative("Table of the top suppliers", table(`Top ${top} suppliers`, [
          { label: "Supplier", value: (s) => supplierLink(s.supplier) },
          { label: "SME", value: (s) => (s.supplier.sme ? "yes" : "no") },
          { label: "Contracts", value: (s) => fmt.int(s.contractCount), numeric: true },
          { label: "Value", value: (s) => fmt.gbp(s.valueGbp), numeric: true },
          { label: "Share", value: (s) => fmt.pct(s.share), numeric: true },
        ], selected.suppliers))),
      panel("Concentration per service area", [{ query: CONCENTRATION_QUERY, variables: { serviceArea: null, measure, top }, label: "one area's query" }],
        table(`Concentration by ${MEASURES[measure]}`, [
          { label: "Service area", value: (row) => h("a", { href: `?${new URLSearchParams({ serviceArea: row.name || "", measure, top })}`, "data-route": "" }, row.name || "All service areas") },
          { label: "Suppliers", value: (row) => fmt.int(row.supplierCount), numeric: true },
          { label: "HHI", value: (row) => fmt.int(row.hhi), numeric: true },
          { label: `Top ${top} share`, value: (row) => fmt.pct(row.topShare), numeric: true },
          { label: "SME share", value: (row) => fmt.pct(row.smeShare), numeric: true },
        ], rows, { class: "concentration" })),
      panel("Satisfaction against number of suppliers", [{ query: SCATTER_QUERY, variables: {} }],
        h("p", { class: "figures", "data-correlation": r ?? "" },
          r === null
            ? (refusedForSignIn(errors) ? `Satisfaction is for member councils: ${SIGN_IN_TO_SEE} the correlation.` : "Not enough satisfaction scores to compute a correlation.")
            : `Pearson correlation across ${points.length} boroughs: r = ${r.toFixed(2)} (${r < -0.3 ? "more suppliers, less satisfied" : r > 0.3 ? "more suppliers, more satisfied" : "no clear relation"}).`),
        points.length ? scatterHolder : null,
        alternative("Table of the scatter's points", table("Boroughs", [
          { label: "Borough", value: boroughLink },
          { label: "Suppliers", value: (p) => fmt.int(p.suppliers), numeric: true },
          { label: "Average satisfaction", value: (p) => fmt.dec(p.satisfaction), numeric: true },
        ], points, { class: "scatter-table" }))),
    ];
    const after = async () => {
      const width = chartWidth(barsHolder);
      barsHolder.append(Plot.plot({
        width,
        marginLeft: Math.min(190, width / 3),
        marginRight: 50,
        height: 40 + selected.suppliers.length * 26,
        x: { label: "Share", tickFormat: "%", domain: [0, Math.max(0.05, ...selected.suppliers.map((s) => s.share))] },
        y: { label: null, domain: selected.suppliers.map((s) => s.supplier.name) },
        color: { domain: ["SME", "Large"], range: [OKABE_ITO[1], OKABE_ITO[0]], legend: true },
        ariaLabel: `Top ${top} suppliers' shares`,
        marks: [
          Plot.barX(selected.suppliers, { x: "share", y: (s) => s.supplier.name, fill: (s) => (s.supplier.sme ? "SME" : "Large") }),
          Plot.text(selected.suppliers, { x: "share", y: (s) => s.supplier.name, text: (s) => fmt.pct(s.share), dx: 4, textAnchor: "start" }),
        ],
      }));
      if (points.length) {
        scatterHolder.append(Plot.plot({
          width: chartWidth(scatterHolder),
          height: 360,
          grid: true,
          x: { label: "Suppliers of the borough" },
          y: { label: "Average satisfaction (1–5)" },
          ariaLabel: "Average satisfaction against number of suppliers, one dot per borough",
          marks: [
            Plot.linearRegressionY(points, { x: "suppliers", y: "satisfaction", stroke: OKABE_ITO[5] }),
            Plot.dot(points, { x: "suppliers", y: "satisfaction", fill: OKABE_ITO[0], r: 5, tip: true, title: (p) => `${p.name}: ${p.suppliers} suppliers, ${fmt.dec(p.satisfaction)}` }),
          ],
        }));
      }
    };
    return { title: "Market", nodes, after };
  },
};
