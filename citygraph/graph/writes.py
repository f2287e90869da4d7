"""The write API's graph side (docs/writing.md): one change per transaction, checked, audited and versioned.

Every write runs in one `Database.transaction()`: it reads the record as it is, checks who may change it
(`Principal.may_edit`) and that what it refers to exists, writes, reads the record again and, when anything
changed, stamps it (`source` = `api:<principal>`, `updatedAt`) and appends a `:Change` to the change log.
Every write moves the graph version (citygraph/graph/version.py). A refused or invalid write raises
`WriteError` inside the transaction, so nothing of it is committed.

Values are validated before this module by the bundle's row models (citygraph/graph/bundle.py,
`parse_row`): the rows given here are valid rows."""

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from citygraph.auth.principal import Principal, Role
from citygraph.graph import version
from citygraph.graph.bundle import (
    ContractRow,
    ServiceAreaRow,
    SkillRatingRow,
    SupplierRow,
    SystemRow,
    SystemUseRow,
    row_rules,
)
from citygraph.graph.database import Database, Row, WriteTransaction

Code = Literal["BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"]
# What every state has but a change is not about: the stamp itself.
STAMP = frozenset({"source", "updatedAt"})
# Kinds stored as relationships (stamped by write_stamp_relationship); the rest are nodes.
RELATIONSHIP_KINDS = frozenset({"SystemUse", "SkillRating"})


class WriteError(Exception):
    """A write refused before anything was committed. `field` names the input field at fault (or None when
    the refusal is about the caller); the message says what and why."""

    def __init__(self, code: Code, message: str, field: str | None = None):
        super().__init__(message)
        self.code, self.field = code, field


@dataclass(frozen=True)
class Change:
    """One entry of the change log. `before`/`after` hold the changed fields only, as JSON text; `before` is
    None for a record made, `after` for a record removed."""

    id: str
    at: dt.datetime
    principal: str
    role: str
    operation: str
    kind: str
    key: str
    boroughs: list[str]
    before: str | None
    after: str | None

    @classmethod
    def of(cls, row: Row) -> "Change":
        return cls(
            row["id"],
            row["at"],
            row["principal"],
            row["role"],
            row["operation"],
            row["kind"],
            row["key"],
            list(row.get("boroughs") or []),
            row.get("before"),
            row.get("after"),
        )


# --- the steps every write shares ----------------------------------------------------------------------


def _require_signed_in(who: Principal) -> None:
    if not who.signed_in:
        raise WriteError(
            "UNAUTHENTICATED", "Changing data needs sign-in: send Authorization: Bearer <API key or token>."
        )


def require_writer(who: Principal, operation: str, admin_only: bool = False) -> None:
    """Whether the caller may make this kind of write at all, before its input is looked at."""
    if admin_only:
        _require_admin(who, operation)
        return
    _require_signed_in(who)
    if who.role not in (Role.EDITOR, Role.ADMIN):
        raise WriteError(
            "FORBIDDEN", f"{operation} is for editors and administrators; {_who(who)} is {who.role.value}."
        )


def _require_admin(who: Principal, operation: str) -> None:
    _require_signed_in(who)
    if not who.is_admin:
        raise WriteError("FORBIDDEN", f"{operation} is for administrators; {_who(who)} is {who.role.value}.")


def _require_editor_of(who: Principal, borough: str, field: str, what: str) -> None:
    _require_signed_in(who)
    if not who.may_edit(borough):
        if who.role.value == "editor":
            why = f"{_who(who)} may change only {', '.join(sorted(who.boroughs)) or 'no borough'}"
        else:
            why = f"{_who(who)} is {who.role.value}, and only editors and administrators change data"
        raise WriteError("FORBIDDEN", f"{what} of borough {borough} cannot be changed: {why}.", field)


def _who(who: Principal) -> str:
    return f'"{who.name}"'


