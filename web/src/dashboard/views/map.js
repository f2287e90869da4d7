// London map: the 33 boroughs coloured by a chosen measure (Leaflet, SVG renderer, no tiles: works offline).
// Hover or focus shows the figure, click or Enter opens the borough. The table below is the text alternative.
import * as L from "leaflet";
import * as Plot from "@observablehq/plot";
import { config, gql } from "../api.js";
import { h, panel, table, alternative, partialNotice, boroughLink, fmt, mean, addMonths, SEQUENTIAL, NO_DATA } from "../ui.js";
import { navigate } from "../main.js";

export const MAP_QUERY = `query MapMeasures($asOf: Date!, $in12Months: Date!) {
  boroughs {
    code
    name
    systems { id }
    suppliers { id }
    systemUses { satisfaction }
    ending: contracts(where: {endDateFrom: $asOf, endDateTo: $in12Months}, first: 0) { totalCount }
    running: contracts(where: {endDateFrom: $asOf}, first: 100) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { valueGbp } }
    }
  }
}`;

const MORE_VALUES_QUERY = `query BoroughContractValues($code: ID!, $asOf: Date!, $after: String) {
  borough(code: $code) {
    contracts(where: {endDateFrom: $asOf}, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { valueGbp } }
    }
  }
}`;

export const MEASURES = {
  systems: { label: "Systems in use", format: fmt.int, value: (b) => b.systems.length },
  suppliers: { label: "Suppliers", format: fmt.int, value: (b) => b.suppliers.length },
  ending: { label: "Contracts ending in the next 12 months", format: fmt.int, value: (b) => b.ending.totalCount },
  value: { label: "Value of running contracts (£)", format: fmt.gbp, value: (b) => b.runningValue },
  satisfaction: {
    label: "Average satisfaction (1–5, members only)",
    format: fmt.dec,
    value: (b) => mean((b.systemUses || []).map((u) => u && u.satisfaction)),
  },
};

let boundaries = null; // fetched once per page load
async function loadBoundaries() {
  if (!boundaries) {
    const response = await fetch(`${config.static}/london_boroughs.geojson`);
    if (!response.ok) throw new Error(`borough boundaries: HTTP ${response.status}`);
    boundaries = await response.json();
  }
  return boundaries;
}

async function runningValues(boroughs, asOf) {
  // A borough with over 100 running contracts: page through the rest so the sum is complete.
  for (const b of boroughs) {
    let values = b.running.edges.map((e) => e.node.valueGbp);
    let pageInfo = b.running.pageInfo;
    while (pageInfo.hasNextPage) {
      const { data } = await gql(MORE_VALUES_QUERY, { code: b.code, asOf, after: pageInfo.endCursor });
      values = values.concat(data.borough.contracts.edges.map((e) => e.node.valueGbp));
      pageInfo = data.borough.contracts.pageInfo;
    }
    b.runningValue = values.reduce((sum, v) => sum + (v || 0), 0);
  }
}

export default {
  name: "map",
  async render({ search, asOf }) {
    const measureKey = MEASURES[search.get("measure")] ? search.get("measure") : "systems";
    const measure = MEASURES[measureKey];
    const variables = { asOf, in12Months: addMonths(asOf, 12) };
    const [geo, { data, errors }] = await Promise.all([loadBoundaries(), gql(MAP_QUERY, variables)]);
    await runningValues(data.boroughs, asOf);
    const byCode = new Map(data.boroughs.map((b) => [b.code, { ...b, value: measure.value(b) }]));
    const known = [...byCode.values()].map((b) => b.value).filter((v) => v !== null);
    const colorOptions = {
      type: "quantize",
      n: 5,
      scheme: SEQUENTIAL,
      domain: known.length ? [Math.min(...known), Math.max(...known)] : [0, 1],
      label: measure.label,
    };
    const color = Plot.scale({ color: colorOptions });
    const fill = (value) => (value === null ? NO_DATA : color.apply(value));

    const select = h("select", { id: "measure", onchange: (e) => navigate(`/?${new URLSearchParams({ ...Object.fromEntries(search), measure: e.target.value })}`) },
      Object.entries(MEASURES).map(([key, m]) => h("option", { value: key, selected: key === measureKey }, m.label)));
    const mapElement = h("div", { id: "map", class: "map", role: "group", "aria-label": `Map of London's 33 boroughs coloured by ${measure.label}` });
    const rows = [...byCode.values()].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.name.localeCompare(b.name));
    rows.forEach((r) => (r.__attributes = { "data-code": r.code }));
    const legend = Plot.legend({ color: colorOptions, tickFormat: measureKey === "value" ? "~s" : undefined, width: 320 });

    const nodes = [
      h("h1", {}, "London's councils at a glance"),
      h("p", { class: "lead" }, `Figures as of ${asOf}. Choose what colours the map; click or press Enter on a borough to open it.`),
      panel(measure.label, [{ query: MAP_QUERY, variables }],
        partialNotice(errors),
        h("div", { class: "controls" }, h("label", { for: "measure" }, "Colour by "), select),
        h("div", { class: "legend" }, legend, known.length < byCode.size ? h("span", { class: "swatch-na" }, "no data") : null),
        mapElement,
        alternative("Table of the map's figures",
          table(`${measure.label}, by borough`, [
            { label: "Borough", value: boroughLink },
            { label: measure.label, value: (r) => measure.format(r.value), numeric: true },
          ], rows, { class: "map-table" }))),
    ];

    const after = async () => {
      const map = L.map(mapElement, { zoomSnap: 0.25, attributionControl: true, scrollWheelZoom: false });
      map.attributionControl.setPrefix("Leaflet");
      map.attributionControl.addAttribution("Boundaries: GLA Statistical GIS Boundary Files (OGL v3), simplified");
      const layer = L.geoJSON(geo, {
        style: (feature) => ({
          fillColor: fill(byCode.get(feature.properties.gss_code)?.value ?? null),
          fillOpacity: 0.9,
          color: "#222",
          weight: 1,
        }),
        onEachFeature: (feature, shape) => {
          const b = byCode.get(feature.properties.gss_code);
          const text = b ? `${b.name}: ${measure.format(b.value)}` : `${feature.properties.name}: no data`;
          shape.bindTooltip(text, { sticky: true });
          shape.on("click", () => b && navigate(`/borough/${b.code}`));
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      // Keyboard: every borough is a focusable link-like shape announcing its figure.
      layer.eachLayer((shape) => {
        const element = shape.getElement();
        const b = byCode.get(shape.feature.properties.gss_code);
        if (!element || !b) return;
        Object.assign(element.dataset, { code: b.code, value: b.value ?? "" });
        element.setAttribute("tabindex", "0");
        element.setAttribute("role", "link");
        element.setAttribute("aria-label", `${b.name}: ${measure.format(b.value)}`);
        element.addEventListener("focus", () => shape.openTooltip(shape.getBounds().getCenter()));
        element.addEventListener("blur", () => shape.closeTooltip());
        element.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            navigate(`/borough/${b.code}`);
          }
        });
      });
    };
    return { title: "Map", nodes, after };
  },
};
