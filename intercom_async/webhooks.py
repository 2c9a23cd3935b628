"""Receiving Intercom webhooks: signature check, the notification envelope, de-duplication.

    notification = parse_notification(raw_body, signature=headers.get("X-Hub-Signature"),
                                      client_secret=CLIENT_SECRET)
    async with dedupe.claim(notification) as fresh:
        if fresh:                    # an exception inside leaves the id for the redelivery
            item = notification.item()   # a Contact, Conversation, Company, Ticket, or a dict

Intercom signs the raw request body with HMAC-SHA1 keyed by the app's client secret and sends
``X-Hub-Signature: sha1=<hex>``. Verify against the exact bytes received, before parsing.
Deliveries can repeat (de-duplicate on ``id``) and arrive out of order (use ``created_at``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import msgspec

from ._decode import convert_leniently, keep_source
from .errors import IntercomError
from .models import Company, Contact, Conversation, Ticket

SIGNATURE_HEADER = "X-Hub-Signature"

# Topic prefix -> the model its data.item decodes into.
TOPIC_MODELS: dict[str, type[msgspec.Struct]] = {
    "contact.": Contact,
    "user.": Contact,
    "visitor.": Contact,
    "conversation.": Conversation,
    "company.": Company,
    "ticket.": Ticket,
}


class WebhookError(IntercomError, ValueError):
    """A webhook delivery that must not be trusted or cannot be read."""


class SignatureMissing(WebhookError):
    """No ``X-Hub-Signature`` header."""


class SignatureMalformed(WebhookError):
    """The header is not ``sha1=<40 hex digits>``."""


class SignatureMismatch(WebhookError):
    """The signature does not match the body and secret."""


def expected_signature(body: bytes, client_secret: str | bytes) -> str:
    """The ``X-Hub-Signature`` value Intercom sends for ``body``."""
    key = client_secret.encode() if isinstance(client_secret, str) else client_secret
    return "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest()


def verify_signature(body: bytes, signature: str | None, client_secret: str | bytes) -> None:
    """Raise unless ``signature`` is the HMAC-SHA1 of ``body`` (compared in constant time)."""
    if not client_secret:
        raise WebhookError("no client secret to verify the signature with")
    if signature is None or not signature.strip():
        raise SignatureMissing(f"the {SIGNATURE_HEADER} header is missing")
    scheme, _, digest = signature.strip().partition("=")
    if scheme.lower() != "sha1" or len(digest) != 40:
        raise SignatureMalformed(f"{SIGNATURE_HEADER} must look like sha1=<40 hex digits>")
    try:
        bytes.fromhex(digest)
    except ValueError:
        raise SignatureMalformed(f"{SIGNATURE_HEADER} is not hexadecimal") from None
    wanted = expected_signature(body, client_secret)
    if not hmac.compare_digest(wanted.encode(), f"sha1={digest.lower()}".encode()):
        raise SignatureMismatch("the webhook signature does not match this body and secret")


class NotificationData(msgspec.Struct, kw_only=True):
    """The ``data`` of a notification: ``item`` is the object the event is about."""

    type: str | None = None
    item: dict[str, Any] | None = None


class Notification(msgspec.Struct, kw_only=True):
    """The ``notification_event`` envelope; ``data.item`` is kept as the raw JSON object."""

    type: str | None = None
    id: str | None = None
    topic: str | None = None
    app_id: str | None = None
    created_at: int | None = None
    delivery_attempts: int | None = None
    first_sent_at: int | None = None
    data: NotificationData | None = None

    def item(self) -> Any:
        """``data.item`` decoded into the model for the topic, or the raw dict for others."""
        raw = self.data.item if self.data is not None else None
        if raw is None:
            return None
        model = model_for_topic(self.topic or "")
        if model is None:
            return raw
        try:
            item = convert_leniently(raw, model)
        except msgspec.ValidationError:
            return raw
        keep_source(item, raw)
        return item


def model_for_topic(topic: str) -> type[msgspec.Struct] | None:
    """The model a topic's ``data.item`` decodes into, or None for unknown topics."""
    for prefix, model in TOPIC_MODELS.items():
        if topic.startswith(prefix):
            return model
    return None


