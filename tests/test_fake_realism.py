"""FakeIntercom behaviours the description leaves out, as Intercom has them (issue 14)."""

from __future__ import annotations

import pytest

from intercom_async import BadRequestError, ConflictError, RateLimitError, RequestOptions
from intercom_async.search import F
from intercom_async.testing import FakeIntercom

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")


async def test_a_duplicate_email_is_found_whatever_its_case() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        first = await client.contacts.create(email="Ada@Example.com", role="user")
        with pytest.raises(ConflictError) as raised:
            await client.contacts.create(email="ada@example.COM", role="user")
    assert str(first.id) in str(raised.value)


async def test_an_invalid_sort_order_is_refused() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        fake.seed(contacts=5)
        with pytest.raises(BadRequestError) as raised:
            await client.contacts.search(
                query=F("role") == "user", sort={"field": "created_at", "order": "sideways"}
            ).to_list()
    assert raised.value.code == "invalid_sort_order"


async def test_search_by_tag_id_finds_the_tagged_contacts_and_conversations() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        fake.seed(contacts=20, conversations=10)
        tag = await client.tags.create(name="vip")
        tagged = list(fake.store.contacts)[:3]
        for contact_id in tagged:
            await client.contacts.attach_tag(contact_id, id=str(tag.id))
        found = await client.contacts.search(query=F("tag_id") == str(tag.id)).to_list()
        assert sorted(str(c.id) for c in found) == sorted(tagged)
        others = await client.contacts.search(query=F("tag_id") != str(tag.id)).to_list()
        assert len(others) == 17
        conversation = next(iter(fake.store.conversations))
        admin = next(iter(fake.store.admins))
        await client.conversations.attach_tag(conversation, id=str(tag.id), admin_id=admin)
        hits = await client.conversations.search(query=F("tag_ids") == str(tag.id)).to_list()
        assert [str(c.id) for c in hits] == [conversation]


async def test_search_delay_hides_fresh_writes_until_it_passes() -> None:
    async with FakeIntercom(search_delay=1.5) as fake, fake.client() as client:
        fake.seed(contacts=10)
        query = F("email") == "new@example.com"
        await client.contacts.create(email="new@example.com", role="user")
        assert await client.contacts.search(query=query).to_list() == []
        assert len(await client.contacts.search(query=F("role") == "user").to_list()) <= 10
        import asyncio

        deadline = asyncio.get_running_loop().time() + 5
        while not await client.contacts.search(query=query).to_list():
            assert asyncio.get_running_loop().time() < deadline, "never became visible"
            await asyncio.sleep(0.2)
        found = await client.contacts.get(
            str((await client.contacts.search(query=query).first()).id)
        )  # type: ignore[union-attr]
        assert found.email == "new@example.com"


async def test_without_search_delay_a_write_is_searchable_at_once() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        await client.contacts.create(email="now@example.com", role="user")
        assert (
            len(await client.contacts.search(query=F("email") == "now@example.com").to_list()) == 1
        )


async def test_an_operation_the_requested_version_lacks_answers_intercom_version_invalid() -> None:
    async with FakeIntercom() as fake:
        fake.seed(conversations=2)
        conversation = next(iter(fake.store.conversations))
        async with fake.client(version="2.12") as client:
            # Dropped in 2.12: refused when asked for under 2.12, answered under 2.11.
            with pytest.raises(BadRequestError) as dropped:
                await client.request(
                    "POST",
                    "/conversations/{id}/run_assignment_rules",
                    path_params={"id": conversation},
                )
            with pytest.raises(BadRequestError) as too_new:
                await client.request("GET", "/office_hours_schedules")
            with pytest.warns(DeprecationWarning, match="sent with Intercom-Version 2.11"):
                ran = await client.conversations.run_assignment_rules(conversation)
            assert ran.id == conversation
        async with fake.client(version="Preview") as client:
            with pytest.raises(BadRequestError) as not_in_preview:
                await client.request("GET", "/ip_allowlist")
    for raised in (dropped, too_new, not_in_preview):
        assert raised.value.code == "intercom_version_invalid"


async def test_a_second_content_export_while_one_is_pending_answers_429() -> None:
    async with FakeIntercom(export_duration=60) as fake, fake.client() as client:
        first = await client.data_export.create(created_at_after=1, created_at_before=2)
        assert first.status == "pending"
        with pytest.raises(RateLimitError) as raised:
            await client.data_export.create(
                created_at_after=1, created_at_before=2, options=RequestOptions(max_retries=0)
            )
        assert "export" in str(raised.value).lower()
        await client.data_export.cancel(str(first.job_identifier))
        again = await client.data_export.create(created_at_after=3, created_at_before=4)
        assert again.job_identifier != first.job_identifier


async def test_an_export_completes_after_its_duration() -> None:
    async with FakeIntercom(export_duration=0) as fake, fake.client() as client:
        job = await client.data_export.create(created_at_after=1, created_at_before=2)
        done = await client.data_export.get(str(job.job_identifier))
        assert done.status == "completed" and done.download_url
        assert await client.data_export.download(str(job.job_identifier))
        await client.data_export.create(created_at_after=1, created_at_before=2)


async def test_conversation_lists_leave_parts_out_and_a_get_gives_the_last_500() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        fake.seed(contacts=5, conversations=4)
        listed = await client.request("GET", "/conversations")
        found = await client.request(
            "POST",
            "/conversations/search",
            json={"query": {"field": "state", "operator": "!=", "value": "none"}},
        )
        for page in (listed, found):
            assert page["conversations"]
            assert all("conversation_parts" not in c for c in page["conversations"])
        conversation_id = next(iter(fake.store.conversations))
        parts = fake.store.conversations[conversation_id]["conversation_parts"]
        parts["conversation_parts"] = [
            {"type": "conversation_part", "id": str(i), "part_type": "comment", "body": str(i)}
            for i in range(520)
        ]
        parts["total_count"] = 520
        whole = await client.conversations.get(conversation_id)
    shown = whole.conversation_parts
    assert shown is not None and shown.conversation_parts is not None
    assert [p.id for p in shown.conversation_parts] == [str(i) for i in range(20, 520)]
    assert shown.total_count == 520
