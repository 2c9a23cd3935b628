"""The ``intercom-async`` command: ``demo`` (against the bundled fake), ``export`` and ``plan``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from .._version import __version__
from ._export import EXPORTS, add_export_arguments, add_plan_arguments, run_export, run_plan
from ._ui import CliError, fail, non_negative


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intercom-async",
        description="Stream and export Intercom data; `demo` runs against a bundled fake.",
    )
    parser.add_argument("--version", action="version", version=f"intercom-async {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="a bulk sync against the bundled FakeIntercom (no account needed)"
    )
    demo.add_argument("--contacts", type=non_negative, default=20_000)
    demo.add_argument("--companies", type=non_negative, default=2_000)
    demo.add_argument("--conversations", type=non_negative, default=5_000)
    demo.add_argument(
        "--updates", type=non_negative, default=2_000, help="contacts updated concurrently"
    )
    demo.add_argument(
        "--rate-limit", default="800/2", help="the fake's window, LIMIT/SECONDS (default 800/2)"
    )
    export = commands.add_parser(
        "export",
        help="stream a resource to JSON Lines or CSV",
        description=f"Resources: {', '.join(sorted(EXPORTS))}.",
    )
    add_export_arguments(export)
    plan = commands.add_parser(
        "plan",
        help="what an export will read, and how long it takes, before reading it",
        description="Partitions, records, pages, requests and the estimated time.",
    )
    add_plan_arguments(plan)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from ._demo import run_demo

            return asyncio.run(run_demo(args))
        if args.command == "plan":
            return asyncio.run(run_plan(args))
        return asyncio.run(run_export(args))
    except CliError as error:
        return fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
