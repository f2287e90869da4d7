"""The domain: plain typed records read from the graph. GraphQL types in `schema/` describe these."""

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from citygraph.graph.filters import SortKey, Where


class Region(Enum):
    INNER_LONDON = "INNER_LONDON"
    OUTER_LONDON = "OUTER_LONDON"
    OTHER = "OTHER"


class Hosting(Enum):
    ON_PREMISES = "ON_PREMISES"
    CLOUD = "CLOUD"
    SAAS = "SAAS"
    HYBRID = "HYBRID"
    UNKNOWN = "UNKNOWN"


class ServiceKind(Enum):
    FRONTLINE = "FRONTLINE"
    CORPORATE = "CORPORATE"


class ConcentrationMeasure(Enum):
    CONTRACT_COUNT = "CONTRACT_COUNT"
    CONTRACT_VALUE = "CONTRACT_VALUE"


class EntityKind(Enum):
    BOROUGH = "BOROUGH"
    SUPPLIER = "SUPPLIER"
    SYSTEM = "SYSTEM"
    CONTRACT = "CONTRACT"
    SKILL = "SKILL"
    SERVICE_AREA = "SERVICE_AREA"
    PARTNERSHIP = "PARTNERSHIP"


@dataclass(slots=True)
class Borough:
    code: str
    name: str
    region: Region

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Borough":
        return cls(row["code"], row["name"], Region(row["region"]))


@dataclass(slots=True)
class Partnership:
    name: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Partnership":
        return cls(row["name"])


@dataclass(slots=True)
class ServiceArea:
    name: str
    kind: ServiceKind

    @classmethod
    def of(cls, row: dict[str, Any]) -> "ServiceArea":
        return cls(row["name"], ServiceKind(row["kind"]))


@dataclass(slots=True)
class Provenance:
    """Where a node or relationship came from (`source`), and, for inferred facts, how it was derived and
    how far to trust it (docs/real-data.md)."""

    source: str | None
    method: str | None
    confidence: str | None
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Provenance":
        return cls(row.get("source"), row.get("method"), row.get("confidence"), row.get("updatedAt"))


@dataclass(slots=True)
class CompanyFacts:
    """A supplier's entry in Companies House basic company data (`citygraph enrich-companies`)."""

    status: str | None
    account_category: str | None
    sic_codes: list[str]
    sic_descriptions: list[str]
    source: str
    as_of: dt.date

    @classmethod
    def of(cls, row: dict[str, Any]) -> "CompanyFacts":
        return cls(
            row.get("companyStatus"),
            row.get("accountCategory"),
            row.get("sicCodes") or [],
            row.get("sicDescriptions") or [],
            row["companiesHouseSource"],
            row["companiesHouseDate"],
        )


@dataclass(slots=True)
class Supplier:
    id: str
    name: str
    sme: bool
    company_number: str | None
    vcse: bool | None = None  # as a contracts register says (graph/register.py); None when none does

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Supplier":
        return cls(row["id"], row["name"], bool(row.get("sme")), row.get("companyNumber"), row.get("vcse"))


@dataclass(slots=True)
class System:
    """A product. Its service area and manufacturer (one each) come with it from the same statement, so
    reading them costs no further round trip."""

    id: str
    name: str
    service_area: ServiceArea
    manufacturer: Supplier

    @classmethod
    def of(cls, row: dict[str, Any]) -> "System":
        return cls(row["id"], row["name"], ServiceArea.of(row["serviceArea"]), Supplier.of(row["manufacturer"]))


@dataclass(slots=True)
class SystemUse:
    borough_code: str
    system_id: str
    since: dt.date | None
    hosting: Hosting
    satisfaction: int | None
    users: int | None
    # Reference data (graph/planning.py) records when its sources saw the use, and a past use its end.
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    until: dt.date | None = None
    evidence_url: str | None = None
    provenance: Provenance | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> "SystemUse":
        provenance = row.get("provenance")
        return cls(
            row["boroughCode"],
            row["systemId"],
            row.get("since"),
            Hosting(row.get("hosting") or "UNKNOWN"),
            row.get("satisfaction"),
            row.get("users"),
            row.get("firstSeen"),
            row.get("lastSeen"),
            row.get("until"),
            row.get("evidenceUrl"),
            None if provenance is None else Provenance.of(provenance),
        )


