"""The intercom-async command end to end: demo, export, resume after Ctrl-C, clear failures."""

from __future__ import annotations

import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intercom_async.testing import FakeIntercom


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "intercom_async.cli", *args],
        capture_output=True,
        text=True,
        env=merged,
        timeout=timeout,
        check=False,
    )


def test_demo_runs_the_bulk_sync_and_exits_zero() -> None:
    result = cli(
        "demo",
        "--contacts",
        "3000",
        "--companies",
        "300",
        "--conversations",
        "600",
        "--updates",
        "300",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for step in (
        "stream contacts",
        "search contacts",
        "scroll companies",
        "update contacts",
        "export conversations",
        "total",
    ):
        assert step in result.stdout


def test_export_writes_every_contact_as_one_complete_json_line(tmp_path: Path) -> None:
    out = tmp_path / "contacts.jsonl"
    result = cli("export", "contacts", "--fake", "--fake-contacts", "1200", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    assert len(lines) == 1200
    records = [json.loads(line) for line in lines]
    assert len({r["id"] for r in records}) == 1200
    assert {"custom_attributes", "location", "tags", "companies", "email"} <= set(records[0])


def test_export_csv_and_search(tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    query = json.dumps({"field": "role", "operator": "=", "value": "lead"})
    result = cli(
        "export",
        "contacts",
        "--fake",
        "--fake-contacts",
        "600",
        "--format",
        "csv",
        "--search",
        query,
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    rows = out.read_text().splitlines()
    header = rows[0].split(",")
    assert "id" in header and "_extra" in header
    assert 0 < len(rows) - 1 < 600 and all(",lead," in row for row in rows[1:])


def _interrupt_then_resume(tmp_path: Path, how: signal.Signals) -> None:
    out = tmp_path / "contacts.jsonl"
    out.write_text("the previous export\n")
    partial = tmp_path / "contacts.jsonl.partial"
    args = [
        "export",
        "contacts",
        "--fake",
        "--fake-contacts",
        "3000",
        "--per-page",
        "100",
        "--fake-latency",
        "0.05",
        "--out",
        str(out),
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "intercom_async.cli", *args], stderr=subprocess.PIPE, text=True
    )
    # Anywhere from the first pages to most of the way (about 3.3 MB in all).
    stop_at = random.Random().randrange(50_000, 2_500_000)
    deadline = time.monotonic() + 60
    while (
        (not partial.exists() or partial.stat().st_size < stop_at)
        and time.monotonic() < deadline
        and process.poll() is None
    ):
        time.sleep(0.02)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    # Interrupted: the old file is as it was; what was read so far waits beside it.
    assert out.read_text() == "the previous export\n"
    assert partial.exists()
    if how == signal.SIGINT:
        assert process.returncode == 130, stderr
        lines = stderr.strip().splitlines()
        assert "resume with:" in lines[-2]
        again = shlex.split(lines[-1])  # one line, as a shell reads it
        assert again[0] == "intercom-async" and again[1:] == args
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    assert "resuming" in result.stderr
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(ids) == 3000 == len(set(ids))
    assert not partial.exists()
    assert not (tmp_path / "contacts.jsonl.partial.state").exists()


def test_interrupted_export_resumes_to_exactly_once(tmp_path: Path) -> None:
    _interrupt_then_resume(tmp_path, signal.SIGINT)


def test_crashed_export_resumes_to_exactly_once(tmp_path: Path) -> None:
    _interrupt_then_resume(tmp_path, signal.SIGKILL)


def test_no_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "INTERCOM_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "intercom_async.cli", "export", "contacts"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "INTERCOM_TOKEN" in result.stderr


async def test_rejected_token_and_network_down_are_one_clear_line() -> None:
    async with FakeIntercom(token="right") as fake:
        import asyncio

        result = await asyncio.to_thread(
            cli, "export", "contacts", "--base-url", fake.base_url, env={"INTERCOM_TOKEN": "wrong"}
        )
    assert result.returncode == 1
    assert "rejected the token" in result.stderr and "Traceback" not in result.stderr
    assert "wrong" not in result.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = cli(
        "export", "contacts", "--base-url", f"http://127.0.0.1:{port}", env={"INTERCOM_TOKEN": "x"}
    )
    assert down.returncode == 1
    assert "could not reach" in down.stderr and "Traceback" not in down.stderr


@pytest.mark.parametrize(
    "bad",
    [
        ["export", "nothing"],
        ["export", "contacts", "--search", "{"],
        ["demo", "--contacts", "-5"],
        ["demo", "--updates", "many"],
        ["export", "contacts", "--per-page", "0"],
        ["export", "contacts", "--per-page", "500"],
    ],
)
def test_bad_arguments_exit_two(bad: list[str]) -> None:
    result = cli(*bad, "--fake") if "--search" in bad else cli(*bad)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("intercom-async")


def test_export_without_rich_prints_plain_progress(tmp_path: Path) -> None:
    # The `cli` extra only adds progress bars: without rich, export still runs.
    target = tmp_path / "contacts.jsonl"
    code = (
        "import sys; sys.modules['rich'] = None; "
        "from intercom_async.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    args = ["export", "contacts", "--fake", "--fake-contacts", "400", "--out", str(target)]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(target.read_text().splitlines()) == 400
    assert "exporting contacts: 400/400" in result.stderr
    assert "exported 400 contacts" in result.stderr
