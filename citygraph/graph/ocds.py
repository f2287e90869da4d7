"""Importing Open Contracting (OCDS) release and record packages: awards become Contracts.

Reading a file (`read_file`) needs no database: it merges the releases of each process (ocid), keeps the
awards worth importing and says why it skipped the rest. Loading (`load`) then decides which buyers are
known councils and writes Buyers, Suppliers and Contracts with batched, idempotent `UNWIND … MERGE`, all
files in one transaction under the import lock.
"""

import copy
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from citygraph.graph.councils import Council, CouncilMatcher, normalise
from citygraph.graph.database import Database, Row, WriteTransaction
from citygraph.graph.files import UnreadableFile, json_path, read_json, too_deep
from citygraph.graph.importlock import import_lock
from citygraph.graph.limits import MAX_KEY_CHARS, MAX_TEXT_CHARS, shown
from citygraph.graph.reference import SOURCE as REFERENCE_SOURCE
from citygraph.graph.reference import london_borough_rows

Json = dict[str, Any]
BATCH_SIZE = 1000

# Party ids shaped like org-ids ("GB-CFS-18525", "GB-COH-01234567") are stable across releases; others
# ("org-1" in Public Contracts Scotland) only name a party within one release.
ORG_ID = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{2,}-\S+$")
CPV_CODE = re.compile(r"^(\d{8})(?:-\d)?$")  # "48000000" or with its check digit, "48000000-8"
LEGAL_SUFFIXES = ("ltd", "limited", "plc", "llp", "inc", "ltd uk", "uk ltd", "uk limited")
DROPPED_AWARD_STATUSES = ("cancelled", "unsuccessful")
EARLIEST = datetime.min.replace(tzinfo=UTC)
# Arrays a later release restates in full (the OCDS schema's wholeListMerge, or lists of references that a
# notice corrects as a whole): a supplier dropped by an awardUpdate must not survive the merge.
WHOLE_LISTS = frozenset({"suppliers", "tenderers", "additionalClassifications", "additionalIdentifiers"})
# Arrays and objects nest about 9 deep in a real package (package > releases > awards > items >
# additionalClassifications); anything much deeper is broken or hostile, and the merge recurses.
MAX_DEPTH = 32


class OcdsError(Exception):
    """A file that cannot be read as an OCDS package; the message names the file."""


@dataclass
class SupplierRow:
    id: str
    name: str
    sme: bool | None  # None: the notice does not say, so an earlier answer is kept
    companyNumber: str | None
    source: str


@dataclass
class BuyerRef:
    id: str
    name: str
    # Every org-id the notice gives the buyer ("GB-LAC-E09000024", "GB-CFS-18525"): what recognises it as
    # a council or a Buyer seen before, whatever name this notice spells.
    orgIds: list[str] = field(default_factory=list)


@dataclass
class ContractRow:
    id: str
    title: str
    valueGbp: float | None
    startDate: date | None
    endDate: date | None
    cpvCodes: list[str]
    source: str
    buyer: BuyerRef
    supplierIds: list[str]


@dataclass
class FileData:
    """What one file yields, and what it could not use."""

    path: Path
    kind: str  # "releases" or "records"
    read: int = 0  # release (or record) objects in the file
    processes: int = 0  # distinct ocids after merging
    contracts: list[ContractRow] = field(default_factory=list)
    suppliers: dict[str, SupplierRow] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)  # processes that gave no contract, by reason
    notes: Counter[str] = field(default_factory=Counter)  # imported, but with something left out
    council_contracts: int = 0  # filled in by `load`
    # Releases (or records) refused because a field has the wrong JSON type or a value Neo4j cannot store:
    # one line each, "releases[3] (ocid …): awards[0].value.amount: must be a finite number (got NaN)".
    invalid: list[str] = field(default_factory=list)


# --- reading -----------------------------------------------------------------------------------------


