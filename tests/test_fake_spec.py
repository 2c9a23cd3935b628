"""Every operation on a seeded FakeIntercom answers what its description says it answers: the
2.16 description for the numbered API, the Preview description for ``client.preview``
(keyed ``preview.<name>`` here; sent with ``Intercom-Version: Preview``).

Each operation is called over HTTP with ids the seeded workspace holds and the description's
own request example; its 2xx JSON body must validate against the description's response schema
(OpenAPI 3.0 ``nullable`` read as JSON Schema's null) and carry most keys of the description's
example. The description is read from ../shared here, never from the fake's own samples.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import aiohttp
import jsonschema
import pytest

from intercom_async import NotFoundError
from intercom_async._decode import decode
from intercom_async._operation import Operation
from intercom_async.operations import OPERATIONS, PREVIEW_OPERATIONS
from intercom_async.testing import FakeIntercom

from .spec_data import examples, resolve_response, spec

# Where the 2.16 description is wrong about what Intercom sends (the fake follows Intercom):
# (operations, where in the body, why). Each is a fact from ../shared/api-notes.md or the
# description contradicting itself.
KNOWN_DESCRIPTION_MISTAKES: list[tuple[str, str, str]] = [
    (".*", r"(^|/)custom_attributes/", "custom attribute values are any JSON (api-notes)"),
    (
        "(contacts|companies|visitors)\\..*",
        r"(^|/)avatar: '.*' is not of type 'object'",
        "a contact's avatar is a URL string in real responses (api-notes)",
    ),
    (
        r"admins\.me",
        r"^avatar: '.*' is not of type 'object'",
        "2.16 declares an admin's avatar a URL string, but admin_with_app's an object",
    ),
    (
        r"admins\.(list|search)_activity_logs",
        r"/metadata/",
        "the description's own activity log examples break its metadata schema",
    ),
    (
        r"conversations\.run_assignment_rules",
        r"required property|priority: ",
        "a 2.11-only operation: the fake answers the conversation in its 2.16 shape",
    ),
]

DECLARES_NO_SUCCESS = {"calls.get_fin_voice_by_phone_number"}

# A share of the example's keys below this means the fake answers a thinner object than Intercom.
MIN_KEY_SHARE = 0.8

# Path parameters that name a record of a stateful resource, by parameter or path segment.
STORES = {
    "contacts": "contacts",
    "contact": "contacts",
    "companies": "companies",
    "company": "companies",
    "conversations": "conversations",
    "conversation": "conversations",
    "tickets": "tickets",
    "ticket": "tickets",
    "admins": "admins",
    "admin": "admins",
    "teams": "teams",
    "team": "teams",
    "tags": "tags",
    "tag": "tags",
    "articles": "articles",
    "article": "articles",
    "ticket_types": "ticket_types",
    "ticket_type": "ticket_types",
    "segments": "segments",
    "segment": "segments",
    "notes": "notes",
    "note": "notes",
    "data_attributes": "data_attributes",
    "subscriptions": "subscription_types",
    "subscription_types": "subscription_types",
}


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: ``nullable: true`` admits null."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _nullable(v) for k, v in node.items() if k not in ("nullable", "example")}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _components(version: str) -> dict[str, Any]:
    # Older descriptions point at schemas they do not define (2.11's conversation names
    # custom_attributes): those come from 2.16.
    schemas = {**spec("2.16")["components"]["schemas"], **spec(version)["components"]["schemas"]}
    converted: dict[str, Any] = _nullable({"schemas": schemas})
    return converted


def _op(key: str) -> Operation[Any]:
    """``contacts.get`` names a numbered operation, ``preview.contacts.get`` a Preview one."""
    if key.startswith("preview."):
        return PREVIEW_OPERATIONS[key.removeprefix("preview.")]
    return OPERATIONS[key]


def _raw(op_name: str) -> tuple[str, dict[str, Any]]:
    op = _op(op_name)
    version = "2.16" if op.removed_in is None and op.api_version != "Preview" else op.api_version
    return version, spec(version)["paths"][op.path][op.method.lower()]


def _declared(op_name: str) -> tuple[int, dict[str, Any] | None]:
    """The operation's success status (a redirect where it answers one) and its JSON media."""
    version, raw = _raw(op_name)
    answers = sorted(raw["responses"].items(), key=lambda kv: str(kv[0]))
    successes = [a for a in answers if str(a[0])[0] == "2"]
    for code, response in successes or [a for a in answers if str(a[0])[0] == "3"]:
        content = resolve_response(version, response).get("content") or {}
        return int(code), content.get("application/json")
    # 2.16 declares no success for it: the fake answers 200 with no body, as the client reads it.
    bare = op_name.removeprefix("preview.")
    assert bare in DECLARES_NO_SUCCESS, f"{op_name} declares no 2xx answer"
    return 200, None


