"""Where an export writes: never over an existing file until it succeeds.

``--out FILE`` is written as ``FILE.partial`` beside it and renamed over ``FILE`` only when the
export is complete, so a failed or interrupted export leaves the old ``FILE`` as it was. A
resumed export truncates the partial file to the last checkpoint's byte count and appends.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

import msgspec

from ._ui import CliError


def output_format(out: Path | None, chosen: str | None) -> str:
    """``--format``, else from the file's extension (``.csv``), else JSON Lines."""
    if chosen is not None:
        return chosen
    if out is not None and out.suffix.lower() == ".csv":
        return "csv"
    return "jsonl"


def partial_path(out: Path) -> Path:
    return out.with_name(out.name + ".partial")


class Output:
    """JSON Lines or CSV to a partial file (or standard output), with a byte count to resume
    from."""

    def __init__(
        self,
        out: Path | None,
        kind: str,
        resume_at: int | None,
        columns: list[str] | None = None,
    ) -> None:
        self.final = out
        self.kind = kind
        self.path = partial_path(out) if out is not None else None
        self.file: IO[str]
        if self.path is None:
            self.file = sys.stdout
        else:
            self.file = _open(self.path, resume_at)
        fresh = resume_at is None or resume_at == 0
        self.csv = _CsvWriter(self.file, write_header=fresh) if kind == "csv" else None
        if self.csv is not None and not fresh:
            self.csv.columns = columns  # the header already written
        self.encoder = msgspec.json.Encoder()

    def write(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            if self.csv is not None:
                self.csv.write(item)
            else:
                self.file.write(self.encoder.encode(item).decode() + "\n")
        self.file.flush()

    @property
    def columns(self) -> list[str] | None:
        return self.csv.columns if self.csv is not None else None

    def offset(self) -> int:
        return self.file.tell() if self.path is not None else 0

    def sync(self) -> None:
        """On disk up to ``offset()`` (a checkpoint may now point there)."""
        self.file.flush()
        if self.path is not None:
            os.fsync(self.file.fileno())

    def complete(self) -> None:
        """Rename the finished partial file over ``--out``."""
        self.sync()
        if self.path is not None and self.final is not None:
            self.file.close()
            try:
                os.replace(self.path, self.final)
            except OSError as error:
                raise CliError(f"cannot write {self.final}: {error.strerror}", 2) from None

    def close(self) -> None:
        if self.path is not None and not self.file.closed:
            self.file.close()


def _open(path: Path, resume_at: int | None) -> IO[str]:
    try:
        if resume_at is None:
            return path.open("w", newline="", encoding="utf-8")
        if not path.exists():
            raise CliError(f"cannot resume: {path} is gone (remove the state's run to restart)")
        handle = path.open("r+", newline="", encoding="utf-8")
        handle.truncate(resume_at)
        handle.seek(resume_at)
        return handle
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}", exit_code=2) from None


class _CsvWriter:
    """Top-level fields as columns (nested values as JSON); fields not in the first row go to
    an `_extra` column, so nothing is dropped."""

    def __init__(self, out: IO[str], write_header: bool) -> None:
        self.out = out
        self.write_header = write_header
        self.columns: list[str] | None = None
        self.writer = csv.writer(out)

    def write(self, item: dict[str, Any]) -> None:
        if self.columns is None:
            self.columns = list(item)
            if self.write_header:
                self.writer.writerow([*self.columns, "_extra"])
        row = [_cell(item.get(column)) for column in self.columns]
        extra = {k: v for k, v in item.items() if k not in self.columns}
        row.append(json.dumps(extra) if extra else "")
        self.writer.writerow(row)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