def read_file(path: Path, it_cpv_prefixes: Sequence[str], all_cpv: bool = False) -> FileData:
    """What one package yields. Raises OcdsError (one line naming the file) when the file as a whole is
    unusable; a release with a field of the wrong type is reported in `FileData.invalid` and skipped."""
    try:
        package = read_json(path, max_depth=MAX_DEPTH)
    except UnreadableFile as error:
        raise OcdsError(str(error)) from None
    if not isinstance(package, dict):
        raise OcdsError(
            f"{path}: not an OCDS release or record package (a JSON object with a 'releases' or 'records' "
            f"array; this is {_json_type(package)})"
        )
    for key in ("releases", "records"):
        if package.get(key) is not None and not isinstance(package[key], list):
            raise OcdsError(
                f"{path}: not an OCDS release or record package: '{key}' must be an array "
                f"(got {_json_type(package[key])})"
            )
    if isinstance(package.get("releases"), list):
        data = FileData(path, "releases", read=len(package["releases"]))
        processes = compile_releases(package["releases"], data.skipped, data.invalid)
    elif isinstance(package.get("records"), list):
        data = FileData(path, "records", read=len(package["records"]))
        processes = compile_records(package["records"], data.skipped, data.invalid)
    else:
        raise OcdsError(f"{path}: not an OCDS release or record package (no 'releases' or 'records' list)")
    data.processes = len(processes) + sum(data.skipped.values())
    prefixes = tuple(it_cpv_prefixes)
    for release in processes:
        reason = _map_process(release, prefixes, all_cpv, data)
        if reason:
            data.skipped[reason] += 1
    return data


# --- type checks: every field the mapping reads, with the JSON type and the values it must have ----------

Check = Callable[[Any], str | None]  # what is wrong with a value, or None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _unicode(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"is not valid Unicode (a lone surrogate \\u{ord(text[error.start]):04x})"
    return None


def _string(limit: int) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string (got {_json_type(value)})"
        if len(value) > limit:
            return f"is {len(value):,} characters long; the limit is {limit:,}"
        return _unicode(value)

    return check


