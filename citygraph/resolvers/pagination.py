"""Cursor pagination: `first`/`after` in, a Page out. Cursors are opaque (base64 of a position)."""

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import TypeVar

from citygraph.graph.records import Edge, Page, PageInfo
from citygraph.resolvers.errors import InputError

T = TypeVar("T")
PREFIX = "citygraph:"


def encode_cursor(position: int) -> str:
    return base64.b64encode(f"{PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(PREFIX):
            raise ValueError
        position = int(text.removeprefix(PREFIX))
        if position < 0:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InputError(
            f'Argument "after" is not a cursor this API issued: {cursor!r}. '
            "Pass an endCursor or edge cursor from a previous page."
        ) from None
    return position


DEFAULT_FIRST = 50


def window(first: int | None, after: str | None, cap: int) -> tuple[int, int]:
    """(offset, first) for a page request, validated; an explicit null `first` means the default."""
    if first is None:
        first = min(DEFAULT_FIRST, cap)
    if first < 0 or first > cap:
        raise InputError(f'Argument "first" must be between 0 and {cap}, got {first}.')
    offset = 0 if after is None else decode_cursor(after) + 1
    return offset, first


def page(items: list[T], offset: int, first: int, total: Callable[[], Awaitable[int]]) -> Page[T]:
    """`items` were fetched with limit first+1: the extra one only says whether there is a next page."""
    shown = items[:first]
    edges = [Edge(encode_cursor(offset + i), item) for i, item in enumerate(shown)]
    return Page(edges, PageInfo(len(items) > first, edges[-1].cursor if edges else None), total)
