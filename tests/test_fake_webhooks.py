"""FakeIntercom sends webhooks as Intercom does (issue 14): signed notification_events for
creates and updates, at least once, and optionally repeated and out of order."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from intercom_async import models
from intercom_async.testing import FakeIntercom
from intercom_async.webhooks import Deduplicator, Notification, parse_notification

from .conftest import serve

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")

SECRET = "webhook-secret"


class Receiver:
    """A webhook endpoint: verifies each delivery as a user's app would."""

    def __init__(self, *, fail_first: int = 0) -> None:
        self.notifications: list[Notification] = []
        self.fail_first = fail_first
        self.attempts = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return web.Response(status=503)
        body = await request.read()
        signature = request.headers.get("X-Hub-Signature")
        self.notifications.append(
            parse_notification(body, signature=signature, client_secret=SECRET)
        )
        return web.Response(status=200)


async def test_creates_and_updates_arrive_signed_and_decode_into_their_models() -> None:
    receiver = Receiver()
    async with serve(receiver.handle) as url, FakeIntercom() as fake, fake.client() as client:
        fake.subscribe(
            url + "/hooks",
            ["contact.*", "company.created", "conversation.user.created", "ticket.created"],
            client_secret=SECRET,
        )
        fake.seed(contacts=2)
        contact = await client.contacts.create(email="hook@example.com", role="user")
        await client.contacts.update(str(contact.id), name="Renamed")
        await client.companies.create_or_update(company_id="c-1", name="Hooks Inc")
        await client.conversations.create(
            from_={"type": "user", "id": str(contact.id)}, body="Hello"
        )
        kind = await client.ticket_types.create(name="Bug")
        await client.tickets.create(ticket_type_id=str(kind.id), contacts=[{"id": str(contact.id)}])
        await fake.webhooks_delivered(timeout=5)
    topics = [n.topic for n in receiver.notifications]
    assert topics == [
        "contact.user.created",
        "contact.user.updated",
        "company.created",
        "conversation.user.created",
        "ticket.created",
    ]
    created, updated, company, conversation, ticket = (n.item() for n in receiver.notifications)
    assert isinstance(created, models.Contact) and created.email == "hook@example.com"
    assert isinstance(updated, models.Contact) and updated.name == "Renamed"
    assert isinstance(company, models.Company) and company.company_id == "c-1"
    assert isinstance(conversation, models.Conversation)
    assert isinstance(ticket, models.Ticket)
    first = receiver.notifications[0]
    assert first.type == "notification_event" and first.id and first.id.startswith("notif_")
    assert first.delivery_attempts == 1 and first.created_at and first.app_id


async def test_a_failed_delivery_is_retried_until_it_lands() -> None:
    receiver = Receiver(fail_first=2)
    async with serve(receiver.handle) as url, FakeIntercom() as fake, fake.client() as client:
        fake.subscribe(url, ["contact.*"], client_secret=SECRET, retry_delay=0.01)
        await client.contacts.create(email="retry@example.com", role="lead")
        await fake.webhooks_delivered(timeout=5)
    assert receiver.attempts == 3
    (notification,) = receiver.notifications
    assert notification.topic == "contact.lead.created"
    assert notification.delivery_attempts == 3


async def test_duplicates_and_reordering_are_survived_with_a_deduplicator() -> None:
    receiver = Receiver()
    async with serve(receiver.handle) as url, FakeIntercom() as fake, fake.client() as client:
        fake.subscribe(url, ["contact.*"], client_secret=SECRET, duplicates=True, reorder=True)
        for index in range(6):
            await client.contacts.create(email=f"dup{index}@example.com", role="user")
        await fake.webhooks_delivered(timeout=5)
    assert len(receiver.notifications) == 12
    dedupe = Deduplicator()
    handled: list[Notification] = []
    for notification in receiver.notifications:
        async with dedupe.claim(notification) as fresh:
            if fresh:
                handled.append(notification)
    assert len(handled) == 6
    arrived = [n.item().email for n in handled]
    created = [f"dup{i}@example.com" for i in range(6)]
    assert arrived != created and sorted(arrived) == created


async def test_a_wrong_secret_is_refused_by_the_receiver() -> None:
    received: list[bytes] = []
    signatures: list[str] = []

    async def record(request: web.Request) -> web.Response:
        received.append(await request.read())
        signatures.append(request.headers["X-Hub-Signature"])
        return web.Response()

    async with serve(record) as url, FakeIntercom() as fake, fake.client() as client:
        fake.subscribe(url, ["contact.*"], client_secret="the-real-one")
        await client.contacts.create(email="x@example.com", role="user")
        await fake.webhooks_delivered(timeout=5)
    parse_notification(received[0], signature=signatures[0], client_secret="the-real-one")
    with pytest.raises(Exception, match="does not match"):
        parse_notification(received[0], signature=signatures[0], client_secret="another")


async def test_webhooks_delivered_is_bounded() -> None:
    async def never(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    async with serve(never) as url, FakeIntercom() as fake, fake.client() as client:
        fake.subscribe(url, ["contact.*"], client_secret=SECRET)
        await client.contacts.create(email="slow@example.com", role="user")
        with pytest.raises(TimeoutError):
            await fake.webhooks_delivered(timeout=0.2)
