"""Parser and validation caches bounded by entries and by (estimated) bytes.

strawberry's ParserCache/ValidationCache are functools.lru_cache keyed on the whole query: 128 entries of
any size, so 128 distinct 4 MB queries pinned about a gigabyte. Here a document is cached only when its text
is at most MAX_CACHED_QUERY_CHARS, and each cache holds at most MAX_ENTRIES documents whose estimated memory
adds up to at most MAX_BYTES. The estimate counts the text and every token: a parsed document keeps its whole
token chain (each node's location points into it), about 600 bytes a token in Python 3.11 (measured with
tracemalloc on a query of 200,000 tokens), so a small dense query can cost far more than its text.
"""

import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_CACHED_QUERY_CHARS = 64 * 1024
MAX_ENTRIES = 1000
MAX_BYTES = 32 * 1024 * 1024
BYTES_PER_TOKEN = 640


@dataclass(frozen=True)
class _Entry:
    value: Any
    cost: int


class BoundedCache:
    """A least-recently-used map holding at most `max_entries` items whose costs sum to at most `max_bytes`."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries = max_entries
        self._items: LRUCache[Hashable, _Entry] = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry.cost)
        self._lock = threading.Lock()  # strawberry's sync execution may run in several threads
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any], cost: Callable[[Any], int]) -> Any:
        """The cached value of `key`, or `compute()`, kept when `cost(value)` fits the byte bound."""
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self.hits += 1
                return entry.value
            self.misses += 1
        value = compute()  # outside the lock: parsing a large document must not stall other requests
        size = cost(value)
        with self._lock:
            if size <= self._items.maxsize and key not in self._items:
                while len(self._items) >= self.max_entries:
                    self._items.popitem()
                self._items[key] = _Entry(value, size)
        return value

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._items.keys())

    @property
    def entries(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        return int(self._items.currsize)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


PARSE_CACHE = BoundedCache()
VALIDATION_CACHE = BoundedCache()


def cacheable(query: str) -> bool:
    return len(query) <= MAX_CACHED_QUERY_CHARS


def document_cost(query: str, document: DocumentNode | None) -> int:
    """Estimated bytes a parsed `document` of `query` keeps alive: its text and its token chain."""
    tokens = 0
    token = document.loc.start_token if document is not None and document.loc is not None else None
    while token is not None:
        tokens += 1
        token = token.next
    return len(query) + BYTES_PER_TOKEN * tokens


def _options_key(options: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(options.items()))


class BoundedParserCache(SchemaExtension):
    """Replaces strawberry's ParserCache; a document too large to cache is left to strawberry to parse."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query, options = context.query, context.parse_options
        if query is not None and cacheable(query):
            context.graphql_document = PARSE_CACHE.get_or_compute(
                (query, _options_key(options)),
                lambda: parse(query, **options),
                lambda document: document_cost(query, document),
            )
        yield


class BoundedValidationCache(SchemaExtension):
    """Replaces strawberry's ValidationCache. Keyed on the query text, not on the document (hashing a
    document walks all of it); a document too large to cache is left to strawberry to validate."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query, document = context.query, context.graphql_document
        if query is None or document is None or not cacheable(query):
            yield
            return
        graphql_schema, rules = context.schema._schema, context.validation_rules
        key = (graphql_schema, query, _options_key(context.parse_options), tuple(rules))
        # Errors point at nodes of the document, and so keep all of it alive; no errors keep nothing.
        context.pre_execution_errors = VALIDATION_CACHE.get_or_compute(
            key,
            lambda: validate_document(graphql_schema, document, rules),
            lambda errors: document_cost(query, document) if errors else len(query),
        )
        yield
