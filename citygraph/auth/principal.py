"""A caller of the API and what its role allows. The one place where roles are compared."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"  # public facts only (when CITYGRAPH_PUBLIC_READ is on)
    MEMBER = "member"  # any signed-in council: also members-only facts (satisfaction, skill levels)
    EDITOR = "editor"  # member + writes for its own borough(s)
    ADMIN = "admin"  # everything: any borough, reference data, keys, merges, the change log


@dataclass(frozen=True)
class Principal:
    name: str  # the API key's name or the token's subject; "" for anonymous callers
    role: Role
    boroughs: frozenset[str] = field(default_factory=frozenset)  # GSS codes an editor may change

    @property
    def signed_in(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def sees_members_only(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def may_edit(self, borough_code: str) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.EDITOR and borough_code in self.boroughs)

    @property
    def source(self) -> str:
        """What writes record as their `source`: `api:<principal>`."""
        return f"api:{self.name}"

    @property
    def read_scope(self) -> str:
        """Callers with the same read scope get the same answer to the same read: part of the response
        cache key. Editors read what members read; only admins read the change log."""
        if self.role is Role.ANONYMOUS:
            return "public"
        return "admin" if self.role is Role.ADMIN else "members"


ANONYMOUS = Principal(name="", role=Role.ANONYMOUS)
