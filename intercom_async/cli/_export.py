"""``intercom-async export``: stream a resource to JSON Lines or CSV, resumable after Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

import msgspec

from .._client import Intercom
from ..errors import APIConnectionError, APIStatusError, AuthenticationError, ConfigurationError
from ..pagination import Paginator
from ._ui import CliError, console, non_negative, page_size, progress_bar

# resource -> (list method, search method or None)
EXPORTS: dict[str, tuple[str, str | None]] = {
    "contacts": ("contacts.list", "contacts.search"),
    "companies": ("companies.list", None),
    "conversations": ("conversations.list", "conversations.search"),
    "tickets": ("tickets.search", "tickets.search"),
    "admins": ("admins.list", None),
    "teams": ("teams.list", None),
    "tags": ("tags.list", None),
    "segments": ("segments.list", None),
    "articles": ("articles.list", None),
    "data-attributes": ("data_attributes.list", None),
}
# Ticket listing is a search; this query matches every ticket.
_ALL_TICKETS = {"field": "created_at", "operator": ">", "value": 0}


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", choices=sorted(EXPORTS))
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument(
        "--search", help="a search query as JSON (contacts, conversations, tickets)"
    )
    parser.add_argument("--resume", metavar="CURSOR", help="continue an interrupted export")
    parser.add_argument("--per-page", type=page_size, default=150)
    parser.add_argument(
        "--token-file", type=Path, help="file holding the token (else INTERCOM_TOKEN)"
    )
    parser.add_argument("--region", choices=["us", "eu", "au"], default="us")
    parser.add_argument(
        "--version", dest="api_version", default="2.16", help="Intercom API version"
    )
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--fake", action="store_true", help="export from a bundled FakeIntercom")
    parser.add_argument("--fake-contacts", type=non_negative, default=2_000, help=argparse.SUPPRESS)
    # Tests slow the fake's pages down to interrupt an export part way.
    parser.add_argument("--fake-latency", type=float, default=0.0, help=argparse.SUPPRESS)


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


def _paginator(client: Intercom, args: argparse.Namespace) -> Paginator[dict[str, Any], Any]:
    list_name, search_name = EXPORTS[args.resource]
    kwargs: dict[str, Any] = {}
    name = list_name
    if args.search is not None or list_name == search_name:
        if search_name is None:
            raise CliError(f"--search is not available for {args.resource}", exit_code=2)
        try:
            query = json.loads(args.search) if args.search is not None else _ALL_TICKETS
        except json.JSONDecodeError as error:
            raise CliError(f"--search is not valid JSON: {error.msg}", exit_code=2) from None
        name, kwargs = search_name, {"query": query}
    method: Any = client
    for part in name.split("."):
        method = getattr(method, part)
    import inspect

    parameters = inspect.signature(method).parameters
    if "per_page" in parameters:
        kwargs["per_page"] = args.per_page
    if args.resume is not None:
        if "cursor" not in parameters:
            raise CliError(f"{args.resource} is a single page; there is nothing to resume", 2)
        cursor: str | int = int(args.resume) if args.resume.isdigit() else args.resume
        kwargs["cursor"] = cursor
    paginator: Paginator[Any, Any] = method(**kwargs)
    return paginator.as_dicts()


def _without_resume(argv: list[str]) -> list[str]:
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--resume":
            skip = True
        elif not arg.startswith("--resume="):
            kept.append(arg)
    return kept


class _CsvWriter:
    """Top-level fields as columns (nested values as JSON); fields not in the first row go to
    an `_extra` column, so nothing is dropped."""

    def __init__(self, out: IO[str], write_header: bool) -> None:
        self.out = out
        self.write_header = write_header
        self.columns: list[str] | None = None
        self.writer = csv.writer(out)

    def write(self, item: dict[str, Any]) -> None:
        if self.columns is None:
            self.columns = list(item)
            if self.write_header:
                self.writer.writerow([*self.columns, "_extra"])
        row = [_cell(item.get(column)) for column in self.columns]
        extra = {k: v for k, v in item.items() if k not in self.columns}
        row.append(json.dumps(extra) if extra else "")
        self.writer.writerow(row)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


async def run_export(args: argparse.Namespace) -> int:
    out_console = console(stderr=True)
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
                fake.inject(latency=args.fake_latency, method="GET")
            token, base_url = fake.token, fake.base_url
        else:
            token, base_url = _token(args), args.base_url
        try:
            client = Intercom(
                token, region=args.region, base_url=base_url, version=args.api_version
            )
        except ConfigurationError as error:
            raise CliError(str(error), exit_code=2) from None
        await stack.enter_async_context(client)
        paginator = _paginator(client, args)
        resuming = args.resume is not None
        if args.out is not None:
            appending = resuming and args.out.exists()
            out: IO[str] = stack.enter_context(args.out.open("a" if appending else "w", newline=""))
        else:
            out, appending = sys.stdout, False
        csv_writer = _CsvWriter(out, write_header=not appending) if args.format == "csv" else None
        encoder = msgspec.json.Encoder()
        boundary = out.tell() if out.seekable() else 0
        count = 0
        with progress_bar(out_console) as progress:
            task = progress.add_task(f"exporting {args.resource}", total=None, note="")
            try:
                async for page in paginator.pages():
                    for item in page.items:
                        if csv_writer is not None:
                            csv_writer.write(item)
                        else:
                            out.write(encoder.encode(item).decode() + "\n")
                    out.flush()
                    # Only whole pages count: an interruption truncates back to here.
                    boundary = out.tell() if out.seekable() else 0
                    count += len(page.items)
                    progress.update(task, completed=count, total=page.total_count)
            except asyncio.CancelledError:
                if out.seekable():
                    out.truncate(boundary)
                out.flush()
                again = _without_resume(sys.argv[1:])
                out_console.print(
                    f"interrupted after {count} {args.resource}; continue with:\n"
                    f"  intercom-async {' '.join(again)} --resume {paginator.cursor}"
                    if paginator.cursor is not None
                    else f"interrupted after {count} {args.resource} (before the first page)"
                )
                raise
            except AuthenticationError as error:
                raise CliError(
                    f"Intercom rejected the token ({error.status} {error.code})"
                ) from None
            except APIConnectionError as error:
                raise CliError(f"could not reach {client.base_url}: {error.detail}") from None
            except APIStatusError as error:
                raise CliError(str(error)) from None
        out_console.print(
            f"exported {count} {args.resource}" + (f" to {args.out}" if args.out else "")
        )
    return 0