def _identifier(value: Any) -> str | None:
    """OCDS ids are strings or integers; an integer id is stored as its text, so any size fits."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return f"must be a string or an integer (got {_json_type(value)})"
    return _string(MAX_KEY_CHARS)(value)


def _amount(value: Any) -> str | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return f"must be a number (got {_json_type(value)})"
    try:
        number = float(value)
    except OverflowError:
        return f"is too large to store (more than 1.8e308; got {shown(str(value))})"
    if math.isnan(number):
        return "must be a finite number (got NaN)"
    if math.isinf(number):
        return f"is too large to store (more than 1.8e308; got {'' if number > 0 else '-'}Infinity)"
    return None


TEXT = _string(MAX_KEY_CHARS)  # names, codes, dates, statuses: short, some indexed
LONG_TEXT = _string(MAX_TEXT_CHARS)  # titles
Spec = Check | dict[str, Any] | list[Any]  # a value, an object's fields, or [the spec of every item]
CLASSIFICATION: Spec = {"scheme": TEXT, "id": _identifier}
ITEM: Spec = {"classification": CLASSIFICATION, "additionalClassifications": [CLASSIFICATION]}
VALUE: Spec = {"amount": _amount, "currency": TEXT}
PERIOD: Spec = {"startDate": TEXT, "endDate": TEXT}
PARTY_REFERENCE: Spec = {"id": _identifier, "name": TEXT}
RELEASE: Spec = {
    "ocid": TEXT,
    "date": TEXT,
    "title": LONG_TEXT,
    "buyer": PARTY_REFERENCE,
    "parties": [
        {
            "id": _identifier,
            "name": TEXT,
            "roles": [TEXT],
            "identifier": {"scheme": TEXT, "id": _identifier, "legalName": TEXT},
            "additionalIdentifiers": [{"scheme": TEXT, "id": _identifier, "legalName": TEXT}],
            "details": {"scale": TEXT},
        }
    ],
    "tender": {"title": LONG_TEXT, "classification": CLASSIFICATION, "items": [ITEM]},
    "awards": [
        {
            "id": _identifier,
            "title": LONG_TEXT,
            "status": TEXT,
            "value": VALUE,
            "suppliers": [PARTY_REFERENCE],
            "items": [ITEM],
            "contractPeriod": PERIOD,
        }
    ],
    "contracts": [{"awardID": _identifier, "value": VALUE, "period": PERIOD}],
}
RECORD: Spec = {"ocid": TEXT, "compiledRelease": RELEASE, "releases": [RELEASE]}  # linked releases fit too


def type_problems(value: Any, spec: Spec, path: list[str | int] | None = None) -> list[str]:
    """"json.path: message" for every field of `value` that `spec` knows and that is wrong; null and
    absent fields are fine (the mapping treats them alike), fields the spec does not know are not read."""
    path = path or []
    if value is None:
        return []
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return [f"{json_path(path)}: must be an object (got {_json_type(value)})"]
        return [p for key, sub in spec.items() for p in type_problems(value.get(key), sub, [*path, key])]
    if isinstance(spec, list):
        if not isinstance(value, list):
            return [f"{json_path(path)}: must be an array (got {_json_type(value)})"]
        return [p for index, item in enumerate(value) for p in type_problems(item, spec[0], [*path, index])]
    message = spec(value)
    return [f"{json_path(path)}: {message}"] if message else []


def _refused(kind: str, index: int, item: dict[str, Any], spec: Spec, invalid: list[str]) -> bool:
    """Adds one line to `invalid` and says True when `item` (releases[index] or records[index]) is wrong."""
    problems = type_problems(item, spec)
    if not problems:
        return False
    ocid = item.get("ocid")
    where = f"{kind}[{index}]" + (f" (ocid {shown(ocid, 80)})" if isinstance(ocid, str) else "")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    invalid.append(f"{where}: {problems[0]}{more}")
    return True


def _release_time(release: Json) -> datetime:
    """For ordering releases; an unparseable or missing date sorts first, i.e. loses."""
    try:
        moment = datetime.fromisoformat(str(release.get("date")))
    except ValueError:
        return EARLIEST
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def compile_releases(releases: Iterable[Any], skipped: Counter[str], invalid: list[str] | None = None) -> list[Json]:
    """One compiled release per ocid: its releases merged oldest first, so the latest `date` wins.
    A release with a field of the wrong type is skipped and described in `invalid`. The releases must come
    from `read_json(…, max_depth=MAX_DEPTH)`, as in read_file: the merge recurses (see `merge`)."""
    invalid = [] if invalid is None else invalid
    by_ocid: dict[str, list[Json]] = {}
    for index, release in enumerate(releases):
        if not isinstance(release, dict):
            skipped["not a JSON object"] += 1
        elif _refused("releases", index, release, RELEASE, invalid):
            skipped["invalid"] += 1
        elif not isinstance(release.get("ocid"), str) or not release["ocid"].strip():
            skipped["no ocid"] += 1
        else:
            by_ocid.setdefault(release["ocid"], []).append(release)
    return [_merge(sorted(group, key=_release_time)) for group in by_ocid.values()]


def compile_records(records: Iterable[Any], skipped: Counter[str], invalid: list[str] | None = None) -> list[Json]:
    """A record's compiledRelease when it has one, else its embedded releases merged. A record with a field
    of the wrong type is skipped and described in `invalid`. Depth-checked input only, as compile_releases."""
    invalid = [] if invalid is None else invalid
    compiled = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            skipped["not a JSON object"] += 1
            continue
        if _refused("records", index, record, RECORD, invalid):
            skipped["invalid"] += 1
            continue
        release = record.get("compiledRelease")
        if not isinstance(release, dict):
            # Linked releases ({url, date, tag}) carry no data; only embedded ones can be merged.
            embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "url" not in r]
            release = _merge(sorted(embedded, key=_release_time)) if embedded else {}
        release.setdefault("ocid", record.get("ocid"))
        if not isinstance(release.get("ocid"), str) or not release["ocid"].strip():
            skipped["no ocid"] += 1
        elif len(release) == 1:
            skipped["record without compiled or embedded releases"] += 1
        else:
            compiled.append(release)
    return compiled


def merge(releases: Sequence[Json]) -> Json:
    """The OCDS merge, without reading the schema: later values replace earlier ones, objects merge field
    by field, arrays of objects with an `id` merge item by item (but see WHOLE_LISTS), any other array is
    replaced, and null removes a field. Raises OcdsError for a release nested deeper than MAX_DEPTH (the
    merge recurses)."""
    for release in releases:
        deep = too_deep(release, MAX_DEPTH)
        if deep is not None:
            raise OcdsError(f"a release to merge is nested too deeply at {deep} (more than {MAX_DEPTH} levels)")
    return _merge(releases)


def _merge(releases: Sequence[Json]) -> Json:
    """`merge` of releases whose depth is known to be bounded (read_file checked the whole file)."""
    result: Json = {}
    for release in releases:
        _merge_into(result, release)
    return result


def _merge_into(target: Json, update: Json) -> None:
    for key, value in update.items():
        current = target.get(key)
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(current, dict):
            _merge_into(current, value)
        elif key not in WHOLE_LISTS and _identified(value) and _identified(current):
            items = {str(item["id"]): item for item in current}
            for item in value:
                if str(item["id"]) in items:
                    _merge_into(items[str(item["id"])], item)
                else:
                    current.append(copy.deepcopy(item))
                    items[str(item["id"])] = current[-1]
        else:
            target[key] = copy.deepcopy(value)


def _identified(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "id" in i for i in value)


# --- mapping -----------------------------------------------------------------------------------------


def _dict(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def slug(name: str) -> str:
    words = normalise(name)
    for suffix in LEGAL_SUFFIXES:  # "Acme Ltd." and "Acme Limited" are the same supplier
        if words.endswith(" " + suffix):
            words = words[: -len(suffix) - 1]
            break
    return words.replace(" ", "-")


def cpv_codes(release: Json) -> list[str]:
    """Distinct CPV codes (8 digits) of the tender, its items and the awards' items, in order of appearance."""
    tender = _dict(release.get("tender"))
    classifications = [_dict(tender.get("classification"))]
    items = _list(tender.get("items")) + [i for a in _list(release.get("awards")) for i in _list(a.get("items"))]
    for item in items:
        classifications.append(_dict(item.get("classification")))
        classifications.extend(_list(item.get("additionalClassifications")))
    codes: list[str] = []
    for classification in classifications:
        if str(classification.get("scheme", "")).strip().upper() != "CPV":
            continue
        found = CPV_CODE.match(str(classification.get("id", "")).strip())
        if found and found.group(1) not in codes:
            codes.append(found.group(1))
    return codes


