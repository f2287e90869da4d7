"""CSV and XLSX downloads of any query result (docs/export.md).

- `GET|POST /export.csv` and `/export.xlsx` with `query` (a GraphQL document with one root field),
  `variables` (JSON) and `operationName`: the document runs as on /graphql, and the first list in its answer
  becomes the rows (a connection's nodes; an analytic's items), nested objects flattened to `a.b` columns
  and nested lists joined with "; ".
- `GET /export/contracts.csv|xlsx?boroughCode=…&supplierId=…&systemId=…&serviceArea=…&endDateFrom=…&endDateTo=…
  &sort=endDate:desc`: every matching council contract (paged through, at most MAX_ROWS).

Cells that a spreadsheet would run as a formula (text starting with = + - @, a tab or a carriage return)
get a leading apostrophe (OWASP "CSV injection"), in both formats.
"""

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from citygraph.schema.requests import context_for
from citygraph.schema.schema import schema

MAX_ROWS = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CONTRACTS = """query Export($where: ContractWhere, $sort: [ContractSort!], $after: String) {
  contracts(where: $where, sort: $sort, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id title borough { code name } supplier { id name sme } valueGbp startDate endDate
                   maxExtensionDate source systems { name } } } } }"""
CONTRACT_FILTERS = ("boroughCode", "supplierId", "systemId", "serviceArea", "endDateFrom", "endDateTo")
CONTRACT_SORT_FIELDS = ("id", "title", "valueGbp", "startDate", "endDate", "maxExtensionDate", "source")


class ExportError(Exception):
    """A request the export cannot serve; the message names what to change."""


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _flatten(value: Any, prefix: str, row: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, row)
    elif isinstance(value, list):
        parts: dict[str, list[str]] = {}
        for item in value:
            flat: dict[str, Any] = {}
            _flatten(item, "", flat)
            for key, cell in flat.items():
                parts.setdefault(key, []).append("" if cell is None else str(cell))
        for key, cells in parts.items():
            row[f"{prefix}.{key}" if key else prefix] = "; ".join(cells)
    else:
        row[prefix] = value


def rows_of(data: Any) -> list[dict[str, Any]]:
    """The first list in the answer (breadth first): a connection's edges' nodes, or an analytic's items.
    An answer with no list at all (one object) is one row."""
    queue = [data]
    while queue:
        value = queue.pop(0)
        if isinstance(value, dict) and isinstance(value.get("edges"), list):
            return [flat_row(edge.get("node", edge)) for edge in value["edges"]]
        if isinstance(value, list):
            return [flat_row(item) for item in value]
        if isinstance(value, dict):
            queue.extend(value.values())
    return [flat_row(data)] if data is not None else []


def flat_row(value: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    _flatten(value, "" if isinstance(value, (dict, list)) else "value", row)
    return row


def columns_of(rows: Iterable[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    columns = columns_of(rows)
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; the csv module quotes commas, quotes, newlines
    writer.writerow([neutralise(column) for column in columns])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else neutralise(row.get(c)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8


def to_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "export")
    columns = columns_of(rows)
    sheet.append([neutralise(column) for column in columns])
    for row in rows:
        sheet.append([neutralise(row.get(column)) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _execute(request: Request, query: str, variables: dict[str, Any], operation: str | None) -> Any:
    result = await schema.execute(
        query, variable_values=variables, operation_name=operation, context_value=await context_for(request)
    )
    if result.errors:
        raise ExportError("; ".join(error.message for error in result.errors))
    return result.data


def _respond(rows: list[dict[str, Any]], name: str, fmt: str) -> Response:
    body = to_csv(rows) if fmt == "csv" else to_xlsx(rows, name)
    return Response(
        body, media_type=MEDIA[fmt], headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'}
    )


def _problem(message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message}]}, status_code=400)


async def _params(request: Request) -> dict[str, Any]:
    if request.method == "POST":
        try:
            body = await request.json()
        except ValueError:
            raise ExportError("The body must be JSON: {\"query\": …, \"variables\": {…}}.") from None
        if not isinstance(body, dict):
            raise ExportError("The body must be a JSON object with a \"query\".")
        return body
    params: dict[str, Any] = dict(request.query_params)
    if "variables" in params:
        try:
            params["variables"] = json.loads(params["variables"])
        except ValueError:
            raise ExportError('Parameter "variables" must be a JSON object.') from None
    return params


def _not_a_format(fmt: str) -> Response | None:
    if fmt in MEDIA:
        return None
    return JSONResponse({"errors": [{"message": f'Unknown export format ".{fmt}"; use .csv or .xlsx.'}]}, status_code=404)


async def export_document(request: Request) -> Response:
    fmt = request.path_params["format"]
    if (refused := _not_a_format(fmt)) is not None:
        return refused
    try:
        params = await _params(request)
        query = params.get("query")
        variables = params.get("variables") or {}
        if not isinstance(query, str) or not query.strip():
            raise ExportError('Parameter "query" (a GraphQL document) is required.')
        if not isinstance(variables, dict):
            raise ExportError('Parameter "variables" must be a JSON object.')
        data = await _execute(request, query, variables, params.get("operationName"))
    except ExportError as error:
        return _problem(str(error))
    fields = list((data or {}).keys())
    if len(fields) != 1:
        return _problem(f"The query must ask for exactly one root field to export, got {len(fields)}.")
    return _respond(rows_of(data[fields[0]])[:MAX_ROWS], fields[0], fmt)


def _contract_sort(text: str | None) -> list[dict[str, str]] | None:
    if not text:
        return None
    keys = []
    for part in text.split(","):
        field, _, direction = part.strip().partition(":")
        direction = (direction or "asc").upper()
        if field not in CONTRACT_SORT_FIELDS or direction not in ("ASC", "DESC"):
            raise ExportError(
                f'Parameter "sort": "{part.strip()}" is not FIELD[:asc|desc] with FIELD one of {", ".join(CONTRACT_SORT_FIELDS)}.'
            )
        keys.append({field: direction})
    return keys


async def export_contracts(request: Request) -> Response:
    fmt = request.path_params["format"]
    if (refused := _not_a_format(fmt)) is not None:
        return refused
    unknown = sorted(set(request.query_params) - set(CONTRACT_FILTERS) - {"sort"})
    if unknown:
        return _problem(f"Unknown parameter {unknown[0]!r}; accepted: {', '.join(CONTRACT_FILTERS)}, sort.")
    where = {name: request.query_params[name] for name in CONTRACT_FILTERS if request.query_params.get(name)}
    rows: list[dict[str, Any]] = []
    after = None
    try:
        sort = _contract_sort(request.query_params.get("sort"))
        while len(rows) < MAX_ROWS:
            data = await _execute(request, CONTRACTS, {"where": where, "sort": sort, "after": after}, None)
            connection = data["contracts"]
            rows += rows_of(connection)
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
    except ExportError as error:
        return _problem(str(error))
    return _respond(rows[:MAX_ROWS], "contracts", fmt)


ROUTES = [
    Route("/export.{format:str}", export_document, methods=["GET", "POST"]),
    Route("/export/contracts.{format:str}", export_contracts, methods=["GET"]),
]
