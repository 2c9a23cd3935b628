"""Terminal output for the CLI: progress bars (rich, the `cli` extra) and one-line errors."""

from __future__ import annotations

import sys
from typing import Any


class CliError(Exception):
    """An expected failure: printed as one line, exit code ``exit_code``, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(message: str, exit_code: int) -> int:
    print(f"intercom-async: error: {message}", file=sys.stderr)
    return exit_code


def rich_modules() -> Any:
    try:
        import rich.console
        import rich.progress
        import rich.table
    except ImportError:
        raise CliError(
            "progress output needs rich: pip install 'intercom-async[cli]'", exit_code=2
        ) from None
    return rich


def progress_bar(console: Any) -> Any:
    rich = rich_modules()
    columns = rich.progress
    return columns.Progress(
        columns.TextColumn("[bold]{task.description:<28}"),
        columns.BarColumn(),
        columns.MofNCompleteColumn(),
        columns.TextColumn("{task.fields[note]}"),
        columns.TimeElapsedColumn(),
        console=console,
        transient=False,
    )