@dataclass(slots=True)
class Contract:
    id: str
    title: str
    borough_code: str | None
    supplier_id: str | None
    value_gbp: float | None
    start_date: dt.date | None
    end_date: dt.date | None
    max_extension_date: dt.date | None
    source: str
    # What a council's contracts register states (graph/register.py); None where the source does not say.
    reference: str | None = None
    description: str | None = None
    department: str | None = None
    annual_value_gbp: float | None = None
    review_date: dt.date | None = None
    extension_options: str | None = None
    cpv_codes: list[str] | None = None
    proclass: str | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Contract":
        value, annual = row.get("valueGbp"), row.get("annualValueGbp")
        return cls(
            row["id"],
            row["title"],
            row.get("boroughCode"),
            row.get("supplierId"),
            None if value is None else float(value),
            row.get("startDate"),
            row.get("endDate"),
            row.get("maxExtensionDate"),
            row.get("source") or "",
            row.get("reference"),
            row.get("description"),
            row.get("department"),
            None if annual is None else float(annual),
            row.get("reviewDate"),
            row.get("extensionOptions"),
            row.get("cpvCodes"),
            row.get("proclass"),
        )


@dataclass(slots=True)
class Skill:
    name: str
    category: str | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Skill":
        return cls(row["name"], row.get("category"))


@dataclass(slots=True)
class SkillRating:
    borough_code: str
    skill_name: str
    level: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> "SkillRating":
        return cls(row["boroughCode"], row["skillName"], int(row["level"]))


@dataclass(frozen=True, slots=True)
class ContractFilter:
    """ContractWhere: every given condition must hold; None means "any"."""

    borough_code: str | None = None
    supplier_id: str | None = None
    system_id: str | None = None
    service_area: str | None = None
    end_date_from: dt.date | None = None
    end_date_to: dt.date | None = None
    match: Where = Where()  # the v7-style part: AND/OR/NOT, in, ranges (graph/filters.py)
    order: tuple[SortKey, ...] = ()  # `sort`, before the default order

    def params(self) -> dict[str, Any]:
        return {
            "boroughCode": self.borough_code,
            "supplierId": self.supplier_id,
            "systemId": self.system_id,
            "serviceArea": self.service_area,
            "endDateFrom": self.end_date_from,
            "endDateTo": self.end_date_to,
        }


@dataclass(frozen=True, slots=True)
class SupplierFilter:
    name_contains: str | None = None
    sme: bool | None = None
    match: Where = Where()
    order: tuple[SortKey, ...] = ()

    def params(self) -> dict[str, Any]:
        return {"nameContains": self.name_contains, "sme": self.sme}


@dataclass(frozen=True, slots=True)
class SystemFilter:
    name_contains: str | None = None
    service_area: str | None = None
    manufacturer_id: str | None = None
    match: Where = Where()
    order: tuple[SortKey, ...] = ()

    def params(self) -> dict[str, Any]:
        return {"nameContains": self.name_contains, "serviceArea": self.service_area, "manufacturerId": self.manufacturer_id}


T = TypeVar("T")


@dataclass(slots=True)
class Edge(Generic[T]):
    cursor: str
    node: T


@dataclass(slots=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@dataclass(slots=True)
class Aggregate:
    """Of the whole filtered list, computed in the database; the sums and dates only for contracts."""

    count: int
    sum_value_gbp: float | None = None
    min_end_date: dt.date | None = None
    max_end_date: dt.date | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Aggregate":
        total = row.get("sumValueGbp")
        return cls(int(row["count"]), None if total is None else float(total), row.get("minEndDate"), row.get("maxEndDate"))


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of an ordered list, as a connection; `total` counts the whole list, only when called,
    and `aggregate` (when the list has one) computes count, sums and extremes, only when called."""

    edges: list[Edge[T]]
    page_info: PageInfo
    total: Callable[[], Awaitable[int]] = field(repr=False)
    aggregate: Callable[[], Awaitable[Aggregate]] | None = field(default=None, repr=False)
