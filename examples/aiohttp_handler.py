"""An aiohttp.web app that calls Intercom inside its request handlers.

One Intercom client (one connection pool, one limiter) lives as long as the app and is shared
by every request, so concurrent handlers share the rate-limit budget.

    INTERCOM_TOKEN=... uv run python examples/aiohttp_handler.py
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from intercom_async import Intercom, NotFoundError

CLIENT = web.AppKey("intercom", Intercom)


def make_app(client: Intercom) -> web.Application:
    app = web.Application()
    app[CLIENT] = client

    async def lifespan(app: web.Application) -> AsyncIterator[None]:
        async with app[CLIENT]:
            yield

    app.cleanup_ctx.append(lifespan)
    app.router.add_get("/customers/{email}", customer)
    return app


async def customer(request: web.Request) -> web.Response:
    """Look a customer up by email and return what support needs to know."""
    from intercom_async.search import F

    client = request.app[CLIENT]
    email = request.match_info["email"]
    page = await client.contacts.search(query=F("email") == email, per_page=1)
    if not page.items:
        return web.json_response({"error": f"no contact with email {email}"}, status=404)
    contact = page.items[0]
    try:
        tags = [tag.name async for tag in client.contacts.list_tags(str(contact.id))]
    except NotFoundError:
        tags = []
    return web.json_response(
        {"id": contact.id, "name": contact.name, "role": contact.role, "tags": tags}
    )


if __name__ == "__main__":
    web.run_app(make_app(Intercom()), host="127.0.0.1", port=8080)
