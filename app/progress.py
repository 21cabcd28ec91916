"""A progress bar for commands that work through files (`import-835`), drawn with rich.

Only on a terminal: when the error stream is not a TTY (a pipe, a log, a test) or the output is
machine-read (`--json`), nothing extra is written. The bar counts bytes, so one large file
moves it as much as many small ones; the line says which file and step is under way. While it
is drawn, lines for the terminal go above it; lines for a pipe go straight to the pipe.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class FileProgress:
    """`with FileProgress(paths, err, enabled=...) as progress:` then, per file,
    `progress.step(path, "parsing")` … `progress.done(path)`; `progress.say(line, stream)`
    prints a line without tearing the bar."""

    def __init__(self, paths: Sequence[str], err: TextIO, *, enabled: bool) -> None:
        self.paths = list(paths)
        self.sizes = {path: _size(path) for path in self.paths}
        self.finished = 0
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        if enabled and _is_terminal(err):
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TextColumn("{task.fields[files]}", markup=False),
                TimeElapsedColumn(),
                console=Console(file=err),
                transient=True,
            )

    def __enter__(self) -> FileProgress:
        if self.progress is not None:
            self.progress.start()
            total = sum(self.sizes.values()) or len(self.paths) or 1
            self.task = self.progress.add_task("", total=total, files=self._files())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()

    def step(self, path: str, what: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=f"{what} {os.path.basename(path)}")

    def done(self, path: str) -> None:
        self.finished += 1
        if self.progress is not None:
            # Empty files count one byte each when every file is empty (total = file count).
            weight = self.sizes[path] or (0 if any(self.sizes.values()) else 1)
            self.progress.update(self.task, advance=weight, files=self._files())

    def say(self, line: str, stream: TextIO) -> None:
        if self.progress is not None and _is_terminal(stream):
            console = self.progress.console
            console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        else:
            print(line, file=stream)

    def _files(self) -> str:
        return f"{self.finished}/{len(self.paths)} files"


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reader reports it


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
