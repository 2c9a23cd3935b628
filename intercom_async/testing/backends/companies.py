"""Fake handlers: companies (create-or-update by company_id, capped lists, the scroll)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..._paging import STYLES, PageContent
from .. import _records as build
from .._query import search_page
from .._registry import (
    body_of,
    check_custom_attributes,
    crud,
    find,
    handles,
    number_page,
    ok,
)
from .._store import InvalidCursor, decode_cursor, encode_cursor, error, now
from .notes import new_note

if TYPE_CHECKING:
    from .._ctx import Ctx


COMPANY_FIELDS = (
    "name",
    "company_id",
    "plan",
    "size",
    "website",
    "industry",
    "monthly_spend",
    "remote_created_at",
)


@handles("companies.create_or_update")
async def upsert_company(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    if not body.get("company_id") and not body.get("name"):
        return error(400, "parameter_not_found", "company_id or name is required")
    check_custom_attributes(body)
    store = ctx.store
    company = next(
        (
            c
            for c in store.companies.values()
            if body.get("company_id") and c.get("company_id") == body.get("company_id")
        ),
        None,
    )
    if company is None:
        company_id = store.new_id(2)
        company = build.company(company_id, company_id=body.get("company_id"), created_at=now())
        store.companies[company_id] = company
    for key in COMPANY_FIELDS:
        if key in body:
            company[key] = {"type": "plan", "name": body[key]} if key == "plan" else body[key]
    company["custom_attributes"] = {
        **company.get("custom_attributes", {}),
        **(body.get("custom_attributes") or {}),
    }
    company["updated_at"] = now()
    return ok(company)


@handles("companies.update")
async def update_company(ctx: Ctx) -> web.Response:
    company = find(ctx.store.companies, ctx.params["company_id"], "Company")
    body = body_of(ctx)
    for key in COMPANY_FIELDS:
        if key in body and key != "company_id":
            company[key] = body[key]
    if body.get("custom_attributes"):
        company["custom_attributes"] = {
            **company.get("custom_attributes", {}),
            **body["custom_attributes"],
        }
    company["updated_at"] = now()
    return ok(company)


def _company_list(ctx: Ctx) -> list[dict[str, Any]]:
    companies = list(ctx.store.companies.values())
    for key in ("name", "company_id"):
        if ctx.query.get(key):
            companies = [c for c in companies if c.get(key) == ctx.query[key]]
    if ctx.query.get("order") == "desc":
        companies.reverse()
    return companies


@handles("companies.retrieve", "companies.list")
async def list_companies(ctx: Ctx) -> web.Response:
    # Intercom reaches at most 10,000 companies this way; scroll is the way past it.
    return number_page(ctx, _company_list(ctx))


@handles("companies.list_contacts")
async def company_contacts(ctx: Ctx) -> web.Response:
    company = find(ctx.store.companies, ctx.params["company_id"], "Company")
    members = [
        c
        for c in ctx.store.contacts.values()
        if any(r["id"] == company["id"] for r in c["companies"]["data"])
    ]
    return number_page(ctx, members, default_per_page=50)


@handles("companies.list_segments")
async def company_segments(ctx: Ctx) -> web.Response:
    find(ctx.store.companies, ctx.params["company_id"], "Company")
    return ok({"type": "list", "data": []})


@handles("companies.create_note")
async def create_company_note(ctx: Ctx) -> web.Response:
    return ok(new_note(ctx, find(ctx.store.companies, ctx.params["company_id"], "Company")))


@handles("companies.list_notes")
async def company_notes(ctx: Ctx) -> web.Response:
    company = find(ctx.store.companies, ctx.params["company_id"], "Company")
    notes = [
        n for n in ctx.store.notes.values() if (n.get("company") or {}).get("id") == company["id"]
    ]
    return number_page(ctx, notes, default_per_page=50)


@handles("companies.scroll")
async def scroll_companies(ctx: Ctx) -> web.Response:
    """One open scroll per app: a second is refused while the first is alive. A scroll_param
    lives ``scroll_expiry`` seconds after its last use; a stale or expired param ends the scroll
    (it cannot resume, only restart). As on Intercom, the param names the scroll and the
    position lives here: each request with it gets the next page (unless the fake was made
    with ``constant_scroll_param=False``, which hands out a param per page)."""
    state = ctx.fake.scroll_state
    param, _size = STYLES["scroll"].asked(ctx.query, None)
    moment = time.monotonic()
    if param:
        if state.get("param") != param:
            state.clear()
            return error(
                404,
                "scroll_parameter_not_found",
                "scroll_param not found: it expired or was already used",
            )
        if moment - state["used_at"] > ctx.fake.scroll_expiry:
            state.clear()
            return error(404, "scroll_parameter_not_found", "scroll_param expired")
        if ctx.fake.constant_scroll_param:
            offset = state["position"]
        else:
            try:
                offset = decode_cursor(f"scroll{state['serial']}", param)
            except InvalidCursor:
                return error(404, "scroll_parameter_not_found", "scroll_param not found")
    else:
        if state and moment - state["used_at"] <= ctx.fake.scroll_expiry:
            return error(
                400,
                "scroll_exists",
                "Only one scroll can be open per app: finish the open scroll first",
            )
        state.clear()
        state["serial"] = ctx.fake.stats.served
        offset = 0
    companies = list(ctx.store.companies.values())
    chunk = companies[offset : offset + ctx.fake.scroll_page_size]
    if ctx.fake.constant_scroll_param:
        following = encode_cursor(f"scroll{state['serial']}", 0)
    else:
        following = encode_cursor(f"scroll{state['serial']}", offset + len(chunk))
    if chunk:
        state.update(param=following, used_at=moment, position=offset + len(chunk))
    else:
        state.clear()
    return ok(STYLES["scroll"].render(PageContent(chunk, following)))


crud("companies", records="companies", param="company_id", kind="Company", delete=True)


@handles("preview.companies.search")
async def search_companies(ctx: Ctx) -> web.Response:
    """Preview's ``POST /companies/search``: companies without a contact are not found, as the
    description says of Intercom's."""
    with_contacts = {
        ref["id"] for contact in ctx.store.contacts.values() for ref in contact["companies"]["data"]
    }
    found = [c for c in ctx.store.companies.values() if c["id"] in with_contacts]
    return search_page(ctx, found, "companies", "companies", "data", "list")
