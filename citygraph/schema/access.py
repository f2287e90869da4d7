"""`MembersOnly`: the permission every members-only field carries (citygraph/resolvers/access.py decides).

An anonymous caller gets null for the field and an error with code SIGN_IN_REQUIRED at its path; the
resolver (and its database read) never runs. The SDL marks such fields `@MembersOnly`."""

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from citygraph.resolvers.access import require_members_only


class MembersOnly(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        require_members_only(info.context, f"{info.path.typename}.{info.field_name}")
        return True


def members_only() -> list[PermissionExtension]:
    """For `strawberry.field(extensions=members_only())`."""
    return [PermissionExtension([MembersOnly()])]
