"""FakeIntercom never reuses an id (issue 14): create two, delete the first, create a third."""

from __future__ import annotations

from typing import Any

import pytest

from intercom_async.testing import FakeIntercom

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")


async def test_ticket_ids_are_not_reused_after_a_delete() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=3)
        contact = next(iter(fake.store.contacts))
        async with fake.client() as client:
            kind = await client.ticket_types.create(name="Bug")

            async def ticket() -> Any:
                return await client.tickets.create(
                    ticket_type_id=str(kind.id), contacts=[{"id": contact}]
                )

            first, second = await ticket(), await ticket()
            await client.tickets.delete(str(first.id))
            third = await ticket()
            assert len({first.id, second.id, third.id}) == 3
            assert len({first.ticket_id, second.ticket_id, third.ticket_id}) == 3
            assert (await client.tickets.get(str(second.id))).id == second.id


async def test_conversation_and_article_ids_are_not_reused_after_a_delete() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=3, conversations=2)
        contact = next(iter(fake.store.contacts))
        admin = next(iter(fake.store.admins))
        async with fake.client() as client:

            async def conversation() -> str:
                made = await client.conversations.create(
                    from_={"type": "user", "id": contact}, body="hello"
                )
                return str(made.conversation_id or made.id)

            first, second = await conversation(), await conversation()
            await client.conversations.delete(first)
            assert await conversation() not in {first, second}

            async def article() -> str:
                made = await client.articles.create(title="T", author_id=int(admin))
                return str(made.id)

            first, second = await article(), await article()
            await client.articles.delete(first)
            assert await article() not in {first, second}


async def test_tag_and_generic_record_ids_are_not_reused_after_a_delete() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        first = await client.tags.create(name="one")
        await client.tags.delete(str(first.id))
        second = await client.tags.create(name="two")
        assert second.id != first.id
        made = await client.news.items.create(title="a", sender_id=100, state="draft")
        await client.news.items.delete(str(made.id))
        again = await client.news.items.create(title="b", sender_id=100, state="draft")
        assert again.id != made.id
        assert (await client.news.items.get(str(again.id))).title == "b"
