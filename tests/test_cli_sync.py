"""``intercom-async export`` and ``plan`` as a new user runs them: output safety, formats,
incremental state, the plan against the run, the base URL."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

from intercom_async.testing import FakeIntercom

from .test_cli import cli


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_failed_export_leaves_the_existing_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "contacts.jsonl"
    out.write_text("yesterday's export\n")
    result = cli(
        "export",
        "contacts",
        "--out",
        str(out),
        "--base-url",
        f"http://127.0.0.1:{_closed_port()}",
        env={"INTERCOM_TOKEN": "t"},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert out.read_text() == "yesterday's export\n"


def test_a_csv_name_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    result = cli("export", "contacts", "--fake", "--fake-contacts", "300", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = out.read_text().splitlines()
    assert rows[0].startswith("type,id,") and rows[0].endswith("_extra")
    assert len(rows) == 301


def test_an_unwritable_path_is_one_line_and_exit_two(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "contacts.jsonl"
    result = cli("export", "contacts", "--fake", "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no-such-folder" in lines[0] and "Traceback" not in lines[0]


def test_with_parts_is_for_conversations() -> None:
    result = cli("export", "contacts", "--fake", "--with-parts")
    assert result.returncode == 2 and "--with-parts" in result.stderr


def test_the_plan_predicts_the_runs_requests(tmp_path: Path) -> None:
    common = ["--fake", "--fake-contacts", "6000", "--partitions", "4"]
    planned = cli("plan", "contacts", *common, "--json")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert plan["total_count"] == 6000 and plan["partitions"] >= 4
    out = tmp_path / "contacts.jsonl"
    ran = cli("export", "contacts", *common, "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    used = int(re.search(r"\((\d+) requests\)", ran.stderr).group(1))  # type: ignore[union-attr]
    assert abs(used - plan["requests"]) <= 0.1 * plan["requests"], (used, plan)
    assert len(out.read_text().splitlines()) == 6000


def test_the_plan_prints_a_table() -> None:
    result = cli("plan", "contacts", "--fake", "--fake-contacts", "2000")
    assert result.returncode == 0, result.stderr
    for row in ("records", "partitions", "pages", "requests", "estimated time"):
        assert row in result.stdout


def test_a_second_run_with_the_state_reads_only_what_changed(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = tmp_path / "first.jsonl"
    args = ["export", "contacts", "--fake", "--fake-contacts", "1500", "--state", str(state)]
    assert cli(*args, "--out", str(first)).returncode == 0
    assert len(first.read_text().splitlines()) == 1500
    saved = json.loads(state.read_text())
    assert saved["run"] is None and saved["resources"]["contacts"]["high_water"] > 0
    second = tmp_path / "second.jsonl"
    result = cli(*args, "--out", str(second))
    assert result.returncode == 0, result.stderr
    # The fake's contacts last changed long ago: nothing to read.
    assert second.read_text() == ""


def test_since_reads_only_records_updated_since(tmp_path: Path) -> None:
    out = tmp_path / "recent.jsonl"
    everything = tmp_path / "all.jsonl"
    assert cli("export", "contacts", "--fake", "--out", str(everything)).returncode == 0
    stamps = sorted(json.loads(line)["updated_at"] for line in everything.read_text().splitlines())
    middle = stamps[len(stamps) // 2]
    result = cli("export", "contacts", "--fake", "--since", str(middle), "--out", str(out))
    assert result.returncode == 0, result.stderr
    got = [json.loads(line)["updated_at"] for line in out.read_text().splitlines()]
    # Contact dates match by day: a whole day of records before `middle` may come along.
    assert got and min(got) >= middle - 86_400
    assert {s for s in stamps if s >= middle} <= set(got)


def test_the_base_url_comes_from_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "admins.jsonl"
    with FakeIntercom(token="env-token").running_in_thread() as fake:
        fake.seed(contacts=5)
        result = cli(
            "export",
            "admins",
            "--out",
            str(out),
            env={"INTERCOM_TOKEN": "env-token", "INTERCOM_BASE_URL": fake.base_url},
        )
    assert result.returncode == 0, result.stderr
    assert len(out.read_text().splitlines()) == len(fake.store.admins)


def test_progress_has_a_row_per_partition_with_rate_and_eta(tmp_path: Path) -> None:
    out = tmp_path / "contacts.jsonl"
    result = cli(
        "export",
        "contacts",
        "--fake",
        "--fake-contacts",
        "3000",
        "--partitions",
        "3",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stderr.splitlines() if re.search(r"\d+-\d*|-\d+", line)]
    partition_rows = [line for line in rows if "/s" in line and "partitions done" not in line]
    assert len(partition_rows) >= 3, result.stderr
