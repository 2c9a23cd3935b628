"""Resources, the operation table and the models load the first time a resource is used."""

from __future__ import annotations

import subprocess
import sys
from functools import cached_property

from intercom_async import Intercom
from intercom_async.resources._attach import RESOURCE_NAMES, GeneratedResources

HEAVY = ("intercom_async.operations", "intercom_async.models._generated")


def _loaded_after(code: str) -> set[str]:
    answer = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(answer.stdout.split())


def test_importing_the_package_loads_no_resource_operation_or_model() -> None:
    loaded = _loaded_after("import intercom_async")
    resources = {m for m in loaded if m.startswith("intercom_async.resources.")}
    assert resources == {"intercom_async.resources._attach"}
    assert not loaded & set(HEAVY)


def test_a_client_loads_only_the_resource_it_uses() -> None:
    loaded = _loaded_after(
        "import intercom_async\n"
        "client = intercom_async.Intercom(token='t', base_url='http://127.0.0.1:9')\n"
        "client.contacts.get\n"
    )
    assert "intercom_async.resources.contacts" in loaded
    assert "intercom_async.resources.companies" not in loaded
    assert not any(m.startswith("intercom_async.resources.preview") for m in loaded)
    assert set(HEAVY) <= loaded


async def test_each_resource_is_made_once_per_client() -> None:
    async with Intercom(token="t", base_url="http://127.0.0.1:9") as client:
        other = Intercom(token="t", base_url="http://127.0.0.1:9")
        for name in RESOURCE_NAMES:
            first = getattr(client, name)
            assert getattr(client, name) is first, name
            assert getattr(other, name) is not first, name
        await other.aclose()


def test_every_resource_attribute_is_listed_and_cached() -> None:
    cached = {n for n, v in vars(GeneratedResources).items() if isinstance(v, cached_property)}
    assert cached == {*RESOURCE_NAMES, "preview"}
