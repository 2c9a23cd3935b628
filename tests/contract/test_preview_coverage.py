"""PREVIEW_OPERATIONS against the Preview description: one entry and one method per operation,
named as the numbered twin where there is one, sent with Intercom-Version: Preview."""

from __future__ import annotations

import inspect

from intercom_async import Intercom
from intercom_async.operations import OPERATIONS, PREVIEW_OPERATIONS
from tools.operations_gen import path_shape as _shape

from ..spec_data import operations


def test_every_preview_operation_has_one_entry() -> None:
    expected = {(m.upper(), p) for m, p, _ in operations("Preview")}
    actual = [(op.method, op.path) for op in PREVIEW_OPERATIONS.values()]
    assert len(actual) == len(set(actual)), "an operation listed twice"
    assert set(actual) == expected
    assert len(expected) == 256
    assert {op.api_version for op in PREVIEW_OPERATIONS.values()} == {"Preview"}
    assert all(op.pinned_version == "Preview" for op in PREVIEW_OPERATIONS.values())
    assert not any(op.deprecated for op in PREVIEW_OPERATIONS.values())


def test_every_preview_operation_is_a_method_of_client_preview() -> None:
    client = Intercom(token="t")
    for name, op in PREVIEW_OPERATIONS.items():
        target: object = client.preview
        for part in name.split("."):
            target = getattr(target, part)
        assert callable(target), name
        assert op.path in (target.__doc__ or ""), name


def test_a_preview_operation_with_a_numbered_twin_has_its_name_and_arguments() -> None:
    twins = {(op.method, _shape(op.path)): op for op in OPERATIONS.values()}
    client = Intercom(token="t")
    shared = 0
    for name, op in PREVIEW_OPERATIONS.items():
        twin = twins.get((op.method, _shape(op.path)))
        if twin is None:
            continue
        shared += 1
        assert name == twin.name, (name, twin.name)
        ours, theirs = client.preview, client
        for part in name.split("."):
            ours, theirs = getattr(ours, part), getattr(theirs, part)
        path_args = list(inspect.signature(theirs).parameters)[: len(twin.path_params)]
        assert list(inspect.signature(ours).parameters)[: len(op.path_params)] == path_args
    assert shared > 200


def test_preview_only_operations_read_well() -> None:
    names = set(PREVIEW_OPERATIONS) - set(OPERATIONS)
    for expected in (
        "companies.search",
        "companies.bulk_create",
        "contacts.bulk_update",
        "contacts.preview_merge",
        "folders.list",
        "fin_agent.ask",
        "ecommerce_connectors.upload_catalog",
    ):
        assert expected in names, expected
    assert PREVIEW_OPERATIONS["companies.search"].pagination == "search"
    assert PREVIEW_OPERATIONS["companies.search"].idempotent
    assert PREVIEW_OPERATIONS["ecommerce_connectors.upload_catalog"].request_kind == "form"
    assert not PREVIEW_OPERATIONS["contacts.bulk_create"].idempotent
