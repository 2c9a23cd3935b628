"""Export every contact to JSON Lines, resumable: the cursor is saved after every page.

    INTERCOM_TOKEN=... uv run python examples/export_contacts.py contacts.jsonl
    uv run python examples/export_contacts.py contacts.jsonl --fake

Run it again after an interruption and it continues where it stopped. (The `intercom-async
export` command does the same with progress bars.)
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import msgspec

from intercom_async import Intercom


async def export(client: Intercom, target: Path) -> int:
    """Append every contact not yet exported to ``target``; returns how many were written."""
    cursor_file = target.with_suffix(".cursor")
    cursor = cursor_file.read_text() or None if cursor_file.exists() else None
    encoder = msgspec.json.Encoder()
    written = 0
    stream = client.contacts.list(per_page=150, cursor=cursor).as_dicts()
    with target.open("ab") as out:
        async for page in stream.pages():
            out.write(b"".join(encoder.encode(item) + b"\n" for item in page.items))
            out.flush()
            written += len(page.items)
            # Whole pages only: the cursor of the page after the one just written.
            cursor_file.write_text(str(page.next_cursor or ""))
    cursor_file.unlink(missing_ok=True)
    return written


async def main(target: Path, fake: bool) -> None:
    if fake:
        from intercom_async.testing import FakeIntercom

        async with FakeIntercom() as server, server.seed(contacts=2_000).client() as client:
            print(f"exported {await export(client, target)} contacts to {target}")
        return
    async with Intercom() as client:
        print(f"exported {await export(client, target)} contacts to {target}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("target", type=Path)
    parser.add_argument("--fake", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.target, arguments.fake))
