// Small DOM helpers shared by the views: elements, panels with their "Open in GraphiQL" link, tables (the text
// alternative of every chart), number formats and the colour-blind-safe palette.
import { config, graphiqlHref } from "./api.js";

// Okabe & Ito's palette, distinguishable with every common form of colour blindness.
export const OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
export const SEQUENTIAL = "cividis"; // sequential scheme made for colour-vision deficiency
export const NO_DATA = "#d9d9d9";

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// A link inside the app: the router handles clicks on it (no reload).
export function link(path, ...children) {
  return h("a", { href: config.base + path, "data-route": "" }, ...children);
}

export const boroughLink = (b) => link(`/borough/${encodeURIComponent(b.code)}`, b.name);
export const supplierLink = (s) => link(`/supplier/${encodeURIComponent(s.id)}`, s.name);
export const systemLink = (s) => link(`/system/${encodeURIComponent(s.id)}`, s.name);

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 2 });
const money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });
const dash = (format) => (value) => (value === null || value === undefined || Number.isNaN(value) ? "—" : format(value));
export const fmt = {
  int: dash((v) => integer.format(v)),
  dec: dash((v) => decimal.format(v)),
  gbp: dash((v) => money.format(v)),
  pct: dash((v) => percent.format(v)),
  date: dash((v) => v),
  text: dash((v) => v),
};

// A section with a heading, an "Open in GraphiQL" link per operation, a notice area and a body.
export function panel(title, operations = [], ...body) {
  const links = operations.map(({ query, variables, label }) =>
    h("a", { class: "graphiql", href: graphiqlHref(query, variables), target: "_blank", rel: "noopener" },
      label ? `Open ${label} in GraphiQL` : "Open in GraphiQL"),
  );
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return h("section", { class: "panel", "aria-labelledby": id },
    h("header", {}, h("h2", { id }, title), h("span", { class: "graphiql-links" }, links)),
    ...body);
}

// Members-only facts (docs/signin.md): without sign-in the API answers them with null and a SIGN_IN_REQUIRED error.
export const SIGN_IN_TO_SEE = "sign in to see";
export function refusedForSignIn(errors) {
  return (errors || []).some((e) => e.extensions && e.extensions.code === "SIGN_IN_REQUIRED");
}

// Errors that came back next to the data (e.g. members-only fields refused): say what is missing, keep the rest.
export function partialNotice(errors) {
  if (!errors || !errors.length) return null;
  const messages = [...new Set(errors.map((e) => e.message))].slice(0, 3);
  return h("p", { class: "notice", role: "status" },
    "Some figures are not shown: ", messages.join(" "), " (members-only facts may need sign-in).");
}

// columns: [{ label, value: row => text|Node, numeric?: bool }]
export function table(caption, columns, rows, attributes = {}) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", attributes,
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.label)))),
      h("tbody", {}, rows.map((row) =>
        h("tr", row.__attributes || {}, columns.map((c, i) => {
          const cell = c.value(row);
          return i === 0 ? h("th", { scope: "row" }, cell) : h("td", { class: c.numeric ? "num" : null }, cell);
        })),
      )),
    ));
}

// A chart's text alternative sits in a <details> right below it.
export function alternative(summary, content) {
  return h("details", { class: "alternative" }, h("summary", {}, summary), content);
}

export function chartWidth(element, fallback = 800) {
  return Math.max(280, Math.min(element.clientWidth || fallback, 1100));
}

export function downloadCsv(filename, header, rows) {
  const quote = (value) => {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const csv = [header, ...rows].map((row) => row.map(quote).join(",")).join("\r\n") + "\r\n";
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const anchor = h("a", { href: url, download: filename });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return csv;
}

export function mean(values) {
  const known = values.filter((v) => v !== null && v !== undefined);
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
}

// Pearson's correlation coefficient; null with fewer than 3 points or no variance.
export function pearson(points) {
  const n = points.length;
  if (n < 3) return null;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : null;
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}

// ISO date plus N months, keeping the day clamped to the month's end (as the API's Cypher does).
export function addMonths(iso, months) {
  const [y, m, d] = iso.split("-").map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12), month = total % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

export const isDate = (value) => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
