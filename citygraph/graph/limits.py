"""What an importer lets through to Neo4j: the limits of docs/importing.md ("Limits"), shared by every
importer so that a value refused in one format is refused in all of them, with the same words."""

MAX_KEY_CHARS = 1_000  # identifiers, names, codes: indexed, and Neo4j refuses index keys over ~8 KB of UTF-8
MAX_TEXT_CHARS = 1_000_000  # long free text (a contract's title): not indexed; a generous bound on one value
MAX_INT = 2**63 - 1  # Neo4j integers are 64-bit signed; floats must be finite (NaN never equals itself)


def shown(text: str, width: int = 40) -> str:
    """repr() of a value for a message, cut short: a message stays one readable line."""
    return repr(text) if len(text) <= width else repr(text[:width]) + f"… ({len(text):,} characters)"
