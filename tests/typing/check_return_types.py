"""Checked by `mypy --strict` in CI (not run by pytest): return values carry their types."""

from __future__ import annotations

from intercom_async import Intercom, models


async def typed_calls(client: Intercom) -> None:
    contact = await client.contacts.get("abc")
    email: str | None = contact.email
    wrong: int = contact.email  # type: ignore[assignment]
    company: models.Company = await client.companies.get("c1")
    name: str | None = company.name
    tags = await client.contacts.list_tags("abc")
    first: models.Tag | None = tags.data[0] if tags.data else None
    await client.contacts.delete("abc")
    raw = await client.with_raw_response(client.contacts.get, "abc")
    same: str | None = raw.parsed.email
    transcript: bytes = await client.data_export.download("job")
    del email, wrong, company, name, first, same, transcript
