"""Query.search: ranked, typo-tolerant, prefix-friendly full-text search over the entities."""

import strawberry
from strawberry.types import Info

from citygraph.resolvers import search as resolvers
from citygraph.resolvers.context import Context
from citygraph.schema.types import EntityKind

Ctx = Info[Context, None]


@strawberry.type(description="One entity found by `search`; `id` is its key (borough code, supplier id, skill name …).")
class SearchHit:
    kind: EntityKind
    id: strawberry.ID
    label: str
    score: float = strawberry.field(description="Lucene relevance; higher is better, comparable within one answer.")


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Entities whose name, title, code or id match every word of `text` exactly, as a prefix or "
        "with a typo; best first. `kinds` limits the kinds (default: all). `first`: 1..100, default 10."
    )
    async def search(
        self, info: Ctx, text: str, kinds: list[EntityKind] | None = None, first: int | None = 10
    ) -> list[SearchHit]:
        return await resolvers.search(info.context, text, kinds, first)  # type: ignore[return-value]
