"""Fake handlers for contacts, companies, tags, notes and segments."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from .._paging import STYLES, PageContent
from ..search import QueryError
from . import _records as build
from ._query import matcher, sort_key
from ._registry import BadInput, cursor_page, find, handles, number_page, ok
from ._store import InvalidCursor, decode_cursor, encode_cursor, error, not_found, now

CONTACT_FIELDS = (
    "external_id",
    "email",
    "phone",
    "name",
    "avatar",
    "signed_up_at",
    "last_seen_at",
    "owner_id",
    "unsubscribed_from_emails",
    "language_override",
)


def _body(ctx: Any) -> dict[str, Any]:
    if ctx.body is None:
        return {}
    if not isinstance(ctx.body, dict):
        raise BadInput(error(422, "data_invalid", "The request body must be a JSON object"))
    body: dict[str, Any] = ctx.body
    return body


def _contact(ctx: Any, key: str = "contact_id") -> dict[str, Any]:
    contact_id = ctx.params.get(key) or ctx.params.get("id")
    store = ctx.store
    if contact_id in store.merged:
        canonical = store.merged[contact_id]
        raise BadInput(
            error(
                410,
                "contact_merged",
                "This contact has been merged. See the 'Link' header.",
                headers={"Link": f'</contacts/{canonical}>; rel="canonical"'},
            )
        )
    contact = store.contacts.get(contact_id)
    if contact is None:
        raise BadInput(not_found("User"))
    result: dict[str, Any] = contact
    return result


def _check_custom_attributes(body: dict[str, Any]) -> None:
    custom = body.get("custom_attributes")
    if custom is not None and not isinstance(custom, dict):
        raise BadInput(error(422, "parameter_invalid", "custom_attributes must be an object"))


@handles("contacts.list")
async def list_contacts(ctx: Any) -> web.Response:
    return cursor_page(ctx, "contacts", list(ctx.store.contacts.values()))


@handles("contacts.create")
async def create_contact(ctx: Any) -> web.Response:
    body = _body(ctx)
    if not any(body.get(k) for k in ("email", "external_id", "role")):
        return error(400, "parameter_not_found", "email, external_id or role is required")
    role = body.get("role", "user")
    if role not in ("user", "lead"):
        return error(422, "parameter_invalid", f"role must be user or lead, not {role!r}")
    _check_custom_attributes(body)
    store = ctx.store
    existing = store.find_contact(body.get("email"), body.get("external_id"))
    if existing is not None:
        return error(
            409,
            "conflict",
            f"A contact matching those details already exists with id={existing['id']}",
        )
    contact_id = store.new_id(1)
    contact = build.contact(contact_id, role=role, created_at=now())
    contact.update({k: body[k] for k in CONTACT_FIELDS if k in body})
    contact["custom_attributes"] = dict(body.get("custom_attributes") or {})
    store.contacts[contact_id] = contact
    store.index_contact(contact)
    return ok(contact)


@handles("contacts.get")
async def get_contact(ctx: Any) -> web.Response:
    return ok(_contact(ctx))


@handles("contacts.get_by_external_id")
async def get_contact_by_external_id(ctx: Any) -> web.Response:
    wanted = ctx.params["external_id"]
    for contact in ctx.store.contacts.values():
        if contact.get("external_id") == wanted:
            return ok(contact)
    return not_found("User")


@handles("contacts.update")
async def update_contact(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    body = _body(ctx)
    _check_custom_attributes(body)
    for key in (*CONTACT_FIELDS, "role"):
        if key in body:
            contact[key] = body[key]
    if "custom_attributes" in body:
        merged = dict(contact.get("custom_attributes") or {})
        merged.update(body["custom_attributes"] or {})
        contact["custom_attributes"] = merged
    contact["updated_at"] = now()
    ctx.store.index_contact(contact)
    return ok(contact)


@handles("contacts.delete")
async def delete_contact(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    del ctx.store.contacts[contact["id"]]
    return ok(
        {
            "type": "contact",
            "id": contact["id"],
            "external_id": contact.get("external_id"),
            "deleted": True,
        }
    )


@handles("contacts.archive", "contacts.unarchive")
async def archive_contact(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    contact["archived"] = ctx.op.name == "contacts.archive"
    return ok(
        {
            "type": "contact",
            "id": contact["id"],
            "external_id": contact.get("external_id"),
            "archived": contact["archived"],
        }
    )


@handles("contacts.merge")
async def merge_contacts(ctx: Any) -> web.Response:
    body = _body(ctx)
    source, target = body.get("from"), body.get("into")
    store = ctx.store
    if source not in store.contacts or target not in store.contacts:
        return not_found("User")
    if store.contacts[source].get("role") != "lead":
        return error(400, "parameter_invalid", "from must be a lead")
    del store.contacts[source]
    store.merged[source] = target
    return ok(store.contacts[target])


def _search(
    ctx: Any, records: list[dict[str, Any]], target: str, kind: str, key: str, list_type: str
) -> web.Response:
    body = _body(ctx)
    delay = ctx.fake.search_delay
    if delay:
        # The index lags the writes: what changed within the delay is not found yet (updated_at
        # is whole seconds, so a write shows up between delay - 1 and delay seconds later).
        cutoff = time.time() - delay
        records = [r for r in records if (r.get("updated_at") or 0) <= cutoff]
    try:
        matches = matcher(body.get("query"), target)  # type: ignore[arg-type]
    except QueryError as exc:
        return error(400, "parameter_invalid", str(exc))
    found = [r for r in records if matches(r)]
    order = (body.get("sort") or {}).get("order") if isinstance(body.get("sort"), dict) else None
    if order not in (None, "ascending", "descending"):
        return error(400, "invalid_sort_order", "sort order must be ascending or descending")
    sort = sort_key(body.get("sort"))
    if sort is not None:
        found.sort(key=sort[0], reverse=sort[1])
    return cursor_page(
        ctx, f"search-{kind}", found, items_key=key, list_type=list_type, style="search"
    )


@handles("contacts.search")
async def search_contacts(ctx: Any) -> web.Response:
    return _search(ctx, list(ctx.store.contacts.values()), "contacts", "contacts", "data", "list")


@handles("contacts.list_tags")
async def contact_tags(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    tags = [ctx.store.tags[r["id"]] for r in contact["tags"]["data"] if r["id"] in ctx.store.tags]
    return ok({"type": "list", "data": tags})


def _tag(ctx: Any, tag_id: Any) -> dict[str, Any]:
    return find(ctx.store.tags, tag_id, "Tag")


@handles("contacts.attach_tag")
async def tag_contact(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    tag = _tag(ctx, _body(ctx).get("id"))
    refs = contact["tags"]["data"]
    if all(r["id"] != tag["id"] for r in refs):
        refs.append({"type": "tag", "id": tag["id"], "url": f"/tags/{tag['id']}"})
    contact["tags"]["total_count"] = len(refs)
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


@handles("contacts.detach_tag")
async def untag_contact(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    tag = _tag(ctx, ctx.params["tag_id"])
    contact["tags"]["data"] = [r for r in contact["tags"]["data"] if r["id"] != tag["id"]]
    contact["tags"]["total_count"] = len(contact["tags"]["data"])
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


def _new_note(ctx: Any, about: dict[str, Any], key: str) -> dict[str, Any]:
    body = _body(ctx)
    if not body.get("body"):
        raise BadInput(error(400, "parameter_not_found", "body is required"))
    author = ctx.store.admins.get(str(body.get("admin_id"))) or ctx.store.admin()
    note = build.note(
        ctx.store.new_id(6), body=body["body"], about=about, author=author, created_at=now()
    )
    ctx.store.notes[note["id"]] = note
    return note


@handles("contacts.create_note")
async def create_contact_note(ctx: Any) -> web.Response:
    return ok(_new_note(ctx, _contact(ctx), "contact"))


@handles("contacts.list_notes")
async def contact_notes(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    notes = [
        n for n in ctx.store.notes.values() if (n.get("contact") or {}).get("id") == contact["id"]
    ]
    return number_page(ctx, notes, default_per_page=50)


@handles("notes.get")
async def get_note(ctx: Any) -> web.Response:
    note = ctx.store.notes.get(ctx.params["note_id"])
    return ok(note) if note else not_found("Note")


def _company(ctx: Any, company_id: Any) -> dict[str, Any]:
    return find(ctx.store.companies, company_id, "Company")


@handles("contacts.list_companies")
async def contact_companies(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    refs = contact["companies"]["data"]
    companies = [ctx.store.companies[r["id"]] for r in refs if r["id"] in ctx.store.companies]
    return number_page(ctx, companies)


@handles("contacts.attach_company")
async def attach_company(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    company = _company(ctx, _body(ctx).get("id"))
    refs = contact["companies"]["data"]
    if all(r["id"] != company["id"] for r in refs):
        refs.append({"type": "company", "id": company["id"], "url": f"/companies/{company['id']}"})
        company["user_count"] = int(company.get("user_count") or 0) + 1
    contact["companies"]["total_count"] = len(refs)
    return ok(company)


@handles("contacts.detach_company")
async def detach_company(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    company = _company(ctx, ctx.params["company_id"])
    contact["companies"]["data"] = [
        r for r in contact["companies"]["data"] if r["id"] != company["id"]
    ]
    contact["companies"]["total_count"] = len(contact["companies"]["data"])
    return ok(company)


@handles("contacts.list_segments")
async def contact_segments(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    role = contact.get("role")
    segments = [s for s in ctx.store.segments.values() if s.get("person_type") == role]
    return ok({"type": "list", "data": segments})


@handles("contacts.list_subscriptions")
async def contact_subscriptions(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    opted = contact.setdefault("subscriptions", [])
    return ok({"type": "list", "data": [ctx.store.subscription_types[s] for s in opted]})


@handles("contacts.attach_subscription", "contacts.detach_subscription")
async def contact_subscription(ctx: Any) -> web.Response:
    contact = _contact(ctx)
    wanted = str(ctx.params.get("subscription_id") or _body(ctx).get("id"))
    if wanted not in ctx.store.subscription_types:
        return not_found("Subscription")
    opted = contact.setdefault("subscriptions", [])
    if ctx.op.name.endswith("attach_subscription") and wanted not in opted:
        opted.append(wanted)
    elif ctx.op.name.endswith("detach_subscription") and wanted in opted:
        opted.remove(wanted)
    return ok(ctx.store.subscription_types[wanted])


# -- companies ---------------------------------------------------------------------------------

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
async def upsert_company(ctx: Any) -> web.Response:
    body = _body(ctx)
    if not body.get("company_id") and not body.get("name"):
        return error(400, "parameter_not_found", "company_id or name is required")
    _check_custom_attributes(body)
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


@handles("companies.get")
async def get_company(ctx: Any) -> web.Response:
    return ok(_company(ctx, ctx.params["company_id"]))


@handles("companies.update")
async def update_company(ctx: Any) -> web.Response:
    company = _company(ctx, ctx.params["company_id"])
    body = _body(ctx)
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


@handles("companies.delete")
async def delete_company(ctx: Any) -> web.Response:
    company = _company(ctx, ctx.params["company_id"])
    del ctx.store.companies[company["id"]]
    return ok({"id": company["id"], "object": "company", "deleted": True})


def _company_list(ctx: Any) -> list[dict[str, Any]]:
    companies = list(ctx.store.companies.values())
    for key in ("name", "company_id"):
        if ctx.query.get(key):
            companies = [c for c in companies if c.get(key) == ctx.query[key]]
    if ctx.query.get("order") == "desc":
        companies.reverse()
    return companies


@handles("companies.retrieve", "companies.list")
async def list_companies(ctx: Any) -> web.Response:
    # Intercom reaches at most 10,000 companies this way; scroll is the way past it.
    return number_page(ctx, _company_list(ctx))


@handles("companies.list_contacts")
async def company_contacts(ctx: Any) -> web.Response:
    company = _company(ctx, ctx.params["company_id"])
    members = [
        c
        for c in ctx.store.contacts.values()
        if any(r["id"] == company["id"] for r in c["companies"]["data"])
    ]
    return number_page(ctx, members, default_per_page=50)


@handles("companies.list_segments")
async def company_segments(ctx: Any) -> web.Response:
    _company(ctx, ctx.params["company_id"])
    return ok({"type": "list", "data": []})


@handles("companies.create_note")
async def create_company_note(ctx: Any) -> web.Response:
    return ok(_new_note(ctx, _company(ctx, ctx.params["company_id"]), "company"))


@handles("companies.list_notes")
async def company_notes(ctx: Any) -> web.Response:
    company = _company(ctx, ctx.params["company_id"])
    notes = [
        n for n in ctx.store.notes.values() if (n.get("company") or {}).get("id") == company["id"]
    ]
    return number_page(ctx, notes, default_per_page=50)


@handles("companies.scroll")
async def scroll_companies(ctx: Any) -> web.Response:
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


# -- tags and segments -------------------------------------------------------------------------


@handles("tags.list")
async def list_tags(ctx: Any) -> web.Response:
    return ok({"type": "list", "data": list(ctx.store.tags.values())})


@handles("tags.create")
async def create_tag(ctx: Any) -> web.Response:
    """Create (or find) a tag by name, and tag or untag the companies and users sent with it."""
    body = _body(ctx)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        return error(400, "parameter_not_found", "name is required")
    store = ctx.store
    tag = next((t for t in store.tags.values() if t["name"] == name), None)
    if tag is None:
        tag_id = store.serial("tag", store.tags, 1)
        tag = store.tags[tag_id] = build.tag(tag_id, name=name)
    targets = {"companies": _tag_companies, "users": _tag_users}
    if not any(key in body for key in targets):
        return ok(tag)
    answer = dict(tag)
    for key, apply in targets.items():
        entries = body.get(key) or []
        if not isinstance(entries, list):
            return error(400, "parameter_invalid", f"{key} must be a list")
        answer[key] = [apply(ctx, tag, entry) for entry in entries]
    return ok(answer)


def _tag_companies(ctx: Any, tag: dict[str, Any], entry: Any) -> dict[str, Any]:
    wanted = entry if isinstance(entry, dict) else {}
    company = ctx.store.companies.get(str(wanted.get("id"))) or next(
        (
            c
            for c in ctx.store.companies.values()
            if wanted.get("company_id") and c.get("company_id") == wanted.get("company_id")
        ),
        None,
    )
    if company is None:
        raise BadInput(not_found("Company"))
    tags = company["tags"]["tags"]
    untag = bool(wanted.get("untag"))
    company["tags"]["tags"] = [t for t in tags if t["id"] != tag["id"]]
    if not untag:
        company["tags"]["tags"].append({"type": "tag", "id": tag["id"], "name": tag["name"]})
    return {"id": company["id"], "tagged": not untag}


def _tag_users(ctx: Any, tag: dict[str, Any], entry: Any) -> dict[str, Any]:
    wanted = entry if isinstance(entry, dict) else {}
    contact = ctx.store.contacts.get(str(wanted.get("id")))
    if contact is None:
        raise BadInput(not_found("User"))
    refs = [r for r in contact["tags"]["data"] if r["id"] != tag["id"]]
    untag = bool(wanted.get("untag"))
    if not untag:
        refs.append({"type": "tag", "id": tag["id"], "url": f"/tags/{tag['id']}"})
    contact["tags"]["data"], contact["tags"]["total_count"] = refs, len(refs)
    return {"id": contact["id"], "tagged": not untag}


@handles("tags.get")
async def get_tag(ctx: Any) -> web.Response:
    return ok(_tag(ctx, ctx.params["tag_id"]))


@handles("tags.delete")
async def delete_tag(ctx: Any) -> web.Response:
    tag = _tag(ctx, ctx.params["tag_id"])
    del ctx.store.tags[tag["id"]]
    return web.Response(status=200)


@handles("segments.list")
async def list_segments(ctx: Any) -> web.Response:
    return ok({"type": "segment.list", "segments": list(ctx.store.segments.values())})


@handles("segments.get")
async def get_segment(ctx: Any) -> web.Response:
    segment = ctx.store.segments.get(ctx.params["segment_id"])
    return ok(segment) if segment else not_found("Segment")
