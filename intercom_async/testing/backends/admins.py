"""Fake handlers: admins: the token's own (/me), the list, away mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .._registry import (
    body_of,
    crud,
    handles,
    ok,
)
from .._store import error

if TYPE_CHECKING:
    from .._ctx import Ctx


@handles("admins.me")
async def me(ctx: Ctx) -> web.Response:
    admin = ctx.store.admin()
    return ok(
        {
            **admin,
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": "ecahpwf5",
                "name": "Fake Workspace",
                "created_at": 1_600_000_000,
                "secure": False,
                "identity_verification": False,
                "timezone": "Europe/Dublin",
                "region": "US",
            },
        }
    )


@handles("admins.set_away")
async def set_away(ctx: Ctx) -> web.Response:
    admin = ctx.store.admins.get(ctx.params["admin_id"])
    if admin is None:
        return error(404, "admin_not_found", "Admin not found")
    body = body_of(ctx)
    if not isinstance(body.get("away_mode_enabled"), bool):
        return error(400, "parameter_not_found", "away_mode_enabled is required")
    admin["away_mode_enabled"] = body["away_mode_enabled"]
    admin["away_mode_reassign"] = bool(body.get("away_mode_reassign"))
    return ok(admin)


crud(
    "admins",
    records="admins",
    param="admin_id",
    kind="Admin",
    code="admin_not_found",
    listed=("admin.list", "admins"),
)
