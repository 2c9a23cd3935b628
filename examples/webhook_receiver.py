"""An aiohttp.web webhook receiver: verify the signature, drop repeats, react by topic.

INTERCOM_CLIENT_SECRET=... uv run python examples/webhook_receiver.py
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from intercom_async import models
from intercom_async.webhooks import SIGNATURE_HEADER, Deduplicator, WebhookError, parse_notification

Handler = Callable[[str, Any], Awaitable[None]]


def make_app(client_secret: str, handle: Handler) -> web.Application:
    dedupe = Deduplicator()

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()  # the exact bytes: the signature covers them
        try:
            notification = parse_notification(
                body, signature=request.headers.get(SIGNATURE_HEADER), client_secret=client_secret
            )
        except WebhookError as error:
            return web.json_response({"error": str(error)}, status=401)
        try:
            async with dedupe.claim(notification) as fresh:
                if fresh:
                    await handle(notification.topic or "", notification.item())
        except Exception:
            # Not marked as handled: answering 500 makes Intercom deliver it again.
            return web.json_response({"error": "handler failed"}, status=500)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/intercom/webhooks", receive)
    return app


async def log_event(topic: str, item: Any) -> None:
    if isinstance(item, models.Contact):
        print(f"{topic}: contact {item.id} <{item.email}>")
    else:
        print(f"{topic}: {type(item).__name__}")


if __name__ == "__main__":
    web.run_app(make_app(os.environ["INTERCOM_CLIENT_SECRET"], log_event), port=8081)
