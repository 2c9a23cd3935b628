"""The sync state file: per resource, the high-water mark of the last completed run and the
records it emitted near that mark; and the checkpoint of a run in progress. Written
atomically (a temporary file beside it, flushed to disk, then renamed over it), so a crash or
a kill at any moment leaves either the old state or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ..errors import ConfigurationError

FORMAT = 1


class ResourceState(msgspec.Struct, kw_only=True):
    """What the next incremental run of one resource starts from."""

    high_water: int
    """The moment (UNIX seconds) the last completed run started: it read everything changed
    before it."""
    recent: dict[str, int] = msgspec.field(default_factory=dict)
    """id -> updated_at of records emitted near ``high_water`` (what the next run's overlap
    returns again): those are not emitted again unless they changed."""


class RunCheckpoint(msgspec.Struct, kw_only=True):
    """A run in progress: what it reads and how far each partition got."""

    resource: str
    started_at: int
    since: int | None
    partitions: list[dict[str, Any]]
    cursors: dict[str, str | int | None] = msgspec.field(default_factory=dict)
    """Partition key -> the cursor after its last consumed page (absent: not started)."""
    finished: list[str] = msgspec.field(default_factory=list)
    emitted: int = 0
    recent: dict[str, int] = msgspec.field(default_factory=dict)
    output: dict[str, Any] = msgspec.field(default_factory=dict)
    """Where the run writes and how many bytes of it are whole (the CLI's)."""


class StateFile(msgspec.Struct, kw_only=True):
    format: int = FORMAT
    resources: dict[str, ResourceState] = msgspec.field(default_factory=dict)
    run: RunCheckpoint | None = None


@dataclass
class SyncState:
    """A state file on disk (``path``), loaded; ``save()`` replaces it atomically."""

    path: Path
    data: StateFile = field(default_factory=StateFile)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SyncState:
        """The state at ``path``, or an empty one when the file does not exist yet."""
        where = Path(path)
        try:
            raw = where.read_bytes()
        except FileNotFoundError:
            return cls(where)
        except OSError as error:
            raise ConfigurationError(
                f"cannot read the state file {where}: {error.strerror}"
            ) from None
        try:
            data = msgspec.json.decode(raw, type=StateFile)
        except msgspec.DecodeError as error:
            raise ConfigurationError(
                f"the state file {where} is not a sync state: {error}"
            ) from None
        if data.format != FORMAT:
            raise ConfigurationError(f"the state file {where} has format {data.format}")
        return cls(where, data)

    def save(self) -> None:
        write_atomically(self.path, msgspec.json.encode(self.data))


def write_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content``: whole or not at all, even across a power cut."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ConfigurationError(f"cannot write the state file {path}: {error.strerror}") from None
    # The rename itself reaches the disk with the directory's entry.
    with contextlib.suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
