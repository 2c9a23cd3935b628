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
    first: models.Tag | None = tags.items[0] if tags.items else None
    async for contact_item in client.contacts.list(per_page=150):
        item_email: str | None = contact_item.email
        del item_email
    companies_page = await client.companies.scroll()
    scrolled: list[models.Company] = companies_page.items
    del scrolled
    await client.contacts.delete("abc")
    raw = await client.with_raw_response(client.contacts.get, "abc")
    same: str | None = raw.parsed.email
    transcript: bytes = await client.data_export.download("job")
    del email, wrong, company, name, first, same, transcript


def show(contact: models.Contact) -> str | None:
    return contact.email


async def one_contact_type(client: Intercom) -> None:
    """Every call that answers a contact answers a ``Contact`` (issue 11)."""
    show(await client.contacts.get("abc"))
    show(await client.contacts.update("abc", name="x"))
    show(await client.contacts.create(email="a@example.com"))
    show(await client.contacts.merge(from_="a", into="b"))
    async for listed in client.contacts.list():
        show(listed)
    async for found in client.contacts.search(
        query={"field": "email", "operator": "=", "value": "a"}
    ):
        show(found)


async def precise_without_casts(client: Intercom) -> None:
    """Each method's type comes from its typed operation handle; an ``Any`` would make these
    ignores unused, which ``mypy --strict`` reports."""
    ticket = await client.tickets.get("1")
    not_a_ticket: int = ticket  # type: ignore[assignment]
    article: models.Article = await client.articles.get("1")
    not_an_article: str = await client.articles.get("1")  # type: ignore[assignment]
    news = await client.news.items.get("1")
    not_news: bytes = news  # type: ignore[assignment]
    del not_a_ticket, article, not_an_article, not_news
