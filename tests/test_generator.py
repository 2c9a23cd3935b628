"""The generator's hygiene (issue 15): it never edits the descriptions it reads, and every name
override changes a name the generator would otherwise derive."""

from __future__ import annotations

import copy

import pytest

from .spec_data import spec

pytest.importorskip("yaml")


def _operations() -> list[tuple[str, str, str]]:
    """(method, path, tag) of every 2.16 operation, the dropped ones and Preview's."""
    from tools import overrides

    found = []
    for version in ("2.16", *{v for v, _m, _p in overrides.DROPPED_OPERATIONS}):
        for path, item in spec(version)["paths"].items():
            for method, raw in item.items():
                if isinstance(raw, dict) and "responses" in raw:
                    if version != "2.16" and (version, method, path) not in {
                        tuple(d) for d in overrides.DROPPED_OPERATIONS
                    }:
                        continue
                    found.append((method, path, (raw.get("tags") or ["Other"])[0]))
    # The Preview API's own operations (names for the rest come from their 2.16 twins).
    known = {(method, path) for method, path, _tag in found}
    for path, item in spec("Preview")["paths"].items():
        for method, raw in item.items():
            if isinstance(raw, dict) and "responses" in raw and (method, path) not in known:
                found.append((method, path, (raw.get("tags") or ["Other"])[0]))
    return found


def test_every_name_override_changes_the_derived_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools import operations_gen, overrides

    tags = {(method, path): tag for method, path, tag in _operations()}
    redundant = []
    for key, named in overrides.NAMES.items():
        assert key in tags, f"{key}: no such operation (a stale override)"
        with monkeypatch.context() as patched:
            patched.setattr(overrides, "NAMES", {})
            try:
                derived = operations_gen.derive_name(*key, tags[key])
            except AssertionError:  # no name derivable: the override is needed
                continue
        if derived == named:
            redundant.append(key)
    assert not redundant, f"overrides that change nothing: {redundant}"


def test_generating_leaves_the_descriptions_as_loaded() -> None:
    from tools.generate import render_all
    from tools.spec import SPEC_FILES

    loaded = {version: copy.deepcopy(spec(version)) for version in SPEC_FILES}
    pristine = copy.deepcopy(loaded)
    render_all(loaded)
    for version in SPEC_FILES:
        assert loaded[version] == pristine[version], f"the {version} description was edited"
