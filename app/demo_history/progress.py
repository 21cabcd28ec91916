"""A progress bar on the terminal while the history is written (rich), only when stderr is
one: in logs, pipes and tests nothing is drawn."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Tick = Callable[[int], None]


class Steps:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def step(self, description: str, total: int) -> Tick:
        """A bar for one step; the returned function advances it."""
        if self.progress is None:
            return lambda _: None
        task = self.progress.add_task(description, total=total)
        return lambda count: self.progress.advance(task, count)


@contextmanager
def progress_bar(show: bool | None = None) -> Iterator[Steps]:
    """`show`: None draws when stderr is a terminal."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield Steps(None)
        return
    columns = (
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=sys.stderr), transient=False) as progress:
        yield Steps(progress)