def _date(value: Any) -> date | None:
    """The calendar date as published: "2025-04-23T23:59:59+01:00" is 23 April."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _org_id(party: Json) -> str | None:
    """`scheme-id` from an identifier block, company numbers in Companies House's 8-character form."""
    return _scheme_id(_dict(party.get("identifier")))


def _scheme_id(identifier: Json) -> str | None:
    scheme, ident = _text(identifier.get("scheme")), _text(identifier.get("id"))
    if not scheme or not ident:
        return None
    if scheme.upper() == "GB-COH":
        ident = _company_number(ident)
    return f"{scheme.upper()}-{ident}"


def _org_ids(party: Json) -> list[str]:
    """The party's identifier and additionalIdentifiers as org-ids, in order, without repeats."""
    blocks = [_dict(party.get("identifier")), *_list(party.get("additionalIdentifiers"))]
    return list(dict.fromkeys(i for block in blocks if (i := _scheme_id(block))))


def _company_number(ident: str) -> str:
    number = ident.replace(" ", "").upper()
    return number.zfill(8) if number.isdigit() and len(number) < 8 else number


def _parties(release: Json) -> dict[str, Json]:
    return {str(p["id"]): p for p in _list(release.get("parties")) if p.get("id") is not None}


def buyer_of(release: Json, parties: dict[str, Json]) -> BuyerRef | None:
    reference = _dict(release.get("buyer"))
    if not reference:
        reference = next((p for p in parties.values() if "buyer" in (p.get("roles") or [])), {})
    party = parties.get(str(reference.get("id")), {})
    name = _text(reference.get("name")) or _text(party.get("name"))
    name = name or _text(_dict(party.get("identifier")).get("legalName"))
    if not name:
        return None
    party_id = _text(reference.get("id"))
    stable = bool(party_id and ORG_ID.match(party_id))
    org_ids = list(dict.fromkeys(([party_id] if party_id and stable else []) + _org_ids(party)))
    if party_id and stable:
        return BuyerRef(party_id, name, org_ids)
    return BuyerRef(_org_id(party) or f"ocds-buyer:{slug(name)}", name, org_ids)


