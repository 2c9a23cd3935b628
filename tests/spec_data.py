"""Reading the OpenAPI descriptions from ../shared for the contract tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "openapi"
FILES = {
    "2.16": "intercom-2.16.yaml",
    **{f"2.{minor}": f"intercom-2.{minor}.yaml" for minor in range(7, 15)},
    "2.15": "intercom-2.15-custom-channel-events.yaml",
    "Preview": "intercom-preview.yaml",
}
SEEDS_DIR = SPEC_DIR.parent / "seeds"


def _missing(path: Path) -> None:
    reason = f"{path} is absent (the API descriptions live in ../shared)"
    if os.environ.get("INTERCOM_ASYNC_REQUIRE_SPEC"):
        pytest.fail(reason + " and INTERCOM_ASYNC_REQUIRE_SPEC is set")
    pytest.skip(reason)


@cache
def _load(version: str) -> dict[str, Any] | None:
    path = SPEC_DIR / FILES[version]
    if not path.exists():
        return None
    import yaml

    with path.open() as handle:
        loaded: dict[str, Any] = yaml.load(
            handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return loaded


def spec(version: str = "2.16") -> dict[str, Any]:
    loaded = _load(version)
    if loaded is None:
        _missing(SPEC_DIR / FILES[version])
        raise AssertionError("unreachable")
    return loaded


def operations(version: str = "2.16") -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec(version)["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                yield method, path, item[method]


def resolve_response(version: str, response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        resolved: dict[str, Any] = spec(version)["components"]["responses"][name]
        return resolved
    return response


def examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, example in (media.get("examples") or {}).items():
        if isinstance(example, dict) and "value" in example:
            yield name, example["value"]
    if "example" in media:
        yield "example", media["example"]
