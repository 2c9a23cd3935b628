"""FakeIntercom: it speaks the API the way Intercom does, statefully, with injectable faults."""

from __future__ import annotations

import typing
from typing import Any

import msgspec
import pytest

from intercom_async import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContactMergedError,
    DecodeError,
    Intercom,
    InternalServerError,
    NotFoundError,
    RateLimiter,
    RateLimitError,
    UnprocessableEntityError,
)
from intercom_async._sansio import ErrorBody
from intercom_async.operations import OPERATIONS
from intercom_async.search import F
from intercom_async.testing import FakeIntercom
from intercom_async.testing._handlers import HANDLERS

from .spec_data import examples, resolve_response, spec

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")


@pytest.fixture
async def fake() -> typing.AsyncIterator[FakeIntercom]:
    async with FakeIntercom(token="t0k") as server:
        server.seed(contacts=400, companies=120, conversations=60)
        yield server


async def test_same_seed_gives_the_same_workspace() -> None:
    async with FakeIntercom() as one, FakeIntercom() as two:
        one.seed(contacts=50, companies=5, conversations=5, seed=3)
        two.seed(contacts=50, companies=5, conversations=5, seed=3)
        assert one.store.contacts == two.store.contacts
        assert one.store.conversations == two.store.conversations
        two.seed(contacts=50, seed=4)
        assert one.store.contacts != two.store.contacts


async def test_errors_have_intercom_codes(fake: FakeIntercom) -> None:
    async with Intercom(token="wrong", base_url=fake.base_url) as stranger:
        with pytest.raises(AuthenticationError, match="unauthorized"):
            await stranger.admins.me()
    async with fake.client() as client:
        with pytest.raises(NotFoundError, match="not_found"):
            await client.contacts.get("missing")
        existing = next(iter(fake.store.contacts.values()))
        with pytest.raises(ConflictError, match=f"id={existing['id']}"):
            await client.contacts.create(email=existing["email"])
        with pytest.raises(BadRequestError, match="Invalid starting_after"):
            await client.contacts.list(cursor="not-a-cursor")
        with pytest.raises(UnprocessableEntityError, match="custom_attributes"):
            await client.contacts.create(email="new@x.io", custom_attributes="oops")  # type: ignore[arg-type]
    async with fake.client(version="1.9") as old:
        with pytest.raises(BadRequestError, match="intercom_version_invalid"):
            await old.admins.me()


async def test_error_bodies_match_the_spec_examples(fake: FakeIntercom) -> None:
    example = next(
        value
        for _, _, raw in _spec_ops()
        for code, response in raw.get("responses", {}).items()
        if code == "404"
        for _, value in examples(
            (resolve_response("2.16", response).get("content") or {}).get("application/json") or {}
        )
    )
    async with fake.client() as client:
        with pytest.raises(NotFoundError) as caught:
            await client.contacts.get("missing")
    ours = msgspec.json.decode(caught.value.body)
    assert set(ours) == set(example)
    assert set(ours["errors"][0]) >= {"code", "message"}
    assert msgspec.json.decode(caught.value.body, type=ErrorBody).items


def _spec_ops() -> list[tuple[str, str, dict[str, Any]]]:
    document = spec("2.16")
    return [
        (m, p, item[m])
        for p, item in document["paths"].items()
        for m in item
        if m in ("get", "post", "put", "delete")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "contacts.list",
        "contacts.search",
        "companies.list",
        "conversations.list",
        "companies.scroll",
        "tags.list",
    ],
)
async def test_list_bodies_have_the_spec_examples_keys(fake: FakeIntercom, name: str) -> None:
    op = OPERATIONS[name]
    raw = spec("2.16")["paths"][op.path][op.method.lower()]
    media = resolve_response("2.16", raw["responses"]["200"])["content"]["application/json"]
    example = next(value for _, value in examples(media))
    body = (
        {"query": {"field": "role", "operator": "=", "value": "user"}} if "search" in name else None
    )
    async with fake.client() as client:
        ours = await client.request(op.method, op.path, json=body)
    assert set(example) - {"pages"} <= set(ours), f"{name}: missing {set(example) - set(ours)}"
    if isinstance(example.get("pages"), dict) and isinstance(ours.get("pages"), dict):
        assert set(example["pages"]) - {"next"} <= set(ours["pages"])


