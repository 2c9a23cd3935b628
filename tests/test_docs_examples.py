"""docs/testing.md's pytest examples run exactly as printed: the pytest-asyncio ones in strict
and in auto mode, the anyio one under anyio's plugin (pytest-asyncio off, or in auto mode)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "testing.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def pytest_examples(marker: str = "asyncio") -> list[str]:
    return [
        block
        for block in BLOCK.findall(DOC.read_text())
        if "def test_" in block and f"@pytest.mark.{marker}" in block
    ]


def test_the_page_has_pytest_examples() -> None:
    assert len(pytest_examples()) >= 2 and len(pytest_examples("anyio")) >= 1


def _run(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    # Run where the project's own pytest settings do not apply: a user's project, in effect.
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Alone, and beside pytest-asyncio in auto mode, which claims every async fixture it sees (the
# old pytest-asyncio fixtures then ran on another loop than the anyio test: it failed).
@pytest.mark.parametrize("beside", [("-p", "no:asyncio"), ("-o", "asyncio_mode=auto")])
def test_the_anyio_example_passes_under_anyios_plugin(
    beside: tuple[str, str], tmp_path: Path
) -> None:
    examples = pytest_examples("anyio")
    for number, block in enumerate(examples):
        (tmp_path / f"test_doc_anyio_{number}.py").write_text(block)
    result = _run(tmp_path, *beside)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(examples)} passed" in result.stdout


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_the_examples_pass_as_printed(mode: str, tmp_path: Path) -> None:
    examples = pytest_examples()
    for number, block in enumerate(examples):
        (tmp_path / f"test_doc_{number}.py").write_text(block)
    result = _run(tmp_path, "-o", f"asyncio_mode={mode}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(examples)} passed" in result.stdout