def _example_request(op_name: str) -> Any:
    _, raw = _raw(op_name)
    media = (raw.get("requestBody") or {}).get("content", {}).get("application/json")
    if not media:
        return None
    for name, value in examples(media):
        if not re.search(r"bad|invalid|not_found|error", name, re.I):
            return copy.deepcopy(value)
    return None


def _example_ids(prefix: str, version: str) -> Iterator[str]:
    """Ids of the description's example records of the collection at path template ``prefix``:
    those of its get, of its list's items, and (when nothing reads them) of its create's."""
    found = list(_examples_at(prefix, "get", version))
    yield from found or _examples_at(prefix, "post", version)


def _examples_at(prefix: str, wanted: str, version: str) -> Iterator[str]:
    for path, item in spec(version)["paths"].items():
        own = re.fullmatch(re.escape(prefix) + r"/\{([^}]+)\}", path)
        raw = item.get(wanted)
        if raw is None or not ((own and wanted == "get") or path == prefix):
            continue
        answer = next((r for c, r in raw["responses"].items() if str(c).startswith("2")), {})
        media = resolve_response(version, answer).get("content", {})
        for _, value in examples(media.get("application/json") or {}):
            records = [value]
            if wanted == "get" and not own and isinstance(value, dict):
                records = next((v for v in value.values() if isinstance(v, list)), [])[:1]
            for record in records:
                if not isinstance(record, dict):
                    continue
                nested = [v["id"] for v in record.values() if isinstance(v, dict) and "id" in v]
                key = own.group(1) if own else "id"
                found = record.get(key) or record.get("id") or (nested[:1] or [None])[0]
                if found:
                    yield str(found)


async def _prepare(fake: FakeIntercom, session: aiohttp.ClientSession) -> None:
    """Give the seeded workspace a ticket, a note and a lead, which seeding may leave out."""
    store = fake.store
    contact = next(iter(store.contacts))
    ticket_type = next(iter(store.ticket_types))
    for path, body in (
        (
            "/tickets",
            {
                "ticket_type_id": ticket_type,
                "contacts": [{"id": contact}],
                "ticket_attributes": {"_default_title_": "Broken"},
            },
        ),
        (f"/contacts/{contact}/notes", {"body": "A note", "admin_id": next(iter(store.admins))}),
        ("/contacts", {"role": "lead", "name": "A lead"}),
    ):
        async with session.post(fake.base_url + path, json=body) as response:
            assert response.status < 300, (path, await response.text())


# Ids only an earlier call hands out (export, job and call ids): the operation that makes one
# and the field of its answer that names it.
MADE_BY = {
    "/export/content/data": ("data_export.create", "job_identifier"),
    "/export/cancel": ("data_export.create", "job_identifier"),
    "/download/content/data": ("data_export.create", "job_identifier"),
    "/export/reporting_data": ("reporting_data_export.enqueue", "job_identifier"),
    "/download/reporting_data": ("reporting_data_export.enqueue", "job_identifier"),
    "/jobs/status": ("tickets.enqueue_create", "id"),
    "/fin_voice/collect": ("calls.register_fin_voice", "id"),
    "/fin_voice/external_id": ("calls.register_fin_voice", "external_call_id"),
    "/fin_voice/phone_number": ("calls.register_fin_voice", "user_phone_number"),
}

Store = Any


def _first(records: dict[str, Any]) -> str:
    return next(iter(records))


