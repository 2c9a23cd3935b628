"""pytest plugin (registered as ``intercom_async`` through the ``pytest11`` entry point).

Fixtures, for tests run by pytest-asyncio (strict or auto mode) or by anyio's plugin alike:

- ``intercom_fake``: a ``FakeIntercom`` seeded with a small workspace (50 contacts,
  10 companies, 20 conversations); a test may call ``intercom_fake.seed(...)`` again;
- ``intercom_client``: an ``Intercom`` client bound to it, served in process.

Both are plain (synchronous) fixtures, so no event loop has to be shared with the test's: the
fake runs on a thread and loop of its own (``FakeIntercom.running_in_thread``) and answers
loopback HTTP at ``intercom_fake.base_url`` from any loop, and the client reaches it through
the in-process transport, which holds no connection to close.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .._client import Intercom
from ._fake import FakeIntercom


@pytest.fixture
def intercom_fake() -> Iterator[FakeIntercom]:
    with FakeIntercom(token="test-token").running_in_thread() as fake:
        fake.seed(contacts=50, companies=10, conversations=20)
        yield fake


@pytest.fixture
def intercom_client(intercom_fake: FakeIntercom) -> Iterator[Intercom]:
    yield intercom_fake.client(in_process=True)
