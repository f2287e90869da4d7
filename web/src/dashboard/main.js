// City Tools for London: a single-page app with client-side routing over the paths the server answers with
// this page (citygraph/dashboard/pages.py VIEW_PATHS). Every view's state is in its URL, so any view can be
// sent by e-mail. Tests and the benchmark read <main data-view data-status> and window.citygraphDashboard.
import "leaflet/dist/leaflet.css";
import "./dashboard.css";
import { config, ApiError, apiKey, signIn, signOut } from "./api.js";
import { h, today, isDate } from "./ui.js";
import mapView from "./views/map.js";
import boroughView from "./views/borough.js";
import supplierView from "./views/supplier.js";
import systemView from "./views/system.js";
import collaborateView from "./views/collaborate.js";
import buyView from "./views/buy.js";
import marketView from "./views/market.js";
import networkView from "./views/network.js";
import skillsView from "./views/skills.js";

const ROUTES = [
  [/^\/(?:map)?$/, mapView],
  [/^\/borough\/([^/]+)$/, boroughView],
  [/^\/supplier\/([^/]+)$/, supplierView],
  [/^\/system\/([^/]+)$/, systemView],
  [/^\/collaborate$/, collaborateView],
  [/^\/buy-together$/, buyView],
  [/^\/market$/, marketView],
  [/^\/network$/, networkView],
  [/^\/skills$/, skillsView],
];

const NAV = [
  ["/", "Map"],
  ["/collaborate", "Collaborate"],
  ["/buy-together", "Buy together"],
  ["/market", "Market"],
  ["/network", "Supplier network"],
  ["/skills", "Skills"],
];

const state = (window.citygraphDashboard = { view: null, status: "loading", timings: [], errors: [] });

const main = h("main", { id: "main", tabindex: "-1" });
const nav = h("nav", { "aria-label": "Views" },
  h("ul", {}, NAV.map(([path, label]) => h("li", {}, h("a", { href: config.base + path, "data-route": "" }, label)))),
  h("a", { class: "to-graphiql", href: config.graphql }, "GraphiQL"));
// Sign-in with an API key (docs/signin.md): members see satisfaction and skill levels too. Changing it reloads the view.
const signin = h("div", { class: "signin" });
function renderSignin() {
  if (apiKey()) {
    signin.replaceChildren(h("span", {}, "Signed in"), " ",
      h("button", { type: "button", class: "sign-out", onclick: () => { signOut(); renderSignin(); route(); } }, "Sign out"));
    return;
  }
  const form = h("form", { class: "sign-in", onsubmit: (event) => {
    event.preventDefault();
    const key = form.elements.key.value.trim();
    if (!key) return;
    signIn(key);
    renderSignin();
    route();
  } },
    h("label", {}, "API key ", h("input", { type: "password", name: "key", autocomplete: "off", placeholder: "cg_…", size: 12 })),
    h("button", { type: "submit" }, "Sign in"));
  signin.replaceChildren(form);
}
renderSignin();

const app = document.getElementById("app");
app.replaceChildren(
  h("a", { class: "skip", href: "#main" }, "Skip to content"),
  h("header", { class: "top" }, h("p", { class: "brand" }, h("a", { href: config.base + "/", "data-route": "" }, "City Tools for London")), nav, signin),
  main,
  h("footer", {},
    "Data from the CityGraph API (",
    h("a", { href: config.graphql }, "/graphql"),
    "). Borough boundaries: ",
    h("a", { href: `${config.static}/ATTRIBUTION.md` }, "sources and attribution"),
    "."),
);

function currentPath() {
  const path = window.location.pathname;
  const inside = path.startsWith(config.base) ? path.slice(config.base.length) : path;
  return inside.replace(/\/+$/, "") || "/";
}

let generation = 0;

async function route() {
  const token = ++generation;
  const started = performance.now();
  const path = currentPath();
  const search = new URLSearchParams(window.location.search);
  const match = ROUTES.map(([pattern, view]) => [path.match(pattern), view]).find(([m]) => m);
  const view = match ? match[1] : null;
  const name = view ? view.name : "not-found";
  Object.assign(state, { view: name, status: "loading" });
  main.dataset.view = name;
  main.dataset.status = "loading";
  main.setAttribute("aria-busy", "true");
  for (const anchor of nav.querySelectorAll("a[data-route]")) {
    const target = anchor.getAttribute("href").slice(config.base.length) || "/";
    const active = target === "/" ? name === "map" : path.startsWith(target);
    if (active) anchor.setAttribute("aria-current", "page");
    else anchor.removeAttribute("aria-current");
  }
  main.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  const asOf = isDate(search.get("asOf")) ? search.get("asOf") : today();
  const ctx = {
    main,
    params: match ? match[0].slice(1).map(decodeURIComponent) : [],
    search,
    asOf,
    isCurrent: () => token === generation,
    // Moves to the same view with other parameters (kept in the URL: the view stays shareable).
    go(changes) {
      const next = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === undefined || value === "") next.delete(key);
        else next.set(key, value);
      }
      navigate(window.location.pathname.slice(config.base.length) + (next.size ? `?${next}` : ""));
    },
  };
  try {
    if (!view) {
      document.title = "Not found · City Tools for London";
      main.replaceChildren(h("h1", {}, "Not found"), h("p", {}, "No view has this address. ", h("a", { href: config.base + "/", "data-route": "" }, "Open the map.")));
    } else {
      const content = await view.render(ctx);
      if (!ctx.isCurrent()) return;
      main.replaceChildren(...content.nodes.flat(Infinity).filter(Boolean));
      document.title = `${content.title} · City Tools for London`;
      if (content.after) await content.after(); // charts that need their container laid out
      if (!ctx.isCurrent()) return;
    }
    main.dataset.status = "ready";
    state.status = "ready";
  } catch (error) {
    if (!ctx.isCurrent()) return;
    const message = error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`;
    if (!(error instanceof ApiError)) console.warn(error);
    state.errors.push(message);
    main.replaceChildren(h("h1", {}, "Could not show this view"), h("p", { class: "error", role: "alert" }, message));
    main.dataset.status = "error";
    state.status = "error";
  }
  main.removeAttribute("aria-busy");
  state.timings.push({ view: name, path, startedMs: started, readyMs: performance.now() });
  performance.mark(`citygraph:${name}:${main.dataset.status}`);
}

export function navigate(path, { replace = false } = {}) {
  const url = config.base + path;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.scrollTo(0, 0);
  route().then(() => main.focus({ preventScroll: true }));
}

document.addEventListener("click", (event) => {
  const anchor = event.target.closest("a[data-route]");
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const url = new URL(anchor.href);
  navigate(url.pathname.slice(config.base.length) + url.search);
});
window.addEventListener("popstate", () => route());
window.citygraphNavigate = navigate;
route();
