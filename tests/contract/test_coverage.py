"""OPERATIONS against the spec files and the seed documents: nothing missing, nothing extra."""

from __future__ import annotations

import re

import pytest

from intercom_async import Intercom
from intercom_async.operations import OPERATIONS
from tools.overrides import DROPPED_OPERATIONS

from ..spec_data import SEEDS_DIR, operations, spec


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_operations_match_the_spec_files_exactly() -> None:
    expected = {(m.upper(), p, "2.16") for m, p, _ in operations("2.16")}
    for version, method, path in DROPPED_OPERATIONS:
        assert path in spec(version)["paths"], f"{path} is not in the {version} description"
        assert path not in spec("2.16")["paths"], f"{path} was not dropped"
        expected.add((method.upper(), path, version))
    actual = {(op.method, op.path, op.api_version) for op in OPERATIONS.values()}
    assert actual - expected == set(), "operations not in the spec"
    assert expected - actual == set(), "spec operations missing"
    assert len(expected) == 231 + len(DROPPED_OPERATIONS) == len(OPERATIONS)


def test_every_endpoint_of_the_seed_reference_is_there() -> None:
    seed = SEEDS_DIR / "002_db2b10b6e6541587.txt"
    if not seed.exists():
        pytest.skip("seed documents absent")
    listed = set(re.findall(r"^(GET|POST|PUT|DELETE|PATCH) (/\S+)$", seed.read_text(), re.M))
    assert len(listed) == 50
    have = {(op.method, _shape(op.path)) for op in OPERATIONS.values()}
    missing = {(m, p) for m, p in listed if (m, _shape(p)) not in have}
    assert not missing


def test_dropped_operations_are_deprecated_and_sent_with_their_version() -> None:
    rules = OPERATIONS["conversations.run_assignment_rules"]
    assert rules.deprecated and rules.api_version == "2.11" and rules.removed_in == "2.12"
    notify = OPERATIONS["custom_channel_events.notify_new_message"]
    assert notify.deprecated and notify.api_version == "2.15"
    assert not OPERATIONS["contacts.get"].deprecated


def test_every_operation_is_a_method_on_its_resource() -> None:
    client = Intercom(token="t")
    for name, op in OPERATIONS.items():
        target: object = client
        for part in name.split("."):
            target = getattr(target, part)
        assert callable(target), name
        doc = target.__doc__ or ""
        assert op.path in doc
        assert "{%" not in doc and "](" not in doc, f"{name} docstring has markup"


def test_resource_attributes_read_well() -> None:
    client = Intercom(token="t")
    for attribute in (
        "contacts",
        "companies",
        "conversations",
        "admins",
        "articles",
        "tags",
        "help_center",
        "news",
        "tickets",
        "ticket_types",
        "data_attributes",
        "events",
        "notes",
        "segments",
        "teams",
        "visitors",
    ):
        assert hasattr(client, attribute), attribute
    assert hasattr(client.help_center, "collections")
    assert hasattr(client.news, "items")
    names = {name.rsplit(".", 1)[-1] for name in OPERATIONS}
    for expected in (
        "get",
        "list",
        "create",
        "update",
        "delete",
        "search",
        "archive",
        "merge",
        "attach_company",
        "reply",
    ):
        assert expected in names
    assert all(not re.search(r"[A-Z]", name) for name in OPERATIONS)


def test_idempotency_follows_the_api_notes() -> None:
    assert OPERATIONS["contacts.search"].idempotent
    assert OPERATIONS["companies.create_or_update"].idempotent
    assert OPERATIONS["tags.create"].idempotent
    assert not OPERATIONS["contacts.create"].idempotent
    assert not OPERATIONS["conversations.reply"].idempotent
    assert not OPERATIONS["data_export.create"].idempotent
    for op in OPERATIONS.values():
        if op.method in ("GET", "PUT", "DELETE"):
            assert op.idempotent, op.name
