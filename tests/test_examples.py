"""Every script in examples/ runs against FakeIntercom, so the examples cannot rot."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from intercom_async.testing import FakeIntercom

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_quickstart_runs(capsys: Any) -> None:
    await load("quickstart").main()
    output = capsys.readouterr().out
    assert "fetched 120 contacts" in output and "typed error: 404" in output


async def test_aiohttp_handler_answers_from_intercom() -> None:
    example = load("aiohttp_handler")
    async with FakeIntercom() as fake:
        fake.seed(contacts=40)
        contact = next(iter(fake.store.contacts.values()))
        app = example.make_app(fake.client())
        async with TestClient(TestServer(app, host="127.0.0.1")) as http:
            found = await http.get(f"/customers/{contact['email']}")
            assert found.status == 200
            body = await found.json()
            assert body["id"] == contact["id"] and body["name"] == contact["name"]
            missing = await http.get("/customers/nobody@example.com")
            assert missing.status == 404


async def test_bulk_sync_mirrors_and_marks() -> None:
    example = load("bulk_sync")
    async with FakeIntercom() as fake:
        fake.seed(contacts=900)
        store: dict[str, Any] = {}
        async with fake.client() as client:
            result = await example.sync(client, store)
    enterprise = [
        c
        for c in fake.store.contacts.values()
        if c["custom_attributes"].get("plan") == "enterprise"
    ]
    assert result == {"mirrored": 900, "marked": len(enterprise), "failed": 0}
    assert all(c["custom_attributes"].get("synced") is True for c in enterprise)


async def test_export_resumes_after_an_interruption(tmp_path: Path) -> None:
    example = load("export_contacts")
    target = tmp_path / "contacts.jsonl"
    async with FakeIntercom() as fake:
        fake.seed(contacts=700)
        async with fake.client() as client:
            # An earlier run stopped after two pages: its file and cursor are on disk.
            first = client.contacts.list(per_page=150).as_dicts()
            pages = first.pages()
            written = 0
            with target.open("w") as out:
                async for page in pages:
                    out.writelines(json.dumps(item) + "\n" for item in page.items)
                    written += 1
                    if written == 2:
                        target.with_suffix(".cursor").write_text(str(page.next_cursor))
                        break
            await first.aclose()
            assert await example.export(client, target) == 700 - 300
    ids = [json.loads(line)["id"] for line in target.read_text().splitlines()]
    assert len(ids) == 700 == len(set(ids))
    assert not target.with_suffix(".cursor").exists()


async def test_webhook_receiver_verifies_and_dedupes() -> None:
    example = load("webhook_receiver")
    seen: list[tuple[str, Any]] = []

    async def handle(topic: str, item: Any) -> None:
        seen.append((topic, item))

    body = json.dumps(
        {
            "type": "notification_event",
            "id": "notif_1",
            "topic": "contact.user.created",
            "data": {"item": {"type": "contact", "id": "c1"}},
        }
    ).encode()
    signature = "sha1=" + hmac.new(b"secret", body, hashlib.sha1).hexdigest()
    app = example.make_app("secret", handle)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        for _ in range(2):
            response = await http.post(
                "/intercom/webhooks", data=body, headers={"X-Hub-Signature": signature}
            )
            assert response.status == 200
        forged = await http.post(
            "/intercom/webhooks", data=body, headers={"X-Hub-Signature": "sha1=" + "0" * 40}
        )
        assert forged.status == 401
    assert len(seen) == 1 and seen[0][0] == "contact.user.created"
    assert seen[0][1].id == "c1"


async def test_tracing_prints_a_span_per_request(capsys: Any) -> None:
    totals = await load("tracing").main()
    output = capsys.readouterr().out
    assert output.count("span GET /contacts -> 200") == 3
    assert output.count("span GET /contacts/{contact_id} -> 200") == 1
    assert "streamed 300 contacts" in output
    assert totals["http.client.request.duration"] == 4
