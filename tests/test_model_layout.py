"""How the generated models are laid out for decoding speed (issue 11, item 6).

msgspec decodes keys that arrive in field order faster than keys it has to look up, and the
garbage collector walks every tracked object a page allocates; both were measured in
bench/RESULTS.md. These tests hold the layout that those figures depend on.
"""

from __future__ import annotations

import typing
from typing import Any

import msgspec
import pytest

from intercom_async import to_dict
from intercom_async._decode import decode, link_items
from intercom_async.models import Contact, ContactLocation, ContactTags
from intercom_async.operations import OPERATIONS

from .spec_data import examples, operations, resolve_response

BY_ROUTE = {(op.method.lower(), op.path): op for op in OPERATIONS.values()}


def _structs_in(annotation: Any) -> list[type[msgspec.Struct]]:
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return [annotation]
    return [s for arg in typing.get_args(annotation) for s in _structs_in(arg)]


def _example_objects() -> list[tuple[str, type[msgspec.Struct], dict[str, Any]]]:
    """(operation, struct, JSON object) for the 2.16 examples and their first list item."""
    found = []
    for method, path, raw in operations("2.16"):
        op = BY_ROUTE.get((method, path))
        if op is None or op.response_kind != "json":
            continue
        for status, response in (raw.get("responses") or {}).items():
            media = (resolve_response("2.16", response).get("content") or {}).get(
                "application/json"
            )
            if not str(status).startswith("2") or not media:
                continue
            for _name, value in examples(media):
                if not isinstance(value, dict):
                    continue
                for struct in _structs_in(op.response_type):
                    found.append((op.name, struct, value))
                    items = value.get(op.items_key or "data") if op.pagination else None
                    if items and isinstance(items[0], dict):
                        item_type = typing.get_type_hints(struct).get(op.items_key or "data")
                        for item_struct in _structs_in(item_type):
                            found.append((op.name, item_struct, items[0]))
    return found


def test_fields_follow_the_order_intercom_sends_keys_in() -> None:
    # Examples of one object do not always agree on the order (an admin in one example sends
    # email before id), so the measure is how many examples arrive in field order.
    objects = _example_objects()
    in_order = []
    for name, struct, value in objects:
        wire = list(struct.__struct_encode_fields__)
        sent = [key for key in value if key in wire]
        in_order.append(sent == sorted(sent, key=wire.index))
        if struct is Contact:
            assert in_order[-1], name
    assert len(objects) > 150
    assert sum(in_order) / len(in_order) >= 0.9, f"{sum(in_order)}/{len(in_order)}"


def test_whole_objects_keep_a_dict_and_nested_only_models_are_untracked() -> None:
    whole = 0
    for op in OPERATIONS.values():
        for struct in _structs_in(op.response_type):
            assert struct.__struct_config__.dict, (op.name, struct.__name__)
            whole += 1
            if op.pagination:
                items = typing.get_type_hints(struct).get(op.items_key or "data")
                for item in _structs_in(items):
                    assert item.__struct_config__.dict, (op.name, item.__name__)
    assert whole > 150
    for nested in (ContactTags, ContactLocation):
        assert not nested.__struct_config__.gc
        assert not nested.__struct_config__.dict


@pytest.mark.parametrize("where", ["a contact", "an item of a page"])
def test_nested_undeclared_keys_stay_reachable_through_the_whole_object(where: str) -> None:
    contact = {
        "type": "contact",
        "id": "c1",
        "location": {"type": "location", "city": "Oslo", "district": "Frogner"},
        "tags": {"type": "list", "data": [{"type": "tag", "id": "7", "colour": "red"}]},
    }
    if where == "a contact":
        decoded = decode(msgspec.json.encode(contact), Contact)
    else:
        page_type = OPERATIONS["contacts.list"].response_type
        body = msgspec.json.encode({"type": "list", "data": [contact]})
        page = decode(body, page_type)
        link_items(page, "data", page.data)
        decoded = page.data[0]
    assert decoded.location is not None and decoded.location.city == "Oslo"
    assert to_dict(decoded) == contact