# Path parameters that are not ids of the collection before them.
PARAM_VALUES: dict[str, Callable[[Store], str]] = {
    "external_id": lambda s: next(
        str(c["external_id"]) for c in s.contacts.values() if c.get("external_id")
    ),
    "custom_object_type_identifier": lambda s: "Order",
}

# What a caller sends in place of the description's example ids: ids this workspace holds.
BODIES: dict[str, Callable[[Store], dict[str, Any]]] = {
    **{
        f"{resource}.attach_tag": lambda s: {"id": _first(s.tags), "admin_id": _first(s.admins)}
        for resource in (
            "articles",
            "contacts",
            "content_snippets",
            "conversations",
            "internal_articles",
            "tickets",
        )
    },
    "contacts.attach_company": lambda s: {"id": _first(s.companies)},
    "contacts.attach_subscription": lambda s: {
        "id": _first(s.subscription_types),
        "consent_type": "opt_in",
    },
    "contacts.merge": lambda s: {
        "from": next(c["id"] for c in s.contacts.values() if c["role"] == "lead"),
        "into": next(c["id"] for c in s.contacts.values() if c["role"] == "user"),
    },
    "conversations.create": lambda s: {"from": {"type": "user", "id": _first(s.contacts)}},
    "conversations.manage": lambda s: {"admin_id": _first(s.admins)},
    "conversations.reply": lambda s: {
        "message_type": "comment",
        "type": "user",
        "intercom_user_id": _first(s.contacts),
    },
    "tickets.reply": lambda s: {
        "message_type": "comment",
        "type": "user",
        "intercom_user_id": _first(s.contacts),
    },
    "events.create": lambda s: {
        "event_name": "ordered",
        "created_at": 1_700_000_000,
        "id": _first(s.contacts),
    },
    "tags.create": lambda s: {"companies": [{"id": _first(s.companies)}]},
    "tickets.create": lambda s: {
        "ticket_type_id": _first(s.ticket_types),
        "contacts": [{"id": _first(s.contacts)}],
    },
}

# Required query parameters, as a caller fills them.
QUERIES: dict[str, Callable[[Store], dict[str, str]]] = {
    "admins.list_activity_logs": lambda s: {"created_at_after": "1677253093"},
    "events.list": lambda s: {"type": "user", "intercom_user_id": _first(s.contacts)},
    "custom_object_instances.delete_by_external_id": lambda s: {"external_id": "123"},
    "messages.get_whatsapp_status": lambda s: {"message_id": "msg_1"},
    "messages.list_statuses": lambda s: {"ruleset_id": "12345"},
    "visitors.get": lambda s: {"user_id": "3ecf64d0-9ed1-4e9f-88e1-da7d6e6782f3"},
    "reporting_data_export.get_status": lambda s: {"app_id": "ecahpwf5", "client_id": "c1"},
    "reporting_data_export.download": lambda s: {"app_id": "ecahpwf5"},
}


async def _made_id(
    fake: FakeIntercom, session: aiohttp.ClientSession, maker: str, field: str
) -> str:
    op = _op(maker)
    body = _example_request(maker)
    async with session.request(op.method, fake.base_url + op.path, json=body) as made:
        answer = await made.json()
    return str(answer[field])


async def _path(fake: FakeIntercom, session: aiohttp.ClientSession, op_name: str) -> str:
    op = _op(op_name)
    version, _ = _raw(op_name)
    preview = "preview." if op_name.startswith("preview.") else ""
    segments = op.path.strip("/").split("/")
    concrete: list[str] = []
    for index, segment in enumerate(segments):
        match = re.fullmatch(r"\{(.+)\}", segment)
        if match is None:
            concrete.append(segment)
            continue
        name = match.group(1)
        prefix = "/" + "/".join(segments[:index])
        owner = name.removesuffix("_id") if name.endswith("_id") else segments[index - 1]
        store = STORES.get(owner) or STORES.get(segments[index - 1])
        value: str | None = None
        if prefix in MADE_BY:
            maker, field = MADE_BY[prefix]
            value = await _made_id(fake, session, preview + maker, field)
        elif name in PARAM_VALUES:
            value = PARAM_VALUES[name](fake.store)
        elif store is not None and getattr(fake.store, store):
            value = _first(getattr(fake.store, store))
        else:
            value = next(_example_ids(prefix, version), None)
        concrete.append(value if value is not None else "1")
    return "/" + "/".join(concrete)


