from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from aiohttp import web

from intercom_async import models
from intercom_async.webhooks import (
    Deduplicator,
    SignatureMalformed,
    SignatureMismatch,
    SignatureMissing,
    WebhookError,
    parse_notification,
    verify_signature,
)

SECRET = "client-secret-123"


def delivery(topic: str, item: dict[str, object], notification_id: str = "notif_1") -> bytes:
    return json.dumps(
        {
            "type": "notification_event",
            "id": notification_id,
            "topic": topic,
            "app_id": "abc",
            "created_at": 1700000000,
            "delivery_attempts": 1,
            "first_sent_at": 1700000000,
            "data": {"type": "notification_event_data", "item": item},
        }
    ).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def test_valid_signature_is_accepted_and_items_decode_by_topic() -> None:
    cases = [
        ("contact.user.created", {"type": "contact", "id": "c1", "email": "a@b.c"}, models.Contact),
        ("conversation.admin.replied", {"type": "conversation", "id": "9"}, models.Conversation),
        ("company.created", {"type": "company", "id": "co"}, models.Company),
        ("ticket.created", {"type": "ticket", "id": "t"}, models.Ticket),
    ]
    for topic, item, model in cases:
        body = delivery(topic, item)
        notification = parse_notification(body, signature=sign(body), client_secret=SECRET)
        assert notification.topic == topic
        decoded = notification.item()
        assert isinstance(decoded, model) and decoded.id == item["id"]


def test_unknown_topic_falls_back_to_the_raw_item() -> None:
    body = delivery("brand.new.topic", {"whatever": [1, 2]})
    assert parse_notification(body, signature=sign(body), client_secret=SECRET).item() == {
        "whatever": [1, 2]
    }


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        (None, SignatureMissing),
        ("", SignatureMissing),
        ("md5=abc", SignatureMalformed),
        ("sha1=" + "z" * 40, SignatureMalformed),
        ("sha1=" + "0" * 40, SignatureMismatch),
    ],
)
def test_bad_signatures_each_give_a_clear_error(
    signature: str | None, error: type[Exception]
) -> None:
    body = delivery("contact.user.created", {"id": "1"})
    with pytest.raises(error):
        verify_signature(body, signature, SECRET)


def test_a_changed_body_or_secret_does_not_verify() -> None:
    body = delivery("contact.user.created", {"id": "1"})
    with pytest.raises(SignatureMismatch):
        verify_signature(body + b" ", sign(body), SECRET)
    with pytest.raises(SignatureMismatch):
        verify_signature(body, sign(body, "other"), SECRET)
    verify_signature(body, sign(body).upper().replace("SHA1=", "sha1="), SECRET)


def test_non_notification_bodies_are_refused() -> None:
    for body in (b"not json", b'{"type": "contact"}'):
        with pytest.raises(WebhookError):
            parse_notification(body, verify=False)


async def test_repeated_deliveries_are_dropped() -> None:
    dedupe = Deduplicator(capacity=2)
    first = parse_notification(delivery("a", {}, "n1"), verify=False)
    async with dedupe.claim(first) as fresh:
        assert fresh
    async with dedupe.claim(first) as fresh:
        assert not fresh
    for other in ("n2", "n3"):
        async with dedupe.claim(parse_notification(delivery("a", {}, other), verify=False)) as f:
            assert f
    async with dedupe.claim(first) as fresh:
        assert fresh  # forgotten past the capacity


async def test_a_failed_handler_leaves_the_redelivery_to_be_handled() -> None:
    # Issue 12, finding 9: the id was marked seen before the handler ran, so a handler that
    # failed once meant Intercom's redelivery was dropped and the event never handled.
    dedupe = Deduplicator()
    notification = parse_notification(delivery("a", {}, "n1"), verify=False)
    handled: list[str] = []
    attempts = 0

    async def receive() -> None:
        nonlocal attempts
        async with dedupe.claim(notification) as fresh:
            if not fresh:
                return
            attempts += 1
            if attempts == 1:
                raise RuntimeError("database down")
            handled.append(str(notification.id))

    with pytest.raises(RuntimeError):
        await receive()
    await receive()  # Intercom's redelivery
    await receive()  # a duplicate after success
    assert handled == ["n1"]


async def test_claims_expire_after_their_ttl() -> None:
    now = [0.0]
    dedupe = Deduplicator(ttl=60.0, clock=lambda: now[0])
    notification = parse_notification(delivery("a", {}, "n1"), verify=False)
    async with dedupe.claim(notification) as fresh:
        assert fresh
    now[0] = 61.0
    async with dedupe.claim(notification) as fresh:
        assert fresh


async def test_a_delivery_in_progress_is_not_handled_twice() -> None:
    dedupe = Deduplicator()
    notification = parse_notification(delivery("a", {}, "n1"), verify=False)
    async with dedupe.claim(notification) as fresh:
        assert fresh
        async with dedupe.claim(notification) as again:
            assert not again


async def test_an_aiohttp_receiver_end_to_end() -> None:
    from .conftest import serve

    received: list[str] = []
    dedupe = Deduplicator()

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            notification = parse_notification(
                body, signature=request.headers.get("X-Hub-Signature"), client_secret=SECRET
            )
        except WebhookError:
            return web.Response(status=401)
        async with dedupe.claim(notification) as fresh:
            if fresh:
                received.append(str(notification.id))
        return web.Response(status=200)

    import aiohttp

    async with serve(receive, "/webhooks") as url, aiohttp.ClientSession() as session:
        body = delivery("contact.user.created", {"id": "1"}, "notif_9")
        for _ in range(2):
            async with session.post(
                url + "/webhooks", data=body, headers={"X-Hub-Signature": sign(body)}
            ) as response:
                assert response.status == 200
        async with session.post(
            url + "/webhooks", data=body, headers={"X-Hub-Signature": sign(body, "x")}
        ) as response:
            assert response.status == 401
    assert received == ["notif_9"]
