"""Fake handlers: contacts and their tags, notes, companies, segments, subscriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .. import _records as build
from .._query import search_page
from .._registry import (
    BadInput,
    body_of,
    check_custom_attributes,
    cursor_page,
    find,
    handles,
    number_page,
    ok,
)
from .._store import error, not_found, now
from .notes import new_note

if TYPE_CHECKING:
    from .._ctx import Ctx


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


def _contact(ctx: Ctx, key: str = "contact_id") -> dict[str, Any]:
    contact_id = ctx.params.get(key) or ctx.params.get("id") or ""
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


@handles("contacts.list")
async def list_contacts(ctx: Ctx) -> web.Response:
    return cursor_page(ctx, "contacts", list(ctx.store.contacts.values()))


@handles("contacts.create")
async def create_contact(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    if not any(body.get(k) for k in ("email", "external_id", "role")):
        return error(400, "parameter_not_found", "email, external_id or role is required")
    role = body.get("role", "user")
    if role not in ("user", "lead"):
        return error(422, "parameter_invalid", f"role must be user or lead, not {role!r}")
    check_custom_attributes(body)
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
async def get_contact(ctx: Ctx) -> web.Response:
    return ok(_contact(ctx))


@handles("contacts.get_by_external_id")
async def get_contact_by_external_id(ctx: Ctx) -> web.Response:
    wanted = ctx.params["external_id"]
    for contact in ctx.store.contacts.values():
        if contact.get("external_id") == wanted:
            return ok(contact)
    return not_found("User")


@handles("contacts.update")
async def update_contact(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    body = body_of(ctx)
    check_custom_attributes(body)
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
async def delete_contact(ctx: Ctx) -> web.Response:
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
async def archive_contact(ctx: Ctx) -> web.Response:
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
async def merge_contacts(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    source, target = body.get("from"), body.get("into")
    store = ctx.store
    if source not in store.contacts or target not in store.contacts:
        return not_found("User")
    if store.contacts[source].get("role") != "lead":
        return error(400, "parameter_invalid", "from must be a lead")
    del store.contacts[source]
    store.merged[source] = target
    return ok(store.contacts[target])


@handles("contacts.search")
async def search_contacts(ctx: Ctx) -> web.Response:
    return search_page(
        ctx, list(ctx.store.contacts.values()), "contacts", "contacts", "data", "list"
    )


@handles("contacts.list_tags")
async def contact_tags(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    tags = [ctx.store.tags[r["id"]] for r in contact["tags"]["data"] if r["id"] in ctx.store.tags]
    return ok({"type": "list", "data": tags})


@handles("contacts.attach_tag")
async def tag_contact(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    tag = find(ctx.store.tags, body_of(ctx).get("id"), "Tag")
    refs = contact["tags"]["data"]
    if all(r["id"] != tag["id"] for r in refs):
        refs.append({"type": "tag", "id": tag["id"], "url": f"/tags/{tag['id']}"})
    contact["tags"]["total_count"] = len(refs)
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


@handles("contacts.detach_tag")
async def untag_contact(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    tag = find(ctx.store.tags, ctx.params["tag_id"], "Tag")
    contact["tags"]["data"] = [r for r in contact["tags"]["data"] if r["id"] != tag["id"]]
    contact["tags"]["total_count"] = len(contact["tags"]["data"])
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


@handles("contacts.create_note")
async def create_contact_note(ctx: Ctx) -> web.Response:
    return ok(new_note(ctx, _contact(ctx)))


@handles("contacts.list_notes")
async def contact_notes(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    notes = [
        n for n in ctx.store.notes.values() if (n.get("contact") or {}).get("id") == contact["id"]
    ]
    return number_page(ctx, notes, default_per_page=50)


@handles("contacts.list_companies")
async def contact_companies(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    refs = contact["companies"]["data"]
    companies = [ctx.store.companies[r["id"]] for r in refs if r["id"] in ctx.store.companies]
    return number_page(ctx, companies)


@handles("contacts.attach_company")
async def attach_company(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    company = find(ctx.store.companies, body_of(ctx).get("id"), "Company")
    refs = contact["companies"]["data"]
    if all(r["id"] != company["id"] for r in refs):
        refs.append({"type": "company", "id": company["id"], "url": f"/companies/{company['id']}"})
        company["user_count"] = int(company.get("user_count") or 0) + 1
    contact["companies"]["total_count"] = len(refs)
    return ok(company)


@handles("contacts.detach_company")
async def detach_company(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    company = find(ctx.store.companies, ctx.params["company_id"], "Company")
    contact["companies"]["data"] = [
        r for r in contact["companies"]["data"] if r["id"] != company["id"]
    ]
    contact["companies"]["total_count"] = len(contact["companies"]["data"])
    return ok(company)


@handles("contacts.list_segments")
async def contact_segments(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    role = contact.get("role")
    segments = [s for s in ctx.store.segments.values() if s.get("person_type") == role]
    return ok({"type": "list", "data": segments})


@handles("contacts.list_subscriptions")
async def contact_subscriptions(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    opted = contact.setdefault("subscriptions", [])
    return ok({"type": "list", "data": [ctx.store.subscription_types[s] for s in opted]})


@handles("contacts.attach_subscription", "contacts.detach_subscription")
async def contact_subscription(ctx: Ctx) -> web.Response:
    contact = _contact(ctx)
    wanted = str(ctx.params.get("subscription_id") or body_of(ctx).get("id"))
    if wanted not in ctx.store.subscription_types:
        return not_found("Subscription")
    opted = contact.setdefault("subscriptions", [])
    if ctx.op.name.endswith("attach_subscription") and wanted not in opted:
        opted.append(wanted)
    elif ctx.op.name.endswith("detach_subscription") and wanted in opted:
        opted.remove(wanted)
    return ok(ctx.store.subscription_types[wanted])
