"""Webhooks from the fake: signed ``notification_event`` deliveries, as Intercom sends them.

``FakeIntercom.subscribe(url, topics, client_secret=...)`` registers an endpoint. Each create or
update the fake serves that has a topic (below) becomes one notification: the envelope
Intercom sends, the record as the API answers it in ``data.item``, signed with
``X-Hub-Signature: sha1=<HMAC-SHA1 of the body>``. Delivery is at least once: a failed attempt
(no 2xx, no answer) is retried with growing delays, ``delivery_attempts`` counting. Intercom
may repeat a delivery and deliver out of order; ``duplicates=True`` sends every notification
twice and ``reorder=True`` shuffles each burst, so a receiver's de-duplication and ordering
can be tested.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
import msgspec

from ..webhooks import SIGNATURE_HEADER, expected_signature
from ._records import WORKSPACE_ID
from ._registry import without_null_keys

if TYPE_CHECKING:
    from ._ctx import Ctx

Record = dict[str, Any]


def _role(record: Record) -> str:
    return "lead" if record.get("role") == "lead" else "user"


_MANAGED = {
    "close": "closed",
    "open": "opened",
    "snoozed": "snoozed",
    "assignment": "assigned",
}


def _topic(ctx: Ctx, record: Record, existed: bool) -> str | None:
    """The topic Intercom sends for what this request did to ``record``."""
    name = ctx.op.name
    body = ctx.body if isinstance(ctx.body, dict) else {}
    if name == "contacts.create":
        return f"contact.{_role(record)}.created"
    if name == "contacts.update":
        return f"contact.{_role(record)}.updated"
    if name == "companies.create_or_update":
        return "company.updated" if existed else "company.created"
    if name == "companies.update":
        return "company.updated"
    if name == "conversations.create":
        return "conversation.user.created"
    if name == "conversations.reply":
        return f"conversation.{'admin' if body.get('type') == 'admin' else 'user'}.replied"
    if name == "conversations.manage":
        action = _MANAGED.get(str(body.get("message_type")))
        return f"conversation.admin.{action}" if action else None
    if name == "tickets.create":
        return "ticket.created"
    return None


# Where each operation's record is, from its answer: most answer the record itself.
_RECORD_OF: dict[str, Callable[[Ctx, Record], Record | None]] = {
    "conversations.create": lambda ctx, answer: ctx.store.conversations.get(
        str(answer.get("conversation_id"))
    ),
}
OPERATIONS_WITH_TOPICS = frozenset(
    {
        "contacts.create",
        "contacts.update",
        "companies.create_or_update",
        "companies.update",
        "conversations.create",
        "conversations.reply",
        "conversations.manage",
        "tickets.create",
    }
)


@dataclass
class Subscription:
    """One endpoint's subscription; ``delivered`` and ``failed`` list notification ids."""

    url: str
    topics: tuple[str, ...]
    client_secret: str
    duplicates: bool = False
    reorder: bool = False
    retry_delay: float = 0.5
    max_attempts: int = 5
    reorder_window: float = 0.1
    delivered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    queue: asyncio.Queue[Record] = field(default_factory=asyncio.Queue, repr=False)
    worker: asyncio.Task[None] | None = field(default=None, repr=False)

    def wants(self, topic: str) -> bool:
        return any(fnmatch.fnmatchcase(topic, pattern) for pattern in self.topics)


