"""docs/reference/resources.md against the live methods: every operation listed once, with the
parameters its method really takes, its real return type, and whether it is awaited."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from intercom_async import Intercom, RateLimiter, RequestOptions
from intercom_async.operations import OPERATIONS, PREVIEW_OPERATIONS
from intercom_async.testing import FakeIntercom

# The numbered API's methods by name, and the Preview API's as ``preview.<name>``.
EVERY = {**OPERATIONS, **{f"preview.{name}": op for name, op in PREVIEW_OPERATIONS.items()}}

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "resources.md"
ENTRY = re.compile(r"^- `(?P<await>await )?(?P<name>\w+)\((?P<params>[^)]*)\)` → `(?P<ret>[^`]+)`")


def _entries() -> dict[str, re.Match[str]]:
    found: dict[str, re.Match[str]] = {}
    group = None
    for line in PAGE.read_text().splitlines():
        heading = re.match(r"^## `client\.(.+)`$", line)
        if heading:
            group = heading.group(1)
            continue
        entry = ENTRY.match(line)
        if entry and group:
            key = f"{group}.{entry.group('name')}"
            assert key not in found, f"{key} is listed twice"
            found[key] = entry
    return found


ENTRIES = _entries()


def _method(name: str) -> Any:
    target: Any = Intercom(token="t", base_url="http://reference.invalid")
    for part in name.split("."):
        target = getattr(target, part)
    return target


def test_every_operation_is_listed_and_nothing_else() -> None:
    assert set(ENTRIES) == set(EVERY)


@pytest.mark.parametrize("name", sorted(EVERY))
def test_the_entry_is_the_live_method(name: str) -> None:
    entry, method = ENTRIES[name], _method(name)
    live = {
        p.name: p
        for p in inspect.signature(method).parameters.values()
        if p.name not in ("options", "extra_body")
    }
    listed = [p.strip() for p in entry.group("params").split(",") if p.strip()]
    positional = listed[: listed.index("*")] if "*" in listed else listed
    keywords = listed[len(positional) + 1 :] if "*" in listed else []
    for text in positional:
        assert live[text].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, (name, text)
    for text in keywords:
        bare = text.removesuffix("=…")
        assert live[bare].kind is inspect.Parameter.KEYWORD_ONLY, (name, text)
        has_default = live[bare].default is not inspect.Parameter.empty
        assert text.endswith("=…") == has_default, (name, text)
    assert [t.removesuffix("=…") for t in positional + keywords] == list(live)
    returns = inspect.signature(method).return_annotation
    assert entry.group("ret") == re.sub(r"\bm\.", "", str(returns))
    assert bool(entry.group("await")) == inspect.iscoroutinefunction(method)


def test_list_methods_are_shown_returning_a_paginator() -> None:
    for name, op in EVERY.items():
        if op.pagination is not None:
            assert ENTRIES[name].group("ret").startswith("Paginator["), name
            assert not ENTRIES[name].group("await"), name


@pytest.mark.parametrize(
    "cls",
    [Intercom, RateLimiter, RequestOptions, FakeIntercom],
    ids=lambda c: c.__name__,
)
def test_every_constructor_parameter_is_documented(cls: type) -> None:
    doc = inspect.getdoc(cls) or ""
    assert "Args:" in doc, cls
    documented = set(re.findall(r"^    (\w+):", doc.split("Args:", 1)[1], re.M))
    wanted = set(inspect.signature(cls).parameters)
    assert wanted <= documented, f"{cls.__name__}: undocumented {sorted(wanted - documented)}"


def test_the_generated_resources_need_no_cast() -> None:
    modules = sorted((PAGE.parents[2] / "intercom_async" / "resources").glob("[!_]*.py"))
    assert len(modules) > 40  # one per resource
    for module in modules:
        source = module.read_text()
        assert "cast(" not in source, module.name
        assert "OPERATIONS[" not in source, module.name  # typed handles, not string lookups
