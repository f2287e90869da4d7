"""Members-only facts: the one check that decides whether this caller may see them (docs/signin.md).

City Tools: London promised its member councils that their ratings of their vendors (satisfaction) and of
their own IT skills (levels) stay among members. Every field, argument and analytic that shows or is computed
from them calls `require_members_only` (the schema does it through its `MembersOnly` permission)."""

from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError

SIGN_IN_REQUIRED = "SIGN_IN_REQUIRED"


class SignInRequired(InputError):
    """A members-only fact asked for without sign-in. An InputError: shown to the caller as it is, logged
    without a traceback."""

    def __init__(self, what: str):
        super().__init__(
            f"{what} is for member councils only: sign in (Authorization: Bearer <API key or token>) to see it."
        )
        self.extensions = {"code": SIGN_IN_REQUIRED}  # graphql-core copies these into the error


def require_members_only(ctx: Context, what: str) -> None:
    """Raises SignInRequired unless the caller may see members-only facts; `what` names the field or argument."""
    if not ctx.principal.sees_members_only:
        raise SignInRequired(what)