async def test_crud_round_trip(fake: FakeIntercom) -> None:
    async with fake.client() as client:
        created = await client.contacts.create(
            email="new@example.com", name="New", custom_attributes={"plan": "pro"}
        )
        assert created.id in fake.store.contacts
        fetched = await client.contacts.get(str(created.id))
        assert fetched.email == "new@example.com"
        updated = await client.contacts.update(
            str(created.id), name=None, custom_attributes={"seats": 3}
        )
        assert updated.name is None and updated.custom_attributes == {"plan": "pro", "seats": 3}
        company = await client.companies.create_or_update(company_id="acme", name="Acme")
        again = await client.companies.create_or_update(company_id="acme", name="Acme Inc")
        assert again.id == company.id and again.name == "Acme Inc"
        await client.contacts.attach_company(str(created.id), id=str(company.id))
        members = [c.id async for c in client.companies.list_contacts(str(company.id))]
        assert members == [created.id]
        note = await client.contacts.create_note(str(created.id), body="Called", admin_id="100")
        assert [n.id async for n in client.contacts.list_notes(str(created.id))] == [note.id]
        deleted = await client.contacts.delete(str(created.id))
        assert deleted.deleted is True
        with pytest.raises(NotFoundError):
            await client.contacts.get(str(created.id))


async def test_merged_contact_answers_410_with_the_canonical_link(fake: FakeIntercom) -> None:
    async with fake.client() as client:
        lead = await client.contacts.create(role="lead", email="lead@x.io")
        user = await client.contacts.create(role="user", email="user@x.io")
        await client.contacts.merge(from_=str(lead.id), into=str(user.id))
        with pytest.raises(ContactMergedError) as caught:
            await client.contacts.get(str(lead.id))
    assert caught.value.canonical_id == user.id


async def test_conversation_lifecycle(fake: FakeIntercom) -> None:
    contact_id = next(iter(fake.store.contacts))
    async with fake.client() as client:
        message = await client.conversations.create(
            from_={"type": "user", "id": contact_id}, body="Help!"
        )
        conversation_id = str(message.conversation_id)
        replied = await client.conversations.reply(
            conversation_id, message_type="comment", type="admin", admin_id="100", body="On it"
        )
        assert replied.conversation_parts is not None
        closed = await client.conversations.manage(
            conversation_id, message_type="close", type="admin", admin_id="100"
        )
        assert closed.state == "closed"
        tag = await client.conversations.attach_tag(conversation_id, id="2", admin_id="100")
        assert tag.id == "2"
        found = await client.conversations.search(query=F("state") == "closed").to_list()
        assert conversation_id in {c.id for c in found}


async def test_search_evaluates_operators_groups_and_limits(fake: FakeIntercom) -> None:
    contacts = list(fake.store.contacts.values())
    async with fake.client() as client:
        leads = await client.contacts.search(query=F("role") == "lead").to_list()
        assert {c.id for c in leads} == {c["id"] for c in contacts if c["role"] == "lead"}
        query = (F("custom_attributes.plan").in_(["pro", "enterprise"]) & (F("role") == "user")) | (
            F("email").starts_with("ada.")
        )
        expected = {
            c["id"]
            for c in contacts
            if (c["custom_attributes"]["plan"] in ("pro", "enterprise") and c["role"] == "user")
            or c["email"].startswith("ada.")
        }
        found = {c.id async for c in client.contacts.search(query=query, per_page=37)}
        assert found == expected
        seats = await client.contacts.search(query=F("custom_attributes.seats") > 150).to_list()
        assert all((c.custom_attributes or {})["seats"] > 150 for c in seats)
        too_deep = {
            "operator": "AND",
            "value": [
                {
                    "operator": "OR",
                    "value": [
                        {"operator": "AND", "value": [{"field": "a", "operator": "=", "value": 1}]}
                    ],
                }
            ],
        }
        with pytest.raises(BadRequestError, match="nests deeper"):
            await client.contacts.search(query=too_deep)