def _share_of_example_keys(body: Any, media: dict[str, Any] | None) -> float:
    example = next((v for _, v in examples(media or {})), None)
    if not isinstance(example, dict) or not example or not isinstance(body, dict):
        return 1.0
    return len(set(example) & set(body)) / len(example)


async def _call(op_name: str, **fake_options: Any) -> tuple[int, str, str, str]:
    """Call the operation on a freshly seeded fake: status, content type, body and path."""
    op = _op(op_name)
    bare = op_name.removeprefix("preview.")
    headers = {"Authorization": "Bearer test", "Intercom-Version": op.api_version}
    async with (
        FakeIntercom(**fake_options) as fake,
        aiohttp.ClientSession(headers=headers) as session,
    ):
        fake.seed(contacts=5, companies=3, conversations=3)
        await _prepare(fake, session)
        path = await _path(fake, session, op_name)
        body = _example_request(op_name)
        if bare in BODIES:
            body = {**(body or {}), **BODIES[bare](fake.store)}
        query = QUERIES[bare](fake.store) if bare in QUERIES else None
        url = fake.base_url + path
        async with session.request(
            op.method, url, json=body, params=query, allow_redirects=False
        ) as response:
            return response.status, response.content_type, await response.text(), path


def _mistakes(op_name: str, problems: list[str]) -> list[str]:
    return [
        p
        for p in problems
        if not any(
            re.fullmatch(ops, op_name.removeprefix("preview.")) and re.search(where, p)
            for ops, where, _reason in KNOWN_DESCRIPTION_MISTAKES
        )
    ]


@pytest.mark.parametrize(
    "op_name", [*sorted(OPERATIONS), *(f"preview.{name}" for name in sorted(PREVIEW_OPERATIONS))]
)
async def test_every_operation_answers_what_the_description_declares(op_name: str) -> None:
    op = _op(op_name)
    status, media = _declared(op_name)
    answered, kind, text, path = await _call(op_name)
    assert answered == status, f"{op_name} {op.method} {path}: {answered} {text[:300]}"
    if op.response_kind != "json" or media is None or "schema" not in media:
        return
    assert kind == "application/json"
    decoded = json.loads(text)
    described = [v for _, v in examples(media)]
    assert decoded != {} or described == [{}], f"{op_name} answered an empty object"
    # And the client reads it into its model.
    assert decode(text.encode(), op.response_type) is not None
    version, _ = _raw(op_name)
    schema = {**_nullable(media["schema"]), **_components_root(version)}
    validator = jsonschema.Draft7Validator(schema)
    problems = _mistakes(op_name, [_describe(e) for e in validator.iter_errors(decoded)])
    assert not problems, f"{op_name}: {problems[:5]}"
    # The shape's completeness, with the null keys Intercom leaves out sent as null.
    _, _, whole, _ = await _call(op_name, omit_null_keys=False)
    share = _share_of_example_keys(json.loads(whole), media)
    assert share >= MIN_KEY_SHARE, f"{op_name}: {share:.0%} of the example's keys"


def _describe(error: jsonschema.ValidationError) -> str:
    """Where a body breaks its schema; for an anyOf/oneOf, the closest branch's reason."""
    while error.context:
        # Into the branch that got furthest: not the "or null" of a nullable object.
        branches = [e for e in error.context if e.validator_value != "null"] or error.context
        error = max(branches, key=lambda e: len(e.absolute_path))
    return f"{'/'.join(map(str, error.absolute_path))}: {error.message[:120]}"


def _components_root(version: str) -> dict[str, Any]:
    return {"components": _components(version)}


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/news/news_items/{id}", "not_found"),
        ("/data_connectors/{id}", "data_connector_not_found"),
        ("/office_hours_schedules/{id}", "not_found"),
    ],
)
async def test_an_unknown_id_answers_the_operations_own_not_found(path: str, code: str) -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        with pytest.raises(NotFoundError) as raised:
            await client.request("GET", path, path_params={"id": "999999"})
    assert raised.value.code == code
