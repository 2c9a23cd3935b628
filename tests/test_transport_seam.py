"""``Intercom(transport=...)``: any object implementing the transport protocol, and the fake's
in-process transport (issue 14)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from intercom_async import (
    APIConnectionError,
    ConfigurationError,
    Intercom,
    NotFoundError,
    RawResponse,
    Transport,
)
from intercom_async.testing import FakeIntercom


class Canned:
    """A transport of one's own: answers every request with the same contact."""

    def __init__(self) -> None:
        self.closed = False
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        data: bytes | None,
        timeout: float,
    ) -> RawResponse:
        self.sent.append((method, url, dict(headers)))
        headers_out = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))
        return RawResponse(200, headers_out, b'{"type": "contact", "id": "c1"}', 0.0)

    async def close(self) -> None:
        self.closed = True


async def test_a_transport_of_ones_own_carries_every_request() -> None:
    canned = Canned()
    assert isinstance(canned, Transport)
    async with Intercom(token="t", base_url="https://api.example.test", transport=canned) as c:
        contact = await c.contacts.get("c1")
    assert contact.id == "c1"
    (method, url, headers) = canned.sent[0]
    assert (method, url) == ("GET", "https://api.example.test/contacts/c1")
    assert headers["Authorization"] == "Bearer t" and headers["Intercom-Version"]
    assert canned.closed


def test_transport_and_session_together_are_refused() -> None:

    with pytest.raises(ConfigurationError, match="transport="):
        Intercom(
            token="t",
            transport=Canned(),
            session=aiohttp.ClientSession.__new__(aiohttp.ClientSession),
        )


async def test_the_in_process_transport_serves_the_fake_without_a_connection() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=30)
        async with fake.client(in_process=True) as client:
            listed = await client.contacts.list(per_page=10).to_list()
            first = await client.contacts.get(str(listed[0].id))
            with pytest.raises(NotFoundError):
                await client.contacts.get("nobody")
        assert client.session is None
        assert len(listed) == 30 and first.email == listed[0].email
        assert fake.open_connections == 0
        assert [r.path for r in fake.requests][:1] == ["/contacts"]


async def test_the_in_process_transport_drops_as_a_connection_would() -> None:
    async with FakeIntercom() as fake, fake.client(in_process=True, max_retries=0) as client:
        fake.seed(contacts=2)
        fake.inject(path="/contacts/{contact_id}", drop="before", times=1)
        with pytest.raises(APIConnectionError):
            await client.contacts.get(next(iter(fake.store.contacts)))
        assert (await client.contacts.get(next(iter(fake.store.contacts)))).id


async def test_the_fake_never_drops_trace_configs_it_was_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(FakeIntercom, "client_transport", "in_process")
    traced = aiohttp.TraceConfig()
    async with FakeIntercom() as fake:
        # Left to choose, a client with trace_configs goes over loopback, where they apply.
        async with fake.client(trace_configs=[traced]) as client:
            assert client.session is not None
            assert traced in client.session.trace_configs
        # Asked for in process, the conflict is an error, not a silent drop.
        with pytest.raises(ConfigurationError, match="trace_configs"):
            fake.client(in_process=True, trace_configs=[traced])
