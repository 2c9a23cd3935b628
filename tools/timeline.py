"""Draw docs/rate-limit-timeline.svg: paced (intercom-async) vs unpaced requests over time.

    uv run python -m tools.timeline

Both clients send the same 300 GETs at concurrency 10 to a FakeIntercom with a 40-per-2-seconds
window; the fake records when each request arrived and what it answered.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from intercom_async.testing import FakeIntercom

OUT = Path(__file__).resolve().parents[1] / "docs" / "rate-limit-timeline.svg"
REQUESTS, CONCURRENCY, LIMIT, WINDOW = 300, 10, 40, 2


async def paced(fake: FakeIntercom, ids: list[str]) -> None:
    async with fake.client(max_concurrency=CONCURRENCY) as client:
        await asyncio.gather(*(client.contacts.get(i) for i in ids))


async def naive(fake: FakeIntercom, ids: list[str]) -> None:
    """No pacing: send, and on a 429 sleep a second and send again."""
    gate = asyncio.Semaphore(CONCURRENCY)
    headers = {"Authorization": f"Bearer {fake.token}", "Intercom-Version": "2.16"}
    async with aiohttp.ClientSession() as session:

        async def one(contact_id: str) -> None:
            while True:
                async with (
                    gate,
                    session.get(
                        f"{fake.base_url}/contacts/{contact_id}", headers=headers
                    ) as response,
                ):
                    await response.read()
                    if response.status != 429:
                        return
                await asyncio.sleep(1)

        await asyncio.gather(*(one(i) for i in ids))


async def record(run: str) -> list[tuple[float, int]]:
    async with FakeIntercom(rate_limit=(LIMIT, WINDOW)) as fake:
        fake.seed(contacts=REQUESTS)
        ids = list(fake.store.contacts)
        # Start on a window boundary so both runs see the same windows.
        await asyncio.sleep(WINDOW - time.time() % WINDOW)
        started = time.monotonic()
        await (paced(fake, ids) if run == "paced" else naive(fake, ids))
        return [(r.at - started, r.status) for r in fake.requests]


def svg(rows: dict[str, list[tuple[float, int]]]) -> str:
    width, left, lane, top = 940, 200, 120, 50
    end = max(t for points in rows.values() for t, _ in points) * 1.05
    height = top + lane * len(rows) + 50
    scale = (width - left - 30) / end
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="26" text-anchor="middle" font-size="15" font-weight="bold">'
        f"{REQUESTS} requests, {LIMIT} allowed per {WINDOW} s window</text>",
    ]
    second = 0
    while second <= end:
        x = left + second * scale
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + lane * len(rows)}" '
            f'stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{top + lane * len(rows) + 18}" text-anchor="middle" '
            f'fill="#555">{second}s</text>'
        )
        second += WINDOW
    for index, (name, points) in enumerate(rows.items()):
        y0 = top + index * lane
        limited = sum(1 for _, status in points if status == 429)
        out.append(
            f'<text x="{left - 10}" y="{y0 + lane / 2 - 6}" text-anchor="end" '
            f'font-weight="bold">{name}</text>'
        )
        out.append(
            f'<text x="{left - 10}" y="{y0 + lane / 2 + 12}" text-anchor="end" '
            f'fill="#555">{len(points)} sent, {limited} × 429</text>'
        )
        placed = [
            (at, status, 10 + (n % 50) * (lane - 20) / 50)
            for n, (at, status) in enumerate(sorted(points))
        ]
        # 429s first, so the served requests stay visible on top of them.
        for at, status, offset in sorted(placed, key=lambda p: p[1] != 429):
            colour = "#d33" if status == 429 else "#2a9d55"
            out.append(
                f'<circle cx="{left + at * scale:.1f}" cy="{y0 + offset:.1f}" r="2.2" '
                f'fill="{colour}"/>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


async def main() -> None:
    rows = {"intercom-async": await record("paced"), "naive client": await record("naive")}
    OUT.write_text(svg(rows))
    for name, points in rows.items():
        done = max(t for t, _ in points)
        limited = sum(1 for _, status in points if status == 429)
        print(f"{name}: {len(points)} requests, {limited} answered 429, done at {done:.1f}s")


if __name__ == "__main__":
    asyncio.run(main())
