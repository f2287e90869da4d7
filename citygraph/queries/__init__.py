"""Every Cypher statement CityGraph runs, one named `.cypher` file each, read once and cached."""

from functools import cache
from importlib.resources import files
from typing import LiteralString, cast


@cache
def cypher(name: str) -> LiteralString:
    """The text of `queries/<name>.cypher`. Statements take their inputs as parameters only."""
    path = files(__package__) / f"{name}.cypher"
    # The files are part of the package, never user input: that is what makes the cast honest.
    return cast(LiteralString, path.read_text(encoding="utf-8"))
