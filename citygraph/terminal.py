"""Live progress of long CLI work (`citygraph load`, `citygraph demo`) with rich.progress: one bar per file
checked and per kind of row written, with count, rate and time left. Only on a terminal; in pipes and logs nothing is drawn."""

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.text import Text
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

ImportProgress = Callable[[str, int, int], None]  # (kind, rows done, rows of that kind), as importer.Progress


class RowsPerSecond(TransferSpeedColumn):
    """TransferSpeedColumn speaks bytes; rows are counted."""

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return Text("– rows/s" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")


@contextlib.contextmanager
def import_progress(verb: str = "loading") -> Iterator[ImportProgress | None]:
    """Yields the importer's progress callback, or None when stderr is not a terminal."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    tasks: dict[str, TaskID] = {}
    columns = (
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bars:

        def update(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                # The validator counts rows per file ("contracts.csv"), the writer per kind ("contracts").
                what = f"checking {kind}" if kind.endswith(".csv") else f"{verb} {kind}"
                tasks[kind] = bars.add_task(what, total=total)
            bars.update(tasks[kind], completed=done)

        yield update
