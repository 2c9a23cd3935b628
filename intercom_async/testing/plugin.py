"""pytest plugin (registered as ``intercom_async`` through the ``pytest11`` entry point).

Fixtures, for async tests run by pytest-asyncio:

- ``intercom_fake``: a started ``FakeIntercom`` seeded with a small workspace (50 contacts,
  10 companies, 20 conversations); a test may call ``intercom_fake.seed(...)`` again;
- ``intercom_client``: an ``Intercom`` client bound to it, closed after the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .._client import Intercom
from ._fake import FakeIntercom

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - depends on the user's environment
    pytest_asyncio = None  # type: ignore[assignment]


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def intercom_fake() -> AsyncIterator[FakeIntercom]:
        async with FakeIntercom(token="test-token") as fake:
            fake.seed(contacts=50, companies=10, conversations=20)
            yield fake

    @pytest_asyncio.fixture
    async def intercom_client(intercom_fake: FakeIntercom) -> AsyncIterator[Intercom]:
        async with intercom_fake.client() as client:
            yield client

else:  # pragma: no cover

    @pytest.fixture
    def intercom_fake() -> Any:
        pytest.fail("the intercom_fake fixture needs pytest-asyncio: pip install pytest-asyncio")

    @pytest.fixture
    def intercom_client() -> Any:
        pytest.fail("the intercom_client fixture needs pytest-asyncio: pip install pytest-asyncio")
