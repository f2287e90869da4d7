"""search(text, kinds, first): arguments checked, then one statement on the full-text index."""

from collections.abc import Sequence

from citygraph.graph.records import EntityKind
from citygraph.graph.search import MAX_TEXT, MAX_WORDS, SearchHit, lucene_query, words
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError

DEFAULT_FIRST = 10
# With some kinds only, the index is read this far (best hits first) before other kinds' hits are dropped:
# bounded work however many entities match, at the price of missing a wanted kind's hits that rank below
# this many hits of other kinds (only for the vaguest words).
SCAN_SOME_KINDS = 5_000


async def search(ctx: Context, text: str, kinds: Sequence[EntityKind] | None, first: int | None) -> list[SearchHit]:
    cap = ctx.settings.max_page_size
    first = DEFAULT_FIRST if first is None else first
    if first < 1 or first > cap:
        raise InputError(f'Argument "first" must be between 1 and {cap}, got {first}.')
    if len(text) > MAX_TEXT:
        raise InputError(f'Argument "text" must be at most {MAX_TEXT} characters, got {len(text)}.')
    found = words(text)
    if not found:
        raise InputError(f'Argument "text" must contain at least one word to search for (letters or digits), got {text!r}.')
    if len(found) > MAX_WORDS:
        raise InputError(f'Argument "text" must have at most {MAX_WORDS} words, got {len(found)}.')
    if kinds is not None and not kinds:
        raise InputError('Argument "kinds" must name at least one kind, or be left out for all kinds.')
    wanted = list(dict.fromkeys(kind.value for kind in (kinds or list(EntityKind))))
    scan = first if len(wanted) == len(EntityKind) else SCAN_SOME_KINDS
    rows = await ctx.db.read("search", lucene=lucene_query(found), kinds=wanted, limit=first, scan=scan)
    return [SearchHit.of(row["item"]) for row in rows]
