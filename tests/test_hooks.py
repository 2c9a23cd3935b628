"""Hooks and OpenTelemetry (issue 18) against loopback servers, with in-memory exporters."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from intercom_async import ConfigurationError, InternalServerError
from intercom_async.hooks import (
    DecodeWarningEvent,
    LimiterWaitEvent,
    PageEvent,
    RequestEvent,
    RetryEvent,
    ScrollRestartEvent,
)
from intercom_async.otel import OpenTelemetryHooks

from .conftest import TOKEN, error_body, make_client, serve
from .list_server import ListServer

CONTACT = {"type": "contact", "id": "c-42", "email": "ada@example.com"}


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("on_"):
            raise AttributeError(name)
        return lambda event: self.events.append((name, event))

    def of(self, kind: type) -> list[Any]:
        return [event for _, event in self.events if isinstance(event, kind)]


def telemetry() -> tuple[OpenTelemetryHooks, InMemorySpanExporter, InMemoryMetricReader]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    hooks = OpenTelemetryHooks(
        tracer_provider=tracer_provider, meter_provider=MeterProvider(metric_readers=[reader])
    )
    return hooks, exporter, reader


def flaky(statuses: list[int]) -> Any:
    async def handle(request: web.Request) -> web.Response:
        status = statuses.pop(0) if statuses else 200
        if status != 200:
            return web.json_response(error_body("service_unavailable", "later"), status=status)
        return web.json_response(CONTACT, headers={"X-Request-Id": "req-77"})

    return handle


async def test_a_retried_call_gives_one_span_per_attempt_named_by_the_template() -> None:
    otel, exporter, reader = telemetry()
    async with serve(flaky([503])) as url, make_client(url, hooks=[otel]) as client:
        contact = await client.contacts.get("c-42")
    assert contact.id == "c-42"
    first, second = exporter.get_finished_spans()
    for span in (first, second):
        assert span.name == "GET /contacts/{contact_id}"
        assert span.attributes is not None
        assert span.attributes["url.template"] == "/contacts/{contact_id}"
        assert span.attributes["intercom.operation"] == "contacts.get"
        assert span.attributes["http.request.method"] == "GET"
        assert span.attributes["server.address"] == "127.0.0.1"
        assert "c-42" not in span.name
    assert first.attributes is not None and second.attributes is not None
    assert first.attributes["http.response.status_code"] == 503
    assert first.attributes["error.type"] == "503"
    assert "http.request.resend_count" not in first.attributes
    assert first.status.status_code.name == "ERROR"
    assert second.attributes["http.response.status_code"] == 200
    assert second.attributes["http.request.resend_count"] == 1
    assert second.attributes["intercom.request_id"] == "req-77"
    assert "error.type" not in second.attributes
    metrics = reader.get_metrics_data()
    assert metrics is not None
    names = {
        metric.name: metric
        for resource in metrics.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }
    duration = names["http.client.request.duration"]
    assert sum(point.count for point in duration.data.data_points) == 2  # type: ignore[union-attr]
    assert names["intercom.client.retries"].data.data_points[0].value == 1  # type: ignore[union-attr]


async def test_a_failure_that_exhausts_retries_ends_every_span_with_its_error() -> None:
    otel, exporter, _ = telemetry()
    async with serve(flaky([500, 500])) as url, make_client(url, hooks=[otel], max_retries=1) as c:
        with pytest.raises(InternalServerError):
            await c.contacts.get("c-42")
    spans = exporter.get_finished_spans()
    assert [s.attributes["error.type"] for s in spans if s.attributes] == ["500", "500"]


async def test_a_connection_failure_is_a_span_with_the_errors_type() -> None:
    otel, exporter, _ = telemetry()
    client = make_client("http://127.0.0.1:9", hooks=[otel], max_retries=0)
    async with client:
        with pytest.raises(Exception, match="connect"):
            await client.contacts.get("c-42")
    (span,) = exporter.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["error.type"] == "APIConnectionError"
    assert "http.response.status_code" not in span.attributes


async def test_a_paginated_list_gives_one_span_per_page_and_page_events() -> None:
    otel, exporter, _ = telemetry()
    recorder = Recorder()
    server = ListServer("cursor", 250, per_page=100)
    async with serve(server.handle) as url, make_client(url, hooks=[otel, recorder]) as client:
        contacts = [c async for c in client.contacts.list(per_page=100)]
    assert len(contacts) == 250
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans] == ["GET /contacts"] * 3
    pages = recorder.of(PageEvent)
    assert [(p.operation, p.number, p.items) for p in pages] == [
        ("contacts.list", 1, 100),
        ("contacts.list", 2, 100),
        ("contacts.list", 3, 50),
    ]


async def test_the_token_and_query_values_appear_in_no_attribute() -> None:
    otel, exporter, _ = telemetry()
    secret_query = "ada.secret@example.com"
    async with serve(flaky([])) as url, make_client(url, hooks=[otel]) as client:
        await client.request("GET", "/contacts", params={"email": secret_query, "per_page": 3})
    (span,) = exporter.get_finished_spans()
    text = repr(dict(span.attributes or {})) + span.name + repr(span.events)
    assert TOKEN not in text
    assert secret_query not in text and "per_page=3" not in text
    assert span.attributes is not None
    assert span.attributes["url.full"].endswith("/contacts?email=REDACTED&per_page=REDACTED")
    assert "intercom.operation" not in span.attributes  # client.request() names no operation


async def test_a_hook_that_raises_never_fails_the_request(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def on_request(self, event: RequestEvent) -> None:
            raise RuntimeError("hook bug")

        def on_response(self, event: RequestEvent) -> None:
            raise KeyError("also broken")

    caplog.set_level(logging.ERROR, "intercom_async")
    async with serve(flaky([])) as url, make_client(url, hooks=[Broken()]) as client:
        contact = await client.contacts.get("c-42")
    assert contact.email == "ada@example.com"
    assert sum("raised; the request goes on" in r.getMessage() for r in caplog.records) == 2


async def test_request_events_carry_status_duration_and_rate_limit() -> None:
    recorder = Recorder()
    reset = math.floor(time.time()) + 10

    async def handle(request: web.Request) -> web.Response:
        headers = {
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "90",
            "X-RateLimit-Reset": str(reset),
        }
        return web.json_response(CONTACT, headers=headers)

    async with serve(handle) as url, make_client(url, hooks=[recorder]) as client:
        await client.contacts.get("c-42")
    kinds = [name for name, _ in recorder.events]
    assert kinds == ["on_request", "on_response"]
    started, ended = (event for _, event in recorder.events)
    assert started is ended  # one object per attempt
    assert ended.status == 200 and ended.duration is not None and ended.duration > 0
    assert ended.rate_limit is not None and ended.rate_limit.remaining == 90
    assert ended.attempt == 1 and ended.error is None


async def test_retry_and_limiter_wait_events() -> None:
    recorder = Recorder()
    answered = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal answered
        answered += 1
        if answered == 1:
            return web.json_response(error_body("server_error", "oops"), status=502)
        headers = {
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "0" if answered == 2 else "99",
            # Reset a second or two away, from when the answer is sent.
            "X-RateLimit-Reset": str(math.ceil(time.time()) + 1),
        }
        return web.json_response(CONTACT, headers=headers)

    async with serve(handle) as url, make_client(url, hooks=[recorder]) as client:
        await client.contacts.get("c-1")  # 502, then 200 with nothing left in the window
        await client.contacts.get("c-2")  # waits for the reset
    (retry,) = recorder.of(RetryEvent)
    assert (retry.operation, retry.url_template, retry.attempt, retry.reason) == (
        "contacts.get",
        "/contacts/{contact_id}",
        1,
        "502",
    )
    assert retry.wait > 0
    waits = recorder.of(LimiterWaitEvent)
    assert [w.reason for w in waits] == ["pacing"]
    assert 0 < waits[0].seconds <= 3.0


async def test_concurrency_waits_are_reported_as_such() -> None:
    recorder = Recorder()

    async def handle(request: web.Request) -> web.Response:
        return web.json_response(CONTACT)

    async with serve(handle) as url, make_client(url, hooks=[recorder], max_concurrency=1) as c:
        await asyncio.gather(*(c.contacts.get(f"c{i}") for i in range(4)))
    reasons = {w.reason for w in recorder.of(LimiterWaitEvent)}
    assert reasons == {"concurrency"}


async def test_scroll_restart_and_decode_warning_events() -> None:
    recorder = Recorder()
    calls = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if request.path == "/companies/scroll":
            if calls == 2:
                return web.json_response(error_body("server_error", "restart scroll"), status=500)
            param = request.query.get("scroll_param")
            data = [] if param else [{"type": "company", "id": "1"}]
            return web.json_response({"type": "list", "data": data, "scroll_param": "s"})
        odd = {**CONTACT, "location": ["not", "an", "object"]}
        return web.json_response(odd)

    async with serve(handle) as url, make_client(url, hooks=[recorder], max_retries=0) as c:
        assert [x.id async for x in c.companies.scroll()] == ["1"]
        contact = await c.contacts.get("c-42")
    assert contact.location is None
    (restart,) = recorder.of(ScrollRestartEvent)
    assert restart.operation == "companies.scroll" and restart.restarts == 1
    assert recorder.of(DecodeWarningEvent) == [DecodeWarningEvent("Contact", "location")]


async def test_trace_configs_reach_aiohttp() -> None:
    seen: list[str] = []

    async def on_start(session: Any, context: Any, params: aiohttp.TraceRequestStartParams) -> None:
        seen.append(params.url.path)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    async with serve(flaky([])) as url, make_client(url, trace_configs=[trace]) as client:
        await client.contacts.get("c-42")
    assert seen == ["/contacts/c-42"]


async def test_bad_hook_arguments_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="none of the objects"):
        make_client("http://127.0.0.1:9", hooks=[object()])
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ConfigurationError, match="trace_configs"):
            make_client(
                "http://127.0.0.1:9", session=session, trace_configs=[aiohttp.TraceConfig()]
            )