def supplier_of(reference: Json, parties: dict[str, Json], source: str) -> SupplierRow | None:
    party = parties.get(str(reference.get("id")), {})
    name = _text(party.get("name")) or _text(reference.get("name"))
    name = name or _text(_dict(party.get("identifier")).get("legalName"))
    org_id = _org_id(party)
    if not name or not (org_id or slug(name)):
        return None
    scale = str(_dict(party.get("details")).get("scale", "")).strip().lower()
    # A company number in the identifier or in additionalIdentifiers makes the id GB-COH-<number>: the id
    # a contracts register (graph/register.py) gives the same company, so the sources meet on one node.
    company_ids = [i for i in _org_ids(party) if i.startswith("GB-COH-")]
    company_number = company_ids[0].removeprefix("GB-COH-") if company_ids else None
    return SupplierRow(
        id=(company_ids[0] if company_ids else org_id) or f"ocds-supplier:{slug(name)}",
        name=name,
        sme={"sme": True, "large": False}.get(scale),
        companyNumber=company_number,
        source=source,
    )


def _value(award: Json, contracts: list[Json], notes: Counter[str]) -> float | None:
    value = _dict(award.get("value")) or next((_dict(c.get("value")) for c in contracts if c.get("value")), {})
    amount = value.get("amount")
    if not isinstance(amount, (int, float)) or isinstance(amount, bool):
        return None
    currency = str(value.get("currency") or "").upper()
    if currency != "GBP":
        notes[f"value in {currency or 'no currency'} left empty"] += 1
        return None
    return float(amount)


def _map_process(release: Json, it_prefixes: tuple[str, ...], all_cpv: bool, data: FileData) -> str | None:
    """Adds the contracts of one compiled release to `data`; returns why it gave none, if it gave none."""
    ocid = str(release["ocid"]).strip()
    codes = cpv_codes(release)
    if not all_cpv and not codes:
        return "no CPV code"
    if not all_cpv and not any(code.startswith(it_prefixes) for code in codes):
        return "not IT"
    awards = _list(release.get("awards"))
    if not awards:
        return "no award"
    parties = _parties(release)
    buyer = buyer_of(release, parties)
    if buyer is None:
        return "no buyer"
    tender = _dict(release.get("tender"))
    contracts = _list(release.get("contracts"))
    reasons: list[str] = []
    for index, award in enumerate(awards, start=1):
        if str(award.get("status", "")).lower() in DROPPED_AWARD_STATUSES:
            reasons.append(f"award {award['status'].lower()}")
            continue
        suppliers = [s for r in _list(award.get("suppliers")) if (s := supplier_of(r, parties, ocid))]
        if not suppliers:
            reasons.append("no supplier")
            continue
        award_id = _text(award.get("id")) or str(index)
        own = [c for c in contracts if _text(c.get("awardID")) == award_id]
        period = _dict(award.get("contractPeriod")) or next((_dict(c.get("period")) for c in own), {})
        for supplier in suppliers:
            data.suppliers[supplier.id] = _combine(data.suppliers.get(supplier.id), supplier)
        data.contracts.append(
            ContractRow(
                id=award_id if award_id.startswith(ocid) else f"{ocid}-{award_id}",
                title=_text(award.get("title")) or _text(tender.get("title")) or _text(release.get("title")) or ocid,
                valueGbp=_value(award, own, data.notes),
                startDate=_date(period.get("startDate")),
                endDate=_date(period.get("endDate")),
                cpvCodes=codes,
                source=ocid,
                buyer=buyer,
                supplierIds=list(dict.fromkeys(s.id for s in suppliers)),
            )
        )
    if len(reasons) == len(awards):
        return reasons[0]
    for reason in reasons:
        data.notes[f"award skipped: {reason}"] += 1
    return None


