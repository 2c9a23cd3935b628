"""One record shape per resource (issue 14): what the fake creates has the keys of what it
seeds, and every record it holds decodes into its model with nothing left over."""

from __future__ import annotations

from typing import Any

import aiohttp
import msgspec
import pytest

from intercom_async import NotFoundError, models, to_dict
from intercom_async._decode import decode
from intercom_async.testing import FakeIntercom
from intercom_async.testing._registry import without_null_keys


async def _created(fake: FakeIntercom) -> dict[str, dict[str, Any]]:
    """One record of each kind made through the API, as a user makes them."""
    store = fake.store
    contact_id = next(iter(store.contacts))
    calls = {
        "contacts": ("/contacts", {"email": "made@example.com", "role": "user"}),
        "companies": ("/companies", {"company_id": "made-1", "name": "Made"}),
        "conversations": (
            "/conversations",
            {"from": {"type": "user", "id": contact_id}, "body": "Hello"},
        ),
        "articles": ("/articles", {"title": "Made", "author_id": 100}),
        "tags": ("/tags", {"name": "made"}),
        "ticket_types": ("/ticket_types", {"name": "Made"}),
        "data_attributes": ("/data_attributes", {"name": "made", "data_type": "string"}),
    }
    headers = {"Authorization": f"Bearer {fake.token}"}
    before = {kind: set(getattr(store, kind)) for kind in calls}
    async with aiohttp.ClientSession(headers=headers) as session:
        for path, body in calls.values():
            async with session.post(fake.base_url + path, json=body) as response:
                assert response.status < 300, await response.text()
    made = {}
    for kind in calls:
        (new_id,) = set(getattr(store, kind)) - before[kind]
        made[kind] = getattr(store, kind)[new_id]
    return made


async def test_a_created_record_has_the_keys_of_a_seeded_one() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=5, companies=3, conversations=3)
        made = await _created(fake)
        for kind, record in made.items():
            seeded = next(r for r in getattr(fake.store, kind).values() if r is not record)
            assert set(record) == set(seeded), (kind, set(record) ^ set(seeded))


MODELS = {
    "contacts": models.Contact,
    "companies": models.Company,
    "conversations": models.Conversation,
    "admins": models.Admin,
    "teams": models.Team,
    "tags": models.Tag,
    "segments": models.Segment,
    "articles": models.Article,
    "ticket_types": models.TicketType,
    "data_attributes": models.DataAttribute,
}


@pytest.mark.parametrize("kind", sorted(MODELS))
async def test_every_held_record_round_trips_through_its_model(kind: str) -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=20, companies=5, conversations=5)
        for record in list(getattr(fake.store, kind).values())[:10]:
            sent = without_null_keys(record)
            decoded = decode(msgspec.json.encode(sent), MODELS[kind])
            assert to_dict(decoded) == sent


async def test_crud_declared_resources_get_list_and_delete_as_intercom_does() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        teams = await client.request("GET", "/teams")
        assert teams["type"] == "team.list" and len(teams["teams"]) == len(fake.store.teams)
        with pytest.raises(NotFoundError) as missing:
            await client.request("GET", "/teams/{id}", path_params={"id": "999"})
        assert missing.value.code == "team_not_found"
        article = next(iter(fake.store.articles))
        deleted = await client.request("DELETE", "/articles/{id}", path_params={"id": article})
        assert deleted == {"id": article, "object": "article", "deleted": True}
        with pytest.raises(NotFoundError):
            await client.articles.get(article)