async def _missing(
    tx: WriteTransaction,
    boroughs: Sequence[tuple[str, str]] = (),
    suppliers: Sequence[tuple[str, str]] = (),
    systems: Sequence[tuple[str, str]] = (),
    service_areas: Sequence[tuple[str, str]] = (),
) -> None:
    """Refuses the write when a referenced key (each given with its input field) is not in the graph."""
    [row] = await tx.run(
        "write_references",
        boroughs=[key for _, key in boroughs],
        suppliers=[key for _, key in suppliers],
        systems=[key for _, key in systems],
        serviceAreas=[key for _, key in service_areas],
    )
    for kind, column, given in (
        ("borough", "boroughs", boroughs),
        ("supplier", "suppliers", suppliers),
        ("system", "systems", systems),
        ("service area", "serviceAreas", service_areas),
    ):
        for field, key in given:
            if key in row[column]:
                raise WriteError("BAD_USER_INPUT", f"{field}: there is no {kind} {json.dumps(key)}", field)


async def _state(tx: WriteTransaction, kind: str, **key: Any) -> tuple[str | None, Row | None]:
    rows = await tx.run(f"write_state_{_snake(kind)}", **key)
    return (rows[0]["element"], rows[0]["state"]) if rows else (None, None)


def _snake(kind: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in kind).lstrip("_")


def _json(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)


async def _record(
    tx: WriteTransaction,
    who: Principal,
    operation: str,
    kind: str,
    key: str,
    boroughs: list[str | None],
    before: Row | None,
    after: Row | None,
    element: str | None,
) -> Row | None:
    """Stamps what changed and logs it; moves the graph version in any case. Returns `after` as stamped."""
    await version.bump(tx)
    old, new = before or {}, after or {}
    changed = sorted(f for f in (set(old) | set(new)) - STAMP if old.get(f) != new.get(f))
    if not changed:
        return after
    if after is not None and element is not None:
        stamp = "write_stamp_relationship" if kind in RELATIONSHIP_KINDS else "write_stamp_node"
        [stamped] = await tx.run(stamp, element=element, source=who.source)
        after = {**after, "source": who.source, "updatedAt": stamped["updatedAt"]}
    await tx.run(
        "write_change",
        principal=who.name,
        role=who.role.value,
        operation=operation,
        kind=kind,
        key=key,
        boroughs=sorted({b for b in boroughs if b}),
        before=_json(None if before is None else {f: old.get(f) for f in changed}),
        after=_json(None if after is None else {f: new.get(f) for f in changed}),
    )
    return after


def _check_rules(row: Any, fields: dict[str, str]) -> None:
    """The bundle's rules between a row's cells (dates in order), on the row as it will be stored."""
    for problem in row_rules(row):
        field, message = fields.get(problem.column, problem.column), problem.message
        for column, name in fields.items():  # the bundle's messages name columns; the API's callers know fields
            message = message.replace(column, name)
        raise WriteError("BAD_USER_INPUT", f"{field}: {message}", field)


# --- borough-owned records: system uses, contracts, skill ratings ---------------------------------------


async def upsert_system_use(db: Database, who: Principal, row: SystemUseRow, clear: set[str]) -> Row:
    _require_editor_of(who, row.borough_code, "boroughCode", "A system use")
    key = {"boroughCode": row.borough_code, "systemId": row.system_id}
    async with db.transaction() as tx:
        await _missing(tx, boroughs=[("boroughCode", row.borough_code)], systems=[("systemId", row.system_id)])
        _, before = await _state(tx, "SystemUse", **key)
        await tx.run(
            "write_system_use",
            **key,
            since=row.since,
            hosting=row.hosting,
            satisfaction=row.satisfaction,
            users=row.users,
            clear=sorted(clear),
        )
        element, after = await _state(tx, "SystemUse", **key)
        assert after is not None  # both ends exist (checked above), so the MERGE made it
        after = await _record(
            tx,
            who,
            "upsertSystemUse",
            "SystemUse",
            f"{row.borough_code}/{row.system_id}",
            [row.borough_code],
            before,
            after,
            element,
        )
    return after


async def remove_system_use(db: Database, who: Principal, borough_code: str, system_id: str) -> Row | None:
    """The use as it was, or None when there was none (removing twice is not an error)."""
    return await _remove_of_borough(
        db, who, "removeSystemUse", "SystemUse", "A system use", borough_code, systemId=system_id
    )


