"""What ``import intercom_async`` costs beyond the libraries it is built on, and what the first
use of a resource costs (it imports that resource's module, the operation table and the models).

Each timing is a fresh interpreter timing its own import with ``perf_counter``, so interpreter
start-up is left out. Byte-code caches are written first (an installed package has them), and
the two imports alternate so that a busy moment of the machine hits both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from typing import Any

BASELINE = "aiohttp, msgspec, anyio, backoff"
OURS = "intercom_async"
FIRST_USE = (
    "import intercom_async, time\n"
    "client = intercom_async.Intercom(token='bench', base_url='http://127.0.0.1:9')\n"
    "t = time.perf_counter()\n"
    "client.contacts\n"
    "print(time.perf_counter() - t)\n"
)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Some machines (this one) turn byte-code caching off; users' installs have the caches.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(code: str, env: dict[str, str]) -> float:
    answer = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(answer.stdout.strip())


def _import_seconds(modules: str, env: dict[str, str]) -> float:
    return _timed(
        f"import time\nt = time.perf_counter()\nimport {modules}\nprint(time.perf_counter() - t)\n",
        env,
    )


def run(repeat: int) -> dict[str, Any]:
    env = _environment()
    _import_seconds(OURS, env)  # writes the byte-code caches
    _timed(FIRST_USE, env)
    baseline: list[float] = []
    ours: list[float] = []
    for _ in range(repeat):
        baseline.append(_import_seconds(BASELINE, env))
        ours.append(_import_seconds(OURS, env))
    first_use = [_timed(FIRST_USE, env) for _ in range(max(1, repeat // 3))]
    base = statistics.median(baseline)
    own = statistics.median(ours)
    return {
        "repeat": repeat,
        "baseline_ms": base * 1000,
        "ours_ms": own * 1000,
        "ratio": own / base,
        "first_use_ms": statistics.median(first_use) * 1000,
    }


def render(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            "",
            "## 8. Import time",
            "",
            f"Median of {result['repeat']} fresh interpreters each, byte-code cached, the two"
            " alternating.",
            "",
            "| import | ms | vs the four libraries |",
            "|---|---:|---:|",
            f"| `import {BASELINE}` | {result['baseline_ms']:.1f} | 1.00× |",
            f"| `import {OURS}` | {result['ours_ms']:.1f} | {result['ratio']:.2f}× |",
            "",
            "Resource modules, the operation table and the models load on first use: the first"
            f" read of `client.contacts` takes {result['first_use_ms']:.1f} ms (once per"
            " process).",
            "",
        ]
    )


if __name__ == "__main__":
    print(render(run(int(sys.argv[1]) if len(sys.argv) > 1 else 15)))
