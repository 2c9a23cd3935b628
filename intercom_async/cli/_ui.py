"""Terminal output for the CLI: rich progress bars and tables when the `cli` extra is installed,
plain lines when it is not, and one-line errors."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import IO, Any


class CliError(Exception):
    """An expected failure: printed as one line, exit code ``exit_code``, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(message: str, exit_code: int) -> int:
    print(f"intercom-async: error: {message}", file=sys.stderr)
    return exit_code


def non_negative(text: str) -> int:
    """An argparse type: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def page_size(text: str) -> int:
    """An argparse type: a page size Intercom accepts (1 to 150)."""
    value = non_negative(text)
    if not 1 <= value <= 150:
        raise argparse.ArgumentTypeError(f"must be between 1 and 150, got {value}")
    return value


def _rich() -> Any | None:
    try:
        import rich.console
        import rich.progress
        import rich.table
    except ImportError:
        return None
    return rich


_MARKUP = re.compile(r"\[/?[a-z ]*\]")


class PlainConsole:
    """What the CLI prints without rich: the same text, markup removed."""

    is_terminal = False

    def __init__(self, file: IO[str]) -> None:
        self.file = file

    def print(self, *objects: object) -> None:
        print(_MARKUP.sub("", " ".join(str(o) for o in objects)), file=self.file, flush=True)


def console(*, stderr: bool = False) -> Any:
    rich = _rich()
    if rich is None:
        return PlainConsole(sys.stderr if stderr else sys.stdout)
    made = rich.console.Console(stderr=stderr)
    return made if made.is_terminal else rich.console.Console(stderr=stderr, width=100)


class PlainProgress:
    """Progress as a line per task at most once a second, and each task's last state at exit."""

    def __init__(self, out: PlainConsole, every: float = 1.0) -> None:
        self.out = out
        self.every = every
        self.tasks: list[dict[str, Any]] = []

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for task in self.tasks:
            if not task["shown"]:
                self._show(task)

    def add_task(self, description: str, total: int | None = None, note: str = "") -> int:
        self.tasks.append(
            {"description": description, "total": total, "completed": 0, "note": note}
            | {"shown": False, "at": float("-inf")}
        )
        return len(self.tasks) - 1

    def update(
        self,
        task_id: int,
        *,
        completed: int | None = None,
        total: int | None = None,
        note: str | None = None,
    ) -> None:
        task = self.tasks[task_id]
        for name, value in (("completed", completed), ("total", total), ("note", note)):
            if value is not None:
                task[name] = value
        task["shown"] = False
        if time.monotonic() - task["at"] >= self.every:
            self._show(task)

    def advance(self, task_id: int, amount: int = 1) -> None:
        self.update(task_id, completed=self.tasks[task_id]["completed"] + amount)

    def _show(self, task: dict[str, Any]) -> None:
        total = f"/{task['total']:,}" if task["total"] is not None else ""
        note = f" ({task['note']})" if task["note"] else ""
        self.out.print(f"{task['description']}: {task['completed']:,}{total}{note}")
        task["shown"], task["at"] = True, time.monotonic()


def progress_bar(out: Any) -> Any:
    rich = _rich()
    if rich is None or isinstance(out, PlainConsole):
        return PlainProgress(out if isinstance(out, PlainConsole) else PlainConsole(sys.stderr))
    columns = rich.progress
    return columns.Progress(
        columns.TextColumn("[bold]{task.description:<28}"),
        columns.BarColumn(),
        columns.MofNCompleteColumn(),
        columns.TextColumn("{task.fields[note]}"),
        columns.TimeElapsedColumn(),
        console=out,
        transient=False,
    )


def table(out: Any, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table: rich's, or aligned plain text."""
    rich = _rich()
    if rich is None or isinstance(out, PlainConsole):
        widths = [
            max(len(_MARKUP.sub("", str(cell))) for cell in column)
            for column in zip(columns, *rows, strict=False)
        ]
        out.print(title)
        for row in (columns, *rows):
            cells = [_MARKUP.sub("", str(cell)) for cell in row]
            padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            out.print("  ".join(padded))
        return
    made = rich.table.Table(title=title)
    for index, column in enumerate(columns):
        made.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        made.add_row(*row)
    out.print(made)
