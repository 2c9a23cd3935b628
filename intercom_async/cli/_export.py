"""``intercom-async export`` and ``intercom-async plan``: a resource to JSON Lines or CSV, read
as partitioned searches where it can be, incremental with ``--state``, resumable when
interrupted (run the same command again)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shlex
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._client import Intercom
from ..errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    IntercomError,
)
from ..sync import RESOURCES, SEARCHED, Export, SyncState, plan_export
from ._output import Output, output_format, partial_path
from ._ui import (
    CliError,
    PlainProgress,
    console,
    non_negative,
    page_size,
    progress_bar,
    table,
)

EXPORTS = RESOURCES
# Checkpoints are saved at most this often (each is an fsync of the output and the state).
CHECKPOINT_EVERY = 0.5


def positive(text: str) -> int:
    value = non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def moment(text: str) -> int:
    """An argparse type: a date (``2024-05-01``, UTC midnight), an ISO time, or UNIX seconds."""
    if text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date (2024-05-01), an ISO time or UNIX seconds, got {text!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp())


def _add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token-file", type=Path, help="file holding the token (else INTERCOM_TOKEN)"
    )
    parser.add_argument("--region", choices=["us", "eu", "au"], default="us")
    parser.add_argument(
        "--version", dest="api_version", default="2.16", help="Intercom API version"
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get("INTERCOM_BASE_URL"),
        help="another API root, e.g. a proxy (else INTERCOM_BASE_URL, else the region's)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive,
        default=50,
        help="requests in flight at once (default 50: enough for the default budget)",
    )
    parser.add_argument("--fake", action="store_true", help="read from a bundled FakeIntercom")
    parser.add_argument("--fake-contacts", type=non_negative, default=2_000, help=argparse.SUPPRESS)
    # Tests slow the fake's pages down to interrupt an export part way.
    parser.add_argument("--fake-latency", type=float, default=0.0, help=argparse.SUPPRESS)


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", choices=sorted(SEARCHED))
    parser.add_argument("--partitions", type=positive, help="default: from the budget and size")
    parser.add_argument("--since", type=moment, help="only records updated since DATE")
    parser.add_argument("--per-page", type=page_size, default=150)
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    _add_connection_arguments(parser)


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", choices=sorted(EXPORTS))
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")
    parser.add_argument(
        "--format", choices=["jsonl", "csv"], default=None, help="default: from --out's extension"
    )
    parser.add_argument(
        "--search", help="a search query as JSON (contacts, conversations, tickets)"
    )
    parser.add_argument("--partitions", type=positive, help="default: from the budget and size")
    parser.add_argument(
        "--state",
        type=Path,
        help="state file: incremental runs, and resuming (default beside --out)",
    )
    parser.add_argument("--since", type=moment, help="only records updated since DATE")
    parser.add_argument(
        "--lookback",
        type=non_negative,
        default=3600,
        help="seconds re-read before the last run, for Intercom's index lag (default 3600)",
    )
    parser.add_argument(
        "--with-parts", action="store_true", help="each conversation in full, with its parts"
    )
    parser.add_argument("--per-page", type=page_size, default=150)
    _add_connection_arguments(parser)


def _token(args: argparse.Namespace) -> str:
    if args.token_file is not None:
        try:
            token = str(args.token_file.read_text()).strip()
        except OSError as error:
            raise CliError(f"cannot read --token-file: {error.strerror}", exit_code=2) from None
        if not token:
            raise CliError(f"--token-file {args.token_file} is empty", exit_code=2)
        return token
    token = os.environ.get("INTERCOM_TOKEN", "")
    if not token:
        raise CliError("no Intercom token: set INTERCOM_TOKEN or pass --token-file", exit_code=2)
    return token


@contextlib.asynccontextmanager
async def _connected(args: argparse.Namespace) -> AsyncIterator[Intercom]:
    async with contextlib.AsyncExitStack() as stack:
        if args.fake:
            from ..testing import FakeIntercom

            fake = await stack.enter_async_context(FakeIntercom(token="fake-token"))
            fake.seed(
                contacts=args.fake_contacts,
                companies=max(1, args.fake_contacts // 10),
                conversations=max(1, args.fake_contacts // 4),
            )
            if args.fake_latency:
                fake.inject(latency=args.fake_latency)
            token, base_url = fake.token, fake.base_url
        else:
            token, base_url = _token(args), args.base_url
        try:
            client = Intercom(
                token,
                region=args.region,
                base_url=base_url,
                version=args.api_version,
                max_concurrency=args.concurrency,
            )
        except ConfigurationError as error:
            raise CliError(str(error), exit_code=2) from None
        await stack.enter_async_context(client)
        try:
            yield client
        except AuthenticationError as error:
            raise CliError(f"Intercom rejected the token ({error.status} {error.code})") from None
        except APIConnectionError as error:
            raise CliError(f"could not reach {client.base_url}: {error.detail}") from None
        except (APIStatusError, ConfigurationError) as error:
            raise CliError(str(error)) from None


def _query(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.search is None:
        return None
    if args.resource not in SEARCHED:
        raise CliError(f"--search is not available for {args.resource}", exit_code=2)
    try:
        query = json.loads(args.search)
    except json.JSONDecodeError as error:
        raise CliError(f"--search is not valid JSON: {error.msg}", exit_code=2) from None
    if not isinstance(query, dict):
        raise CliError("--search must be a JSON object", exit_code=2)
    return query


def _state_path(args: argparse.Namespace) -> Path | None:
    if args.state is not None:
        return Path(args.state)
    out: Path | None = args.out
    if out is not None:
        return out.with_name(out.name + ".partial.state")
    return None


def _check_arguments(args: argparse.Namespace) -> None:
    if args.with_parts and args.resource != "conversations":
        raise CliError("--with-parts is for conversations", exit_code=2)
    if args.out is not None:
        if args.out.is_dir():
            raise CliError(f"--out {args.out} is a directory", exit_code=2)
        folder = args.out.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CliError(f"cannot write --out {args.out}: no writable folder {folder}", 2)


async def run_export(args: argparse.Namespace) -> int:
    _check_arguments(args)
    query = _query(args)
    kind = output_format(args.out, args.format)
    path = _state_path(args)
    state = SyncState.load(path) if path is not None else None
    # The default state beside --out only holds the run in progress; --state keeps the
    # high-water marks of incremental runs too.
    incremental = args.state is not None
    if state is not None and not incremental and state.data.run is None:
        state.data.resources.clear()
    out_console = console(stderr=True)
    async with _connected(args) as client:
        export = Export(
            client,
            args.resource,
            partitions=1 if query is not None else args.partitions,
            per_page=args.per_page,
            since=args.since,
            state=state,
            lookback=args.lookback,
            with_parts=args.with_parts,
            query=query,
        )
        plan = await export.start()
        if export.resumed and _completed_before(export, args.out):
            out_console.print(f"exported {export.emitted} {args.resource} to {args.out}")
            return 0
        resume_at = export.output.get("offset") if export.resumed else None
        if resume_at is not None and not export.resumable:
            resume_at = 0  # a scroll cannot continue: it starts over
        output = Output(args.out, kind, resume_at, export.output.get("columns"))
        if export.resumed and resume_at is not None:
            out_console.print(f"resuming: {export.emitted} {args.resource} already written")
        try:
            await _write(export, output, out_console, plan.total_count if plan else None)
        except (asyncio.CancelledError, IntercomError, CliError):
            # The last checkpoint stands: a resumed run cuts the output back to it.
            output.close()
            _print_resume(out_console, export, args)
            raise
        export.checkpoint(**_where(output))
        output.complete()
        export.finish()
        if not incremental and path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        requests = client.stats.requests
    where = f" to {args.out}" if args.out else ""
    out_console.print(f"exported {export.emitted} {args.resource}{where} ({requests} requests)")
    return 0


def _completed_before(export: Export, out: Path | None) -> bool:
    """A run whose output was renamed into place but not yet recorded: record it now."""
    everything = all(p.finished for p in export.progress.values())
    partial = partial_path(out) if out is not None else None
    if everything and out is not None and out.exists() and partial and not partial.exists():
        export.finish()
        return True
    return False


def _where(output: Output) -> dict[str, Any]:
    return {
        "path": str(output.path) if output.path else None,
        "offset": output.offset(),
        "columns": output.columns,
    }


async def _write(export: Export, output: Output, out_console: Any, total: int | None) -> None:
    saved, every = float("-inf"), CHECKPOINT_EVERY
    with progress_bar(out_console) as progress:
        rich_rows = not isinstance(progress, PlainProgress)  # plain lines: one overall row
        overall = progress.add_task(f"exporting {export.resource}", total=total, note="")
        rows = (
            {
                key: progress.add_task(f"  {key}", total=p.planned, note="")
                for key, p in export.progress.items()
            }
            if rich_rows and len(export.progress) > 1
            else {}
        )
        started = time.monotonic()
        async for batch in export:
            now = time.monotonic()
            # Before writing: every batch before this one is written and counted as consumed.
            if now - saved >= every:
                output.sync()
                export.checkpoint(**_where(output))
                saved = time.monotonic()
                # A large state (many recent records) is saved less often: at most 5% of the time.
                every = max(CHECKPOINT_EVERY, 20 * (saved - now))
            output.write(batch.items)
            done = sum(1 for p in export.progress.values() if p.finished)
            rate = export.emitted / (now - started) if now > started else 0.0
            left = (total - export.emitted) / rate if total and rate else None
            note = f"{rate:,.0f}/s" + (f", ETA {left:.0f}s" if left is not None else "")
            note += f", {done}/{len(export.progress)} partitions done"
            progress.update(overall, completed=export.emitted, note=note)
            if batch.partition in rows:
                part = export.progress[batch.partition]
                eta = part.eta(now)
                part_note = f"{part.rate(now) or 0:,.0f}/s" + (
                    f", ETA {eta:.0f}s" if eta is not None else ""
                )
                progress.update(rows[batch.partition], completed=part.read, note=part_note)
        # A batch counts when the next is asked for: the last ones are counted only now.
        progress.update(overall, completed=export.emitted)
        for key, row in rows.items():
            progress.update(row, completed=export.progress[key].read)


def _print_resume(out_console: Any, export: Export, args: argparse.Namespace) -> None:
    if args.out is None:
        out_console.print(
            f"interrupted after {export.emitted} {export.resource}; "
            "standard output cannot be resumed (use --out FILE)"
        )
        return
    if not export.output:
        out_console.print("interrupted before anything was written; run it again")
        return
    command = shlex.join(["intercom-async", *sys.argv[1:]])
    out_console.print(f"interrupted after {export.emitted} {export.resource}; resume with:")
    # One line, quoted for a shell: it works when pasted.
    print(command, file=sys.stderr, flush=True)


async def run_plan(args: argparse.Namespace) -> int:
    out_console = console()
    async with _connected(args) as client:
        plan = await plan_export(
            client,
            args.resource,
            partitions=args.partitions,
            per_page=args.per_page,
            since=args.since,
        )
    summary = plan.summary()
    if args.json:
        print(json.dumps(summary))
        return 0
    seconds = plan.estimated_seconds()
    rows = [
        ["records", f"{plan.total_count:,}"],
        ["partitions", f"{len(plan.partitions):,}"],
        ["pages", f"{plan.pages:,}"],
        ["requests", f"{plan.requests:,} (planning {plan.planning_requests})"],
        ["latency", f"{plan.latency * 1000:.0f} ms" if plan.latency else "unknown"],
        [
            "budget",
            f"{plan.budget_per_second:,.1f} requests/s" if plan.budget_per_second else "unknown",
        ],
        ["estimated time", f"{seconds:,.1f} s" if seconds is not None else "unknown"],
    ]
    table(out_console, f"plan: export {args.resource}", ["", "value"], rows)
    return 0
