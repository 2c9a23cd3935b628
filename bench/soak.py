"""Fault soak: stream and write through FakeIntercom under injected faults, losing nothing.

    uv run python -m bench.soak                      # 50,000 contacts, 10,000 companies, 5% faults
    uv run python -m bench.soak --contacts 5000 --companies 1000 --writes 500

Faults, in equal shares of ``--fault-rate``: 500, 502 with an HTML body, 503, 429 (pausing every
request until the reset), connection resets before the handler, and stalls longer than the
client's read timeout. Writes: creates and updates with connections dropped *after* the fake
handled them (a create is never resent, an update is retried).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from intercom_async import APIConnectionError, Intercom
from intercom_async.bulk import bulk_map
from intercom_async.testing import FakeIntercom


@dataclass
class SoakReport:
    contacts_expected: int = 0
    contacts_received: int = 0
    contacts_duplicated: int = 0
    contacts_lost: int = 0
    companies_expected: int = 0
    companies_received: int = 0
    companies_duplicated: int = 0
    companies_lost: int = 0
    scroll_restarts: int = 0
    creates: int = 0
    creates_confirmed: int = 0
    creates_outcome_unknown: int = 0
    creates_failed_otherwise: int = 0
    stored_duplicates: int = 0
    updates: int = 0
    updates_succeeded: int = 0
    faults_injected: int = 0
    retries: int = 0
    rate_limited: int = 0
    requests: int = 0
    leaked_slots: int = 0
    elapsed: float = 0.0
    fault_kinds: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"contacts: {self.contacts_received:,}/{self.contacts_expected:,} received, "
            f"{self.contacts_lost} lost, {self.contacts_duplicated} duplicated",
            f"companies (scroll): {self.companies_received:,}/{self.companies_expected:,} "
            f"received, {self.companies_lost} lost, {self.companies_duplicated} duplicated, "
            f"{self.scroll_restarts} scroll restarts",
            f"creates: {self.creates:,} sent, {self.creates_confirmed:,} confirmed, "
            f"{self.creates_outcome_unknown} outcome unknown (not resent), "
            f"{self.creates_failed_otherwise} other failures; duplicates stored: "
            f"{self.stored_duplicates}",
            f"updates: {self.updates_succeeded:,}/{self.updates:,} succeeded",
            f"faults injected: {self.faults_injected} {self.fault_kinds}; retries: {self.retries}; "
            f"429s: {self.rate_limited}; requests: {self.requests:,}",
            f"leaked limiter slots: {self.leaked_slots}; elapsed: {self.elapsed:.1f}s",
        ]


async def run_soak(
    *,
    contacts: int = 50_000,
    companies: int = 10_000,
    writes: int = 5_000,
    fault_rate: float = 0.05,
    timeout: float = 1.0,
    seed: int = 7,
) -> SoakReport:
    report = SoakReport(contacts_expected=contacts, companies_expected=companies)
    started = time.perf_counter()
    async with FakeIntercom(seed=seed) as fake:
        fake.seed(contacts=contacts, companies=companies, seed=seed)
        fake.record_requests = False
        share = fault_rate / 6
        kinds = {
            "500": fake.inject(500, probability=share),
            "502 html": fake.inject(502, body="html", probability=share),
            "503": fake.inject(503, probability=share),
            "429": fake.inject(429, probability=share),
            "reset": fake.inject(drop="before", probability=share),
            "stall": fake.inject(latency=timeout * 1.5, probability=share),
        }
        async with fake.client(timeout=timeout, max_concurrency=16) as client:
            await _stream(client, report)
            if writes:
                fake.clear_faults()
                drops = {
                    "create dropped after": fake.inject(
                        method="POST", path="/contacts", drop="after", probability=fault_rate
                    ),
                    "update dropped after": fake.inject(
                        method="PUT",
                        path="/contacts/{contact_id}",
                        drop="after",
                        probability=fault_rate,
                    ),
                }
                kinds.update(drops)
                await _write(client, fake, report, writes)
            report.retries = client.stats.retries
            report.rate_limited = client.stats.rate_limited
            report.requests = client.stats.requests
            report.leaked_slots = client.limiter.borrowed
        report.faults_injected = fake.stats.faults_injected
        report.fault_kinds = {name: fault.hits for name, fault in kinds.items()}
    report.elapsed = time.perf_counter() - started
    return report


async def _stream(client: Intercom, report: SoakReport) -> None:
    seen = Counter([str(c.id) async for c in client.contacts.list(per_page=150)])
    report.contacts_received = sum(seen.values())
    report.contacts_duplicated = sum(n - 1 for n in seen.values() if n > 1)
    report.contacts_lost = report.contacts_expected - len(seen)
    scroll = client.companies.scroll()
    companies = Counter([str(c.id) async for c in scroll])
    report.companies_received = sum(companies.values())
    report.companies_duplicated = sum(n - 1 for n in companies.values() if n > 1)
    report.companies_lost = report.companies_expected - len(companies)
    report.scroll_restarts = scroll.restarts


async def _write(client: Intercom, fake: FakeIntercom, report: SoakReport, count: int) -> None:
    emails = [f"soak-{i}@example.com" for i in range(count)]
    report.creates = count
    async for outcome in bulk_map(lambda email: client.contacts.create(email=email), emails):
        if outcome.ok:
            report.creates_confirmed += 1
        elif isinstance(outcome.error, APIConnectionError) and outcome.error.outcome_unknown:
            report.creates_outcome_unknown += 1
        else:
            report.creates_failed_otherwise += 1
    stored = Counter(c.get("email") for c in fake.store.contacts.values())
    report.stored_duplicates = sum(stored[e] - 1 for e in emails if stored[e] > 1)
    targets = list(fake.store.contacts)[:count]
    report.updates = len(targets)
    async for outcome in bulk_map(
        lambda contact_id: client.contacts.update(contact_id, custom_attributes={"soak": True}),
        targets,
    ):
        report.updates_succeeded += outcome.ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=5_000)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    report = asyncio.run(
        run_soak(
            contacts=args.contacts,
            companies=args.companies,
            writes=args.writes,
            fault_rate=args.fault_rate,
            seed=args.seed,
        )
    )
    print("\n".join(report.lines()))
    clean = (
        report.contacts_lost == report.contacts_duplicated == 0
        and report.companies_lost == report.companies_duplicated == 0
        and report.stored_duplicates == 0
        and report.leaked_slots == 0
        and report.updates_succeeded == report.updates
    )
    raise SystemExit(0 if clean else 1)


if __name__ == "__main__":
    main()
