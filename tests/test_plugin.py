"""The pytest plugin's fixtures, used the way a user's test would use them."""

from __future__ import annotations

import pytest

from intercom_async import Intercom
from intercom_async.search import F
from intercom_async.testing import FakeIntercom

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")


async def test_fixtures_give_a_seeded_fake_and_a_bound_client(
    intercom_fake: FakeIntercom, intercom_client: Intercom
) -> None:
    assert intercom_client.base_url == intercom_fake.base_url
    contacts = [c async for c in intercom_client.contacts.list()]
    assert len(contacts) == len(intercom_fake.store.contacts) == 50
    users = await intercom_client.contacts.search(query=F("role") == "user").to_list()
    assert users and all(u.role == "user" for u in users)


async def test_a_user_test_can_inject_faults(
    intercom_fake: FakeIntercom, intercom_client: Intercom
) -> None:
    intercom_fake.inject(503, method="GET", path="/contacts", times=2)
    page = await intercom_client.contacts.list()
    assert len(page.items) == 50
    assert intercom_client.stats.retries == 2