async def test_the_scroll_param_is_constant_and_the_position_is_the_fakes(
    fake: FakeIntercom,
) -> None:
    # As on Intercom (../shared/api-notes.md): one param per scroll; resending it after a
    # lost answer returns the page after the lost one, not the lost one again.
    fake.scroll_page_size = 50
    async with fake.client() as client:
        first = await client.request("GET", "/companies/scroll")
        again = await client.request(
            "GET", "/companies/scroll", params={"scroll_param": first["scroll_param"]}
        )
        third = await client.request(
            "GET", "/companies/scroll", params={"scroll_param": first["scroll_param"]}
        )
        assert first["scroll_param"] == again["scroll_param"] == third["scroll_param"]
        assert first["pages"] is None and first["total_count"] is None
        ids = [c["id"] for page in (first, again, third) for c in page["data"]]
        assert len(ids) == len(set(ids)) == 120
        last = await client.request(
            "GET", "/companies/scroll", params={"scroll_param": first["scroll_param"]}
        )
        assert last["data"] == []
        assert [c.id async for c in client.companies.scroll()] == ids


async def test_scroll_is_one_per_app_and_expires(fake: FakeIntercom) -> None:
    fake.constant_scroll_param = False  # a param per page, so a used one is refused
    fake.scroll_expiry = 0.2
    async with fake.client() as client:
        first = await client.request("GET", "/companies/scroll")
        with pytest.raises(BadRequestError, match="scroll_exists"):
            await client.request("GET", "/companies/scroll")
        import asyncio

        await asyncio.sleep(0.3)
        with pytest.raises(NotFoundError, match="expired"):
            await client.request(
                "GET", "/companies/scroll", params={"scroll_param": first["scroll_param"]}
            )
        # A stale param ends the scroll, so a restart can begin at once.
        started = await client.request("GET", "/companies/scroll")
        await client.request(
            "GET", "/companies/scroll", params={"scroll_param": started["scroll_param"]}
        )
        with pytest.raises(NotFoundError, match="already used"):
            await client.request(
                "GET", "/companies/scroll", params={"scroll_param": started["scroll_param"]}
            )
        assert fake.scroll_state == {}
        ids = [c.id async for c in client.companies.scroll()]
    assert len(ids) == len(set(ids)) == 120


async def test_rate_limit_windows_send_the_real_headers() -> None:
    unpaced = RateLimiter(pace_below=0)
    async with FakeIntercom(rate_limit=(5, 60)) as fake, fake.client(limiter=unpaced) as client:
        for _ in range(5):
            raw = await client.with_raw_response(client.admins.me)
        assert raw.rate_limit is not None and raw.rate_limit.limit == 5
        assert raw.rate_limit.remaining == 0
        # A client that does not share this budget runs straight into the limit.
        async with fake.client(max_retries=0) as other:
            with pytest.raises(RateLimitError) as caught:
                await other.admins.me()
    assert caught.value.rate_limit is not None and caught.value.rate_limit.reset_at
    assert fake.stats.rate_limited == 1


async def test_faults_status_html_truncate_and_record(fake: FakeIntercom) -> None:
    async with fake.client(max_retries=0) as client:
        fault = fake.inject(502, method="GET", path="/me", body="html", times=1)
        with pytest.raises(InternalServerError, match="502"):
            await client.admins.me()
        assert fault.hits == 1
        assert (await client.admins.me()).id == "100"
        fake.inject(path="/contacts/{contact_id}", truncate=True, times=1)
        with pytest.raises(DecodeError):
            await client.contacts.get(next(iter(fake.store.contacts)))
    recorded = [r for r in fake.requests if r.path == "/me"]
    assert len(recorded) == 2 and "authorization" not in {k.lower() for k in recorded[0].headers}


async def test_a_drop_after_the_handler_ran_does_not_duplicate_a_create(fake: FakeIntercom) -> None:
    before = len(fake.store.contacts)
    fake.inject(method="POST", path="/contacts", drop="after", times=1)
    async with fake.client() as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.contacts.create(email="once@example.com")
    assert caught.value.outcome_unknown
    assert len(fake.store.contacts) == before + 1  # created once, never resent


STATEFUL = set(HANDLERS)


def test_every_handler_serves_a_real_operation() -> None:
    from intercom_async.testing._routes import ROUTES

    assert set(HANDLERS) - set(ROUTES) == set()
