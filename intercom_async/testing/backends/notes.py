"""Fake handlers: notes on contacts and companies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _records as build
from .._registry import (
    BadInput,
    body_of,
    crud,
)
from .._store import error, now

if TYPE_CHECKING:
    from .._ctx import Ctx


def new_note(ctx: Ctx, about: dict[str, Any]) -> dict[str, Any]:
    """A note on ``about`` (a contact or a company), by the admin the body names."""
    body = body_of(ctx)
    if not body.get("body"):
        raise BadInput(error(400, "parameter_not_found", "body is required"))
    author = ctx.store.admins.get(str(body.get("admin_id"))) or ctx.store.admin()
    note = build.note(
        ctx.store.new_id(6), body=body["body"], about=about, author=author, created_at=now()
    )
    ctx.store.notes[note["id"]] = note
    return note


crud("notes", records="notes", param="note_id", kind="Note")
