"""docs/testing.md's pytest examples run exactly as printed, in strict and in auto mode."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "testing.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def pytest_examples() -> list[str]:
    return [block for block in BLOCK.findall(DOC.read_text()) if "def test_" in block]


def test_the_page_has_pytest_examples() -> None:
    assert len(pytest_examples()) >= 2


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_the_examples_pass_as_printed(mode: str, tmp_path: Path) -> None:
    examples = pytest_examples()
    for number, block in enumerate(examples):
        (tmp_path / f"test_doc_{number}.py").write_text(block)
    # Run where the project's own pytest settings do not apply: a user's project, in effect.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            f"asyncio_mode={mode}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(examples)} passed" in result.stdout