async def _remove_of_borough(
    db: Database, who: Principal, operation: str, kind: str, what: str, borough_code: str, **other: str
) -> Row | None:
    """Removes the `kind` record keyed by its borough and one `other` key (a system use's systemId, a skill
    rating's skill). Returns it as it was, or None when there was none."""
    _require_editor_of(who, borough_code, "borough", what)
    [other_value] = other.values()
    key = {"boroughCode": borough_code, **other}
    async with db.transaction() as tx:
        await _missing(tx, boroughs=[("borough", borough_code)])
        _, before = await _state(tx, kind, **key)
        await tx.run(f"write_remove_{_snake(kind)}", **key)
        await _record(tx, who, operation, kind, f"{borough_code}/{other_value}", [borough_code], before, None, None)
    return before


CONTRACT_FIELDS = {
    "borough_code": "boroughCode",
    "supplier_id": "supplierId",
    "system_ids": "systemIds",
    "value_gbp": "valueGbp",
    "start_date": "startDate",
    "end_date": "endDate",
    "max_extension_date": "maxExtensionDate",
}


async def upsert_contract(db: Database, who: Principal, row: ContractRow, clear: set[str]) -> Row:
    _require_editor_of(who, row.borough_code, "boroughCode", "A contract")
    async with db.transaction() as tx:
        _, before = await _state(tx, "Contract", id=row.id)
        if before is not None and before.get("boroughCode") != row.borough_code:
            # Moving a contract takes the right to change both boroughs' records (a contract of no borough,
            # e.g. an OCDS buyer's, is an administrator's).
            old = before.get("boroughCode")
            if old is None:
                _require_admin(who, f"Giving contract {row.id} (of no council) to a borough")
            else:
                _require_editor_of(who, old, "id", f"Contract {row.id}")
        await _missing(
            tx,
            boroughs=[("boroughCode", row.borough_code)],
            suppliers=[("supplierId", row.supplier_id)],
            systems=[("systemIds", s) for s in row.system_ids or []],
        )
        # The dates must be in order as they will be stored: given values over the stored ones.
        stored = {} if before is None else before
        merged = row.model_copy(
            update={
                name: None
                if CONTRACT_FIELDS[name] in clear
                else (getattr(row, name) or stored.get(CONTRACT_FIELDS[name]))
                for name in ("start_date", "end_date", "max_extension_date")
            }
        )
        _check_rules(merged, CONTRACT_FIELDS)
        await tx.run(
            "write_contract",
            id=row.id,
            title=row.title,
            boroughCode=row.borough_code,
            supplierId=row.supplier_id,
            systemIds=row.system_ids or None,
            valueGbp=row.value_gbp,
            startDate=row.start_date,
            endDate=row.end_date,
            maxExtensionDate=row.max_extension_date,
            clear=sorted(clear),
            source=who.source,
        )
        element, after = await _state(tx, "Contract", id=row.id)
        boroughs = [row.borough_code, None if before is None else before.get("boroughCode")]
        after = await _record(tx, who, "upsertContract", "Contract", row.id, boroughs, before, after, element)
    assert after is not None
    return after


async def remove_contract(db: Database, who: Principal, contract_id: str) -> Row | None:
    require_writer(who, "removeContract")
    async with db.transaction() as tx:
        _, before = await _state(tx, "Contract", id=contract_id)
        if before is None:
            pass  # nothing to remove (a repeat): no borough's record is touched
        elif before.get("boroughCode") is None:
            _require_admin(who, f"Removing contract {contract_id} (of no council)")
        else:
            _require_editor_of(who, before["boroughCode"], "id", f"Contract {contract_id}")
        await tx.run("write_remove_contract", id=contract_id)
        await _record(
            tx,
            who,
            "removeContract",
            "Contract",
            contract_id,
            [None if before is None else before.get("boroughCode")],
            before,
            None,
            None,
        )
    return before


