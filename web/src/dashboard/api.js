// The dashboard's only data source: the public GraphQL API, asked with named operations a third party could
// copy. Each panel links to GraphiQL with the same operation and variables (/graphql?document=…&variables=…).
export const config = JSON.parse(document.getElementById("citygraph-dashboard-config").textContent);

export class ApiError extends Error {}

// Sign-in (docs/signin.md): an API key pasted in the header's form, kept in sessionStorage (this tab only, gone
// when it closes) and sent as `Authorization: Bearer`. Without it the API answers public facts only.
const KEY_STORAGE = "citygraph.apiKey";
export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null; // storage disabled: anonymous
  }
}
export function signIn(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}
export function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
}

// Returns { data, errors }: with partial data (e.g. a members-only field refused) the caller shows what came
// back and says what is missing. Throws ApiError when there is no data at all.
export async function gql(query, variables = {}) {
  let response;
  const headers = { "content-type": "application/json", accept: "application/json" };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  try {
    response = await fetch(config.graphql, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`The API at ${config.graphql} did not answer (${error.message}).`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The API answered HTTP ${response.status} with something that is not JSON.`);
  }
  const errors = body.errors || [];
  if (!body.data) {
    throw new ApiError(errors.map((e) => e.message).join(" ") || `The API answered HTTP ${response.status}.`);
  }
  return { data: body.data, errors };
}

// Follows `pageInfo` of one connection until it ends; `pick(data)` returns the connection.
export async function gqlAllPages(query, variables, pick) {
  const nodes = [];
  const errors = [];
  let after = null;
  for (let page = 0; page < 100; page += 1) {
    const result = await gql(query, { ...variables, after });
    errors.push(...result.errors);
    const connection = pick(result.data);
    if (!connection) break;
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { nodes, errors };
}

export function graphiqlHref(query, variables) {
  const params = new URLSearchParams({ document: query });
  if (variables && Object.keys(variables).length) params.set("variables", JSON.stringify(variables, null, 2));
  return `${config.graphql}?${params}`;
}