_decoder = msgspec.json.Decoder(Notification)


def parse_notification(
    body: bytes,
    *,
    signature: str | None = None,
    client_secret: str | bytes | None = None,
    verify: bool = True,
) -> Notification:
    """Verify (unless ``verify=False``) and decode one delivery."""
    if verify:
        verify_signature(body, signature, client_secret or b"")
    try:
        notification = _decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise WebhookError(f"not a notification_event body: {error}") from None
    if notification.type not in (None, "notification_event"):
        raise WebhookError(f"not a notification_event: type={notification.type!r}")
    return notification


class DedupeStore(Protocol):
    """Where ``Deduplicator`` keeps ids; async so a shared store (Redis) can back it.

    ``claim`` must be atomic: of concurrent claims of one key, exactly one gets True.
    """

    async def claim(self, key: str, ttl: float) -> bool:
        """Mark ``key`` as in progress for ``ttl`` seconds; False if it is held or done."""
        ...

    async def complete(self, key: str, ttl: float) -> None:
        """Mark ``key`` as handled for ``ttl`` seconds."""
        ...

    async def release(self, key: str) -> None:
        """Forget a claim whose handler failed, so a redelivery is handled."""
        ...


class MemoryDedupeStore:
    """The in-process store: at most ``capacity`` ids, oldest forgotten first, with expiry."""

    def __init__(self, capacity: int = 10_000, *, clock: Callable[[], float] = time.monotonic):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._clock = clock
        self._expires: OrderedDict[str, float] = OrderedDict()

    async def claim(self, key: str, ttl: float) -> bool:
        now = self._clock()
        expires = self._expires.get(key)
        if expires is not None and expires > now:
            self._expires.move_to_end(key)
            return False
        self._expires[key] = now + ttl
        self._expires.move_to_end(key)
        while len(self._expires) > self.capacity:
            self._expires.popitem(last=False)
        return True

    async def complete(self, key: str, ttl: float) -> None:
        self._expires[key] = self._clock() + ttl
        self._expires.move_to_end(key)

    async def release(self, key: str) -> None:
        self._expires.pop(key, None)


class Deduplicator:
    """Drops repeated deliveries, marking an id handled only once its handler succeeded::

        async with dedupe.claim(notification) as fresh:
            if fresh:
                await handle(notification)   # raises -> the id is released for redelivery

    ``ttl`` is how long a handled id is remembered (default a day; Intercom retries for
    hours), ``claim_ttl`` how long a delivery in progress blocks its duplicates (a crashed
    worker's claim expires). ``store`` replaces the in-process memory (``capacity`` ids).
    """

    def __init__(
        self,
        capacity: int = 10_000,
        *,
        ttl: float = 86_400.0,
        claim_ttl: float = 300.0,
        store: DedupeStore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0 or claim_ttl <= 0:
            raise ValueError("ttl and claim_ttl must be positive")
        self.ttl = ttl
        self.claim_ttl = claim_ttl
        self.store: DedupeStore = (
            store if store is not None else MemoryDedupeStore(capacity, clock=clock)
        )

    @asynccontextmanager
    async def claim(self, notification: Notification | str) -> AsyncIterator[bool]:
        """Yields True for a delivery to handle now, False for a duplicate (or a missing id).

        The id counts as handled only when the block exits without an exception.
        """
        key = notification if isinstance(notification, str) else notification.id
        if not key:
            yield False
            return
        fresh = await self.store.claim(key, self.claim_ttl)
        if not fresh:
            yield False
            return
        try:
            yield True
        except BaseException:
            await self.store.release(key)
            raise
        await self.store.complete(key, self.ttl)


__all__ = [
    "SIGNATURE_HEADER",
    "DedupeStore",
    "Deduplicator",
    "MemoryDedupeStore",
    "Notification",
    "NotificationData",
    "SignatureMalformed",
    "SignatureMismatch",
    "SignatureMissing",
    "WebhookError",
    "expected_signature",
    "model_for_topic",
    "parse_notification",
    "verify_signature",
]