async def set_skill_rating(db: Database, who: Principal, row: SkillRatingRow) -> Row:
    _require_editor_of(who, row.borough_code, "boroughCode", "A skill rating")
    key = {"boroughCode": row.borough_code, "skill": row.skill}
    async with db.transaction() as tx:
        await _missing(tx, boroughs=[("boroughCode", row.borough_code)])
        _, before = await _state(tx, "SkillRating", **key)
        await tx.run("write_skill_rating", **key, level=row.level, category=row.category, source=who.source)
        element, after = await _state(tx, "SkillRating", **key)
        assert after is not None
        after = await _record(
            tx,
            who,
            "setSkillRating",
            "SkillRating",
            f"{row.borough_code}/{row.skill}",
            [row.borough_code],
            before,
            after,
            element,
        )
    return after


async def remove_skill_rating(db: Database, who: Principal, borough_code: str, skill: str) -> Row | None:
    return await _remove_of_borough(
        db, who, "removeSkillRating", "SkillRating", "A skill rating", borough_code, skill=skill
    )


async def upsert_supplier(db: Database, who: Principal, row: SupplierRow, clear: set[str]) -> Row:
    _require_admin(who, "upsertSupplier")
    async with db.transaction() as tx:
        _, before = await _state(tx, "Supplier", id=row.id)
        await tx.run(
            "write_supplier",
            id=row.id,
            name=row.name,
            sme=row.sme,
            companyNumber=row.company_number,
            clear=sorted(clear),
        )
        element, after = await _state(tx, "Supplier", id=row.id)
        after = await _record(tx, who, "upsertSupplier", "Supplier", row.id, [], before, after, element)
    assert after is not None
    return after


async def upsert_system(db: Database, who: Principal, row: SystemRow) -> Row:
    _require_admin(who, "upsertSystem")
    async with db.transaction() as tx:
        await _missing(
            tx, suppliers=[("manufacturerId", row.manufacturer_id)], service_areas=[("serviceArea", row.service_area)]
        )
        _, before = await _state(tx, "System", id=row.id)
        await tx.run(
            "write_system",
            id=row.id,
            name=row.name,
            manufacturerId=row.manufacturer_id,
            serviceArea=row.service_area,
            source=who.source,
        )
        element, after = await _state(tx, "System", id=row.id)
        after = await _record(tx, who, "upsertSystem", "System", row.id, [], before, after, element)
    assert after is not None
    return after


async def upsert_service_area(db: Database, who: Principal, row: ServiceAreaRow) -> Row:
    _require_admin(who, "upsertServiceArea")
    async with db.transaction() as tx:
        _, before = await _state(tx, "ServiceArea", name=row.name)
        await tx.run("write_service_area", name=row.name, kind=row.kind)
        element, after = await _state(tx, "ServiceArea", name=row.name)
        after = await _record(tx, who, "upsertServiceArea", "ServiceArea", row.name, [], before, after, element)
    assert after is not None
    return after


async def merge_suppliers(db: Database, who: Principal, keep: str, remove: str) -> Row:
    """`remove` folded into `keep`. Merging a supplier that is already gone (a repeat) changes nothing and
    returns `keep`."""
    _require_admin(who, "mergeSuppliers")
    if keep == remove:
        raise WriteError("BAD_USER_INPUT", "remove: a supplier cannot be merged into itself", "remove")
    async with db.transaction() as tx:
        element, kept = await _state(tx, "Supplier", id=keep)
        if kept is None:
            raise WriteError("BAD_USER_INPUT", f"keep: there is no supplier {json.dumps(keep)}", "keep")
        _, gone = await _state(tx, "Supplier", id=remove)
        if gone is None and remove not in (kept.get("mergedIds") or []):
            raise WriteError("BAD_USER_INPUT", f"remove: there is no supplier {json.dumps(remove)}", "remove")
        if gone is not None:
            await tx.run("write_merge_suppliers", keep=keep, remove=remove)
        _, after = await _state(tx, "Supplier", id=keep)
        # The log shows the supplier merged away as a field of `keep` that the merge removed.
        before = kept if gone is None else {**kept, f"merged {remove}": gone}
        after = await _record(tx, who, "mergeSuppliers", "Supplier", keep, [], before, after, element)
    assert after is not None
    return after


async def changes(db: Database, since: dt.datetime | None, borough: str | None, limit: int) -> list[Change]:
    rows = await db.read("changes", since=since, borough=borough, limit=limit)
    return [Change.of(row["item"]) for row in rows]
