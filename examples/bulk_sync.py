"""A bulk sync job: mirror every contact into a local store, then push a field back.

INTERCOM_TOKEN=... uv run python examples/bulk_sync.py
uv run python examples/bulk_sync.py --fake        # against the bundled FakeIntercom
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from intercom_async import Intercom
from intercom_async.bulk import bulk_map


async def sync(client: Intercom, store: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Stream every contact into ``store``; mark enterprise contacts as synced in Intercom."""
    async for contact in client.contacts.list(per_page=150):
        store[str(contact.id)] = {
            "email": contact.email,
            "plan": (contact.custom_attributes or {}).get("plan"),
        }
    enterprise = [cid for cid, row in store.items() if row["plan"] == "enterprise"]
    failed = 0
    async for outcome in bulk_map(
        lambda cid: client.contacts.update(cid, custom_attributes={"synced": True}), enterprise
    ):
        failed += not outcome.ok
    return {"mirrored": len(store), "marked": len(enterprise) - failed, "failed": failed}


async def main(fake: bool) -> None:
    store: dict[str, dict[str, Any]] = {}
    if fake:
        from intercom_async.testing import FakeIntercom

        async with FakeIntercom() as server, server.seed(contacts=5_000).client() as client:
            print(await sync(client, store))
        return
    async with Intercom() as client:
        print(await sync(client, store))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--fake", action="store_true")
    asyncio.run(main(parser.parse_args().fake))