def _combine(known: SupplierRow | None, seen: SupplierRow) -> SupplierRow:
    """The same supplier in several notices of one file: the later notice wins, unknowns don't erase."""
    if known is None:
        return seen
    return SupplierRow(
        id=seen.id,
        name=seen.name,
        sme=seen.sme if seen.sme is not None else known.sme,
        companyNumber=seen.companyNumber or known.companyNumber,
        source=known.source,
    )


# --- loading -----------------------------------------------------------------------------------------


async def council_matcher(tx: WriteTransaction, progress: Callable[[str], None] = print) -> CouncilMatcher:
    """The councils the graph knows; the 33 London councils are seeded first (in the load's transaction)
    when there are none."""
    rows = await tx.run("ocds_councils")
    if not rows:
        london = london_borough_rows()
        await tx.run("seed_boroughs", rows=london, source=REFERENCE_SOURCE)
        progress(f"No councils in the graph yet: seeding {len(london)} London councils with this load.")
        rows = await tx.run("ocds_councils")
    return CouncilMatcher(Council(r["code"], r["name"], r["officialName"]) for r in rows)


@dataclass
class Identities:
    """Who is who across notices and sources, so that each real organisation is one node: a council by
    its GSS code (`GB-LAC-<code>`) or an org-id it was recognised by before, then by name; another buyer
    by any org-id it was seen with, then by name; a supplier by its company number."""

    council_ids: dict[str, str]  # org-id → GSS code
    buyer_ids: dict[str, str]  # org-id → Buyer id
    buyer_names: dict[str, str]  # slug of the name → Buyer id
    company_suppliers: dict[str, str]  # company number → Supplier id
    new_council_ids: dict[str, str] = field(default_factory=dict)  # org-ids learnt in this load, to write

    @classmethod
    async def of(cls, tx: WriteTransaction) -> "Identities":
        councils = await tx.run("ocds_council_ids")
        buyers = await tx.run("ocds_known_buyers")
        suppliers = await tx.run("register_known_suppliers")
        council_ids = {f"GB-LAC-{r['code']}": r["code"] for r in councils}
        for r in councils:
            for org_id in r["orgIds"]:
                council_ids.setdefault(org_id, r["code"])
        buyer_ids = {org_id: r["id"] for r in buyers for org_id in [r["id"], *r["orgIds"]]}
        buyer_names = {slug(r["name"]): r["id"] for r in buyers if r["name"]}
        numbers = {r["companyNumber"]: r["id"] for r in suppliers if r["companyNumber"]}
        return cls(council_ids, buyer_ids, buyer_names, numbers)

    def council(self, buyer: BuyerRef, matcher: CouncilMatcher) -> str | None:
        """The GSS code of the council `buyer` is; the org-ids of a council recognised by name are kept, so
        a later notice with the same party id and another spelling of the name finds it too."""
        code = next((self.council_ids[i] for i in buyer.orgIds if i in self.council_ids), None)
        if code is not None:
            return code
        code = matcher.match(buyer.name)
        if code is not None:
            for org_id in buyer.orgIds:
                if not org_id.startswith("GB-LAC-"):  # GB-LAC ids are the council's own code, never learnt
                    self.council_ids[org_id] = self.new_council_ids[org_id] = code
        return code

    def buyer(self, buyer: BuyerRef) -> str:
        """The id of the Buyer node `buyer` is: one seen with any of its org-ids, else one of that name."""
        found = next((self.buyer_ids[i] for i in buyer.orgIds if i in self.buyer_ids), None)
        found = found or self.buyer_names.get(slug(buyer.name)) or buyer.id
        for org_id in buyer.orgIds:
            self.buyer_ids.setdefault(org_id, found)
        self.buyer_names.setdefault(slug(buyer.name), found)
        return found

    def supplier(self, supplier: SupplierRow) -> str:
        """The id of the Supplier node with `supplier`'s company number (from any source), else its own."""
        if not supplier.companyNumber:
            return supplier.id
        return self.company_suppliers.setdefault(supplier.companyNumber, supplier.id)


