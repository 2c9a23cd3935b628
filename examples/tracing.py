"""Where a bulk job's time goes: OpenTelemetry spans and metrics against FakeIntercom.

uv run python examples/tracing.py

Needs opentelemetry-sdk (in the dev group; in your app: pip install 'intercom-async[otel]'
opentelemetry-sdk). Prints one span per HTTP attempt, then a summary of the metrics.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from intercom_async.otel import OpenTelemetryHooks
from intercom_async.testing import FakeIntercom


def one_line(span: object) -> str:
    attributes = getattr(span, "attributes", {}) or {}
    status = attributes.get("http.response.status_code", "-")
    return f"span {getattr(span, 'name', '')} -> {status}\n"


async def main() -> Counter[str]:
    tracer_provider = TracerProvider()
    console = ConsoleSpanExporter(out=sys.stdout, formatter=one_line)
    tracer_provider.add_span_processor(SimpleSpanProcessor(console))
    reader = InMemoryMetricReader()
    hooks = OpenTelemetryHooks(
        tracer_provider=tracer_provider, meter_provider=MeterProvider(metric_readers=[reader])
    )
    async with FakeIntercom() as fake:
        fake.seed(contacts=300)
        async with fake.client(hooks=[hooks]) as client:
            emails = [c.email async for c in client.contacts.list(per_page=100)]
            first = await client.contacts.get(next(iter(fake.store.contacts)))
    print(f"streamed {len(emails)} contacts; first is {first.id}")
    totals: Counter[str] = Counter()
    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    count = getattr(point, "count", None)
                    totals[metric.name] += (
                        count if count is not None else getattr(point, "value", 0)
                    )
    for name, value in sorted(totals.items()):
        print(f"metric {name}: {value}")
    return totals


if __name__ == "__main__":
    asyncio.run(main())
