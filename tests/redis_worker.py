"""One worker process of the shared-budget tests: drains requests through a RedisRateBudget.

    python -m tests.redis_worker --redis URL --key K --base URL --requests N [--scroll]

Prints one JSON line with what it did.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--skew", type=float, default=0.0, help="seconds to put time.time() off")
    parser.add_argument("--scroll", action="store_true")
    args = parser.parse_args()
    if args.skew:
        real = time.time
        time.time = lambda: real() + args.skew  # this machine's clock is wrong
    print(json.dumps(asyncio.run(run(args))), flush=True)


async def run(args: argparse.Namespace) -> dict[str, object]:
    from intercom_async import Intercom, RateLimiter
    from intercom_async.redis import RedisRateBudget

    budget = RedisRateBudget(args.redis, key=args.key)
    limiter = RateLimiter(max_concurrency=args.concurrency, budget=budget)
    started = time.monotonic()
    errors: list[str] = []
    items: list[str] = []
    async with Intercom(token="worker", base_url=args.base, limiter=limiter) as client:
        print("READY", file=sys.stderr, flush=True)
        if args.scroll:
            items = [str(company.id) async for company in client.companies.scroll()]
        else:

            async def one(i: int) -> None:
                try:
                    await client.contacts.get(f"c{i}")
                except Exception as error:  # reported, not raised: the test counts them
                    errors.append(type(error).__name__)

            await asyncio.gather(*(one(i) for i in range(args.requests)))
        stats = client.stats
    await budget.aclose()
    return {
        "ok": args.requests - len(errors),
        "errors": errors,
        "items": items,
        "rate_limited": stats.rate_limited,
        "wall": time.monotonic() - started,
    }


if __name__ == "__main__":
    main()