async def load(
    db: Database,
    files: Sequence[FileData],
    progress: Callable[[str], None] = print,
    *,
    wait: bool = False,
) -> None:
    """Writes every file in one transaction under the import lock (graph/importlock.py): the graph gets
    all of them or none, and readers never see part of a load. Raises ImportLocked when another import
    runs, or waits for it with `wait`."""
    names = ", ".join(str(data.path) for data in files)
    async with import_lock(db, f"load-ocds {names}", wait=wait, on_wait=progress) as lock:
        async with db.transaction() as tx:
            matcher = await council_matcher(tx, progress)
            identities = await Identities.of(tx)
            for data in files:
                buyers: dict[str, Row] = {}
                contracts: list[Row] = []
                data.council_contracts = 0
                suppliers: dict[str, SupplierRow] = {}
                ids: dict[str, str] = {}  # the file's supplier id → the node's
                for supplier in data.suppliers.values():
                    ids[supplier.id] = identities.supplier(supplier)
                    same = SupplierRow(**{**supplier.__dict__, "id": ids[supplier.id]})
                    suppliers[same.id] = _combine(suppliers.get(same.id), same)
                for contract in data.contracts:
                    row = {k: v for k, v in contract.__dict__.items() if k != "buyer"}
                    row["supplierIds"] = list(dict.fromkeys(ids.get(i, i) for i in contract.supplierIds))
                    row["boroughCode"] = identities.council(contract.buyer, matcher)
                    row["buyerId"] = None
                    if row["boroughCode"]:
                        data.council_contracts += 1
                    else:
                        row["buyerId"] = identities.buyer(contract.buyer)
                        new = {"id": row["buyerId"], "name": contract.buyer.name, "orgIds": [], "source": contract.source}
                        known = buyers.setdefault(row["buyerId"], new)
                        known["orgIds"] = list(dict.fromkeys(known["orgIds"] + contract.buyer.orgIds))
                    contracts.append(row)
                council_ids = [{"code": code, "orgId": i} for i, code in identities.new_council_ids.items()]
                identities.new_council_ids.clear()
                for query, rows in (
                    ("ocds_council_org_ids", council_ids),
                    ("ocds_buyers", list(buyers.values())),
                    ("ocds_suppliers", [s.__dict__ for s in suppliers.values()]),
                    ("ocds_contracts", contracts),
                ):
                    for start in range(0, len(rows), BATCH_SIZE):
                        await tx.run(query, rows=rows[start : start + BATCH_SIZE])
            await lock.release_in(tx)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{reason} ({count})" for reason, count in counter.most_common())


def summary(files: Sequence[FileData]) -> list[str]:
    lines = []
    for data in files:
        skipped = sum(data.skipped.values())
        unit = "releases" if data.kind == "releases" else "records"
        line = (
            f"{data.path.name}: {data.read} {unit} read ({data.processes} processes), "
            f"{len(data.contracts)} contracts imported ({data.council_contracts} by known councils)"
        )
        line += f"; skipped {skipped} processes: {_counts(data.skipped)}" if skipped else "; skipped none"
        lines.append(line)
        if data.notes:
            lines.append(f"  notes: {_counts(data.notes)}")
    lines.append(
        f"total: {len(files)} files, {sum(d.read for d in files)} releases/records read, "
        f"{sum(len(d.contracts) for d in files)} contracts imported, "
        f"{sum(sum(d.skipped.values()) for d in files)} processes skipped"
    )
    return lines
