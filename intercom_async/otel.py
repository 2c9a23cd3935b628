"""OpenTelemetry spans and metrics for the client, through its hooks.

    pip install 'intercom-async[otel]'      # opentelemetry-api only; bring your own SDK

    from intercom_async.otel import OpenTelemetryHooks
    async with Intercom(token=..., hooks=[OpenTelemetryHooks()]) as client: ...

One client span per physical attempt (a retried call is several spans), named
``{METHOD} {url.template}`` with the stable HTTP client semantic conventions, plus
``intercom.operation`` and ``intercom.request_id``. Query values are redacted in ``url.full``;
the token is never an attribute. Metrics: ``http.client.request.duration`` (seconds, the
semantic-convention buckets) and counters of 429s, retries and limiter wait.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

try:
    from opentelemetry import metrics, trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "intercom_async.otel needs opentelemetry-api: pip install 'intercom-async[otel]'"
    ) from exc

from ._version import __version__
from .hooks import LimiterWaitEvent, RequestEvent, RetryEvent

# The bucket boundaries the HTTP semantic conventions advise for request durations.
DURATION_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    7.5,
    10.0,
)

_SPAN = object()


def _server(url: str) -> tuple[str, int]:
    # Cached by scheme and host, not by URL: every URL of a point read is a new one.
    scheme, _, rest = url.partition("://")
    return _address(scheme, rest.split("/", 1)[0])


@lru_cache(maxsize=64)
def _address(scheme: str, netloc: str) -> tuple[str, int]:
    parts = urlsplit(f"{scheme}://{netloc}")
    default = 443 if scheme == "https" else 80
    return parts.hostname or "", parts.port or default


class OpenTelemetryHooks:
    """Hooks that emit OpenTelemetry spans and metrics (global providers unless given)."""

    def __init__(self, tracer_provider: Any = None, meter_provider: Any = None) -> None:
        self._tracer = trace.get_tracer(
            "intercom_async", __version__, tracer_provider=tracer_provider
        )
        meter = metrics.get_meter("intercom_async", __version__, meter_provider=meter_provider)
        self._duration = meter.create_histogram(
            "http.client.request.duration",
            unit="s",
            description="Duration of HTTP client requests.",
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self._rate_limited = meter.create_counter(
            "intercom.client.rate_limited",
            unit="{response}",
            description="Responses with status 429.",
        )
        self._retries = meter.create_counter(
            "intercom.client.retries", unit="{retry}", description="Attempts retried."
        )
        self._limiter_wait = meter.create_counter(
            "intercom.client.limiter.wait",
            unit="s",
            description="Seconds requests waited for the limiter, by reason.",
        )

    def on_request(self, event: RequestEvent) -> None:
        attributes = _request_attributes(event)
        attributes["url.full"] = event.url
        if event.operation is not None:
            attributes["intercom.operation"] = event.operation
        if event.attempt > 1:
            attributes["http.request.resend_count"] = event.attempt - 1
        event.state[_SPAN] = self._tracer.start_span(
            f"{event.method} {event.url_template}", kind=SpanKind.CLIENT, attributes=attributes
        )

    def on_response(self, event: RequestEvent) -> None:
        span = event.state.pop(_SPAN, None)
        error_type = _error_type(event)
        measured = _request_attributes(event)
        if event.status is not None:
            measured["http.response.status_code"] = event.status
        if error_type is not None:
            measured["error.type"] = error_type
        if event.duration is not None:
            self._duration.record(event.duration, measured)
        if event.status == 429:
            self._rate_limited.add(1, {"url.template": event.url_template})
        if span is None:
            return
        if event.status is not None:
            span.set_attribute("http.response.status_code", event.status)
        if event.request_id:
            span.set_attribute("intercom.request_id", event.request_id)
        if error_type is not None:
            span.set_attribute("error.type", error_type)
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    def on_retry(self, event: RetryEvent) -> None:
        self._retries.add(1, {"url.template": event.url_template, "error.type": event.reason})

    def on_limiter_wait(self, event: LimiterWaitEvent) -> None:
        self._limiter_wait.add(event.seconds, {"intercom.limiter.reason": event.reason})


def _request_attributes(event: RequestEvent) -> dict[str, Any]:
    """What a span and the duration histogram both say about the request."""
    host, port = _server(event.url)
    return {
        "http.request.method": event.method,
        "server.address": host,
        "server.port": port,
        "url.template": event.url_template,
    }


def _error_type(event: RequestEvent) -> str | None:
    # The conventions: the status code for an HTTP error, else the error's type.
    if event.status is not None and event.status >= 400:
        return str(event.status)
    if event.error is not None:
        return type(event.error).__qualname__
    return None


__all__ = ["DURATION_BUCKETS", "OpenTelemetryHooks"]