class WebhookSender:
    """The fake's subscriptions and their delivery workers."""

    def __init__(self, rng: random.Random) -> None:
        self.subscriptions: list[Subscription] = []
        self._rng = rng
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def subscribe(self, subscription: Subscription) -> Subscription:
        if not subscription.client_secret:
            raise ValueError("a webhook subscription needs the app's client_secret to sign with")
        if subscription.max_attempts < 1 or subscription.retry_delay < 0:
            raise ValueError("max_attempts must be at least 1 and retry_delay 0 or more")
        self.subscriptions.append(subscription)
        return subscription

    def before(self, ctx: Ctx) -> bool:
        """Whether the record a company upsert touches exists already (decides the topic)."""
        if ctx.op.name != "companies.create_or_update" or not isinstance(ctx.body, dict):
            return True
        wanted = ctx.body.get("company_id")
        return any(c.get("company_id") == wanted for c in ctx.store.companies.values())

    def publish(self, ctx: Ctx, answer: bytes, existed: bool) -> None:
        """Queue the notification for what this request did, for every subscriber of it."""
        if not self.subscriptions or ctx.op.name not in OPERATIONS_WITH_TOPICS:
            return
        decoded = msgspec.json.decode(answer) if answer else None
        if not isinstance(decoded, dict):
            return
        find = _RECORD_OF.get(ctx.op.name)
        record = find(ctx, decoded) if find is not None else decoded
        topic = _topic(ctx, record, existed) if record is not None else None
        if topic is None or record is None:
            return
        item = without_null_keys(record) if ctx.fake.omit_null_keys else record
        stamp = int(time.time())
        notification: Record = {
            "type": "notification_event",
            "app_id": WORKSPACE_ID,
            "data": {"type": "notification_event_data", "item": item},
            "links": {},
            "id": f"notif_{uuid.uuid4()}",
            "topic": topic,
            "delivery_status": "pending",
            "delivery_attempts": 0,
            "delivered_at": 0,
            "first_sent_at": 0,
            "created_at": stamp,
            "self": None,
        }
        for subscription in self.subscriptions:
            if subscription.wants(topic):
                self._pending += 1
                self._idle.clear()
                subscription.queue.put_nowait(notification)
                self._start(subscription)

    def _start(self, subscription: Subscription) -> None:
        if subscription.worker is None:
            subscription.worker = asyncio.get_running_loop().create_task(self._work(subscription))
            self._tasks.append(subscription.worker)

    async def _work(self, subscription: Subscription) -> None:
        while True:
            batch = [await subscription.queue.get()]
            if subscription.reorder:
                batch += await _burst(subscription.queue, subscription.reorder_window)
            copies = 2 if subscription.duplicates else 1
            sends = [(n, copy) for n in batch for copy in range(copies)]
            if subscription.reorder:
                self._rng.shuffle(sends)
            sent: dict[str, int] = {}
            for notification, _copy in sends:
                await self._deliver(subscription, notification)
                sent[notification["id"]] = sent.get(notification["id"], 0) + 1
                if sent[notification["id"]] == copies:
                    self._done()

    def _done(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self._idle.set()

    async def _deliver(self, subscription: Subscription, notification: Record) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        for attempt in range(1, subscription.max_attempts + 1):
            now = int(time.time())
            sent = {
                **notification,
                "delivery_attempts": notification["delivery_attempts"] + 1,
                "first_sent_at": notification["first_sent_at"] or now,
            }
            notification.update(
                delivery_attempts=sent["delivery_attempts"], first_sent_at=sent["first_sent_at"]
            )
            body = msgspec.json.encode(sent)
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: expected_signature(body, subscription.client_secret),
            }
            try:
                async with self._session.post(subscription.url, data=body, headers=headers) as r:
                    if 200 <= r.status < 300:
                        subscription.delivered.append(notification["id"])
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if attempt < subscription.max_attempts:
                await asyncio.sleep(subscription.retry_delay * 2 ** (attempt - 1))
        subscription.failed.append(notification["id"])

    async def delivered(self, timeout: float) -> None:
        """Wait until every queued notification was delivered or given up on."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(
                f"{self._pending} webhook notification(s) still undelivered after {timeout}s"
            ) from None

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _burst(queue: asyncio.Queue[Record], quiet: float) -> list[Record]:
    """What else arrives until the queue has been quiet for ``quiet`` seconds."""
    more: list[Record] = []
    while True:
        try:
            more.append(await asyncio.wait_for(queue.get(), quiet))
        except asyncio.TimeoutError:
            return more
