"""What real Intercom sends that the descriptions do not say (issue 11), on loopback servers.

Each body here is shaped like a recorded real response, not like our fake or the spec's own
examples: avatars as URL strings, timestamps as strings, a top-level array, fields only older
versions declare, fields no description declares, and values of a wholly unexpected shape.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import msgspec
import pytest
from aiohttp import web

from intercom_async import DecodeError, models, to_dict
from intercom_async._decode import decode
from intercom_async.operations import OPERATIONS
from intercom_async.webhooks import parse_notification

from .conftest import make_client, serve


def contact(i: int, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "contact",
        "id": f"c{i}",
        "email": f"person{i}@example.com",
        "avatar": f"https://static.intercomassets.com/avatars/{i}/square_128/a.png",
        "created_at": 1700000000 + i,
    }
    record.update(fields)
    return record


def page(items: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    next_page = {"starting_after": after} if after else None
    return {
        "type": "list",
        "data": items,
        "total_count": len(items),
        "pages": {"type": "pages", "next": next_page, "page": 1, "per_page": 150},
    }


async def _serving(answers: dict[str, Any]) -> Any:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=json.dumps(answers[request.path]).encode(), content_type="application/json"
        )

    return serve(handler)


async def test_avatar_as_url_string_or_object_keeps_the_whole_page() -> None:
    items = [contact(i) for i in range(3)]
    items.append(contact(3, avatar={"type": "avatar", "image_url": "https://example.org/a.png"}))
    async with await _serving({"/contacts": page(items)}) as url, make_client(url) as client:
        listed = await client.contacts.list().to_list()
    assert [c.id for c in listed] == ["c0", "c1", "c2", "c3"]
    assert listed[0].avatar == items[0]["avatar"]
    assert isinstance(listed[3].avatar, models.ContactAvatar)
    assert listed[3].avatar.image_url == "https://example.org/a.png"


async def test_timestamps_sent_as_strings_are_numbers() -> None:
    body = contact(1, created_at="1401970114", updated_at="1401970200")
    async with await _serving({"/contacts/c1": body}) as url, make_client(url) as client:
        got = await client.contacts.get("c1")
    assert got.created_at == 1401970114 and got.updated_at == 1401970200
    assert to_dict(got)["created_at"] == "1401970114"  # exactly as sent


async def test_a_top_level_array_answer_is_the_list() -> None:
    reasons = [{"type": "away_status_reason", "id": str(i), "label": f"r{i}"} for i in range(3)]
    routes = {"/away_status_reasons": reasons}
    async with await _serving(routes) as url, make_client(url) as client:
        listed = await client.away_status_reasons.list().to_list()
    assert [r.id for r in listed] == ["0", "1", "2"]
    assert to_dict(listed[1]) == reasons[1]


def test_a_field_only_older_versions_declare_is_typed() -> None:
    # article.parent_id / parent_type are in 2.7-2.15, not 2.16.
    body = {"type": "article", "id": "9", "parent_id": 18, "parent_type": "collection"}
    article = decode(json.dumps(body).encode(), OPERATIONS["articles.get"].response_type)
    assert article.parent_id == 18 and article.parent_type == "collection"
    got = decode(json.dumps(contact(1, formatted_phone="+1 555")).encode(), models.Contact)
    assert got.formatted_phone == "+1 555"


async def test_a_field_no_description_declares_is_kept() -> None:
    items = [contact(i, brand_new_field={"nested": [i, "x"]}) for i in range(2)]
    routes = {"/contacts": page(items), "/contacts/c1": items[1]}
    async with await _serving(routes) as url, make_client(url) as client:
        listed = await client.contacts.list().to_list()
        single = await client.contacts.get("c1")
        first_page = await client.contacts.list()
    assert to_dict(listed[0])["brand_new_field"] == {"nested": [0, "x"]}
    assert to_dict(single) == items[1]
    assert to_dict(first_page.raw) == page(items)
    # A fresh copy each time: changing it changes nothing kept.
    to_dict(listed[0])["email"] = "changed"
    assert to_dict(listed[0])["email"] == "person0@example.com"


async def test_a_value_of_a_wholly_unexpected_shape_is_warned_once_and_the_page_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    items = [contact(i) for i in range(5)]
    items[1]["email"] = {"primary": "secret-one@example.com"}
    items[3]["email"] = ["secret-two@example.com"]
    items[2]["social_profiles"] = "not an object"
    async with await _serving({"/contacts": page(items)}) as url, make_client(url) as client:
        with caplog.at_level(logging.WARNING, logger="intercom_async"):
            listed = await client.contacts.list().to_list()
    assert [c.id for c in listed] == [f"c{i}" for i in range(5)]
    assert listed[1].email is None and listed[0].email == "person0@example.com"
    assert to_dict(listed[1])["email"] == {"primary": "secret-one@example.com"}
    assert to_dict(listed[3])["email"] == ["secret-two@example.com"]
    warnings = [r for r in caplog.records if "email" in r.getMessage()]
    assert len(warnings) == 1  # one per type and field, not per value
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "secret" not in text and "not an object" not in text


async def test_every_contact_answer_is_a_contact() -> None:
    one = contact(1)
    search_page = page([contact(2)])
    routes = {
        "/contacts/c1": one,
        "/contacts": page([contact(3)]),
        "/contacts/search": search_page,
        "/contacts/merge": one,
    }

    async def handler(request: web.Request) -> web.Response:
        body = routes.get(request.path, one)
        return web.Response(body=json.dumps(body).encode(), content_type="application/json")

    async with serve(handler) as url, make_client(url) as client:
        answers = [
            await client.contacts.get("c1"),
            await client.contacts.update("c1", name="x"),
            await client.contacts.merge(from_="a", into="c1"),
            await client.contacts.list().first(),
            await client.contacts.search(
                query={"field": "id", "operator": "=", "value": "2"}
            ).first(),
        ]
    item = parse_notification(
        json.dumps(
            {
                "type": "notification_event",
                "id": "n1",
                "topic": "contact.user.created",
                "data": {"type": "notification_event_data", "item": contact(4)},
            }
        ).encode(),
        verify=False,
    ).item()
    for answer in [*answers, item]:
        assert type(answer) is models.Contact
    assert OPERATIONS["contacts.create"].response_type is models.Contact
    assert models.ShowContactResponse is models.Contact  # the old name still imports


def test_webhook_items_with_string_timestamps_decode_and_keep_their_json() -> None:
    raw = contact(5, created_at="1401970114", unknown_flag=True)
    body = json.dumps(
        {
            "type": "notification_event",
            "id": "n2",
            "topic": "contact.lead.created",
            "data": {"type": "notification_event_data", "item": raw},
        }
    ).encode()
    item = parse_notification(body, verify=False).item()
    assert isinstance(item, models.Contact) and item.created_at == 1401970114
    assert to_dict(item) == raw


def test_a_decode_error_of_a_json_body_shows_no_value() -> None:
    secret = b'{"type": "contact", "email": "very-secret@example.com", "name": "Jane'
    with pytest.raises(DecodeError) as caught:
        decode(secret, models.Contact)
    assert "very-secret" not in str(caught.value) and "Jane" not in str(caught.value)
    assert "very-secret" not in repr(caught.value)
    assert caught.value.body == secret
    assert f"{len(secret)} bytes" in str(caught.value)  # where it broke off


def test_a_non_json_body_shows_an_excerpt() -> None:
    with pytest.raises(DecodeError, match="Bad Gateway"):
        decode(b"<html><h1>502 Bad Gateway</h1></html>", models.Contact)


def test_to_dict_of_a_hand_built_model_gives_its_fields() -> None:
    built = models.Contact(id="1", email="a@example.com")
    assert to_dict(built) == {"id": "1", "email": "a@example.com"}
    with pytest.raises(TypeError):
        to_dict(object())


def test_one_decoder_per_type_is_reused() -> None:
    from intercom_async._decode import decoder_for

    assert decoder_for(models.Contact) is decoder_for(models.Contact)
    assert isinstance(msgspec.json.encode(models.Contact(id="1")), bytes)
