"""Full-text search over the entities: the user's words become a Lucene query made only of plain terms,
so nothing a user types can be read as Lucene syntax (no parse errors, no field or range queries)."""

import re
from dataclasses import dataclass
from typing import Any

from citygraph.graph.records import EntityKind

# Letters and digits only: every Lucene operator (+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /) is a separator.
WORD = re.compile(r"[^\W_]+")
MAX_TEXT = 200
MAX_WORDS = 8


@dataclass(slots=True)
class SearchHit:
    kind: EntityKind
    id: str
    label: str
    score: float

    @classmethod
    def of(cls, row: dict[str, Any]) -> "SearchHit":
        return cls(EntityKind(row["kind"]), row["id"], row["label"] or "", float(row["score"]))


OPERATORS = {"AND", "OR", "NOT"}


def words(text: str) -> list[str]:
    """The words to look for; Lucene's operator words typed in capitals are taken as the syntax they are."""
    return [word.lower() for word in WORD.findall(text) if word not in OPERATORS]


def _term(word: str) -> str:
    """One word: exact (boosted most), as a prefix ("ido" finds Idox), and with typos allowed for longer words."""
    clauses = [f"{word}^4", f"{word}*^2"]
    if len(word) >= 4:
        clauses.append(f"{word}~{1 if len(word) < 7 else 2}")
    return "(" + " OR ".join(clauses) + ")"


def lucene_query(items: list[str]) -> str:
    """Every word must match (in one of its forms). Lowercase words cannot be the operators AND/OR/NOT."""
    return " AND ".join(_term(word) for word in items)
