"""Generate models, the operation table, resource classes and the coverage page from the spec.

    uv run python -m tools.generate          # write the files
    uv run python -m tools.generate --check  # fail if the committed files are out of date

Reads every description in ../shared/openapi (2.16 is the target; the others add the fields and
shapes they declare, and the operations later versions dropped) and fern-openapi-overrides.yml.
Fixes the spec needs go in tools/overrides.py, never in the output.
"""

from __future__ import annotations

import argparse
import copy
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.models_gen import ModelBuilder, apply_merges, learn_from_examples, render_models
from tools.naming import pascal
from tools.operations_gen import Op, collect_operations
from tools.render import render_coverage, render_operations, render_resources
from tools.samples_gen import render_samples
from tools.spec import (
    GENERATED_MARK,
    ROOT,
    SPEC_FILES,
    TARGET_VERSION,
    load_overrides,
    load_spec,
    merged_schemas,
)
from tools.union import adopt_wrappers, apply_corrections, unite_versions

MODELS_OUT = ROOT / "intercom_async" / "models" / "_generated.py"
OPERATIONS_OUT = ROOT / "intercom_async" / "operations.py"
RESOURCES_DIR = ROOT / "intercom_async" / "resources"
COVERAGE_OUT = ROOT / "docs" / "reference" / "operations.md"
REFERENCE_OUT = ROOT / "docs" / "reference" / "resources.md"
SAMPLES_OUT = ROOT / "intercom_async" / "testing" / "_samples.py"


def ruff_format(path: Path, source: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


# Models handed out whole besides responses and list items: webhook items (intercom_async.webhooks).
WEBHOOK_MODELS = frozenset({"Company", "Contact", "Conversation", "Ticket"})


def live_reference() -> str:
    """docs/reference/resources.md as tools.reference renders it from the importable code."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.reference"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


def whole_objects(ops: list[Op], builder: ModelBuilder) -> set[str]:
    """The models a user can receive as a whole object: every member of a response type, every
    list item type, every webhook item type."""
    roots = set(WEBHOOK_MODELS)
    for op in ops:
        for annotation in (op.response_type, op.item_type):
            roots.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", annotation or ""))
    return roots & set(builder.structs)


def render_all(loaded: dict[str, dict[str, Any]]) -> dict[Path, str]:
    """Every generated file but the method reference, from the descriptions as loaded.

    The descriptions are never edited: uniting the versions, applying Intercom's corrections
    and learning from examples work on a copy (the samples read the originals).
    """
    specs = copy.deepcopy(loaded)
    builder = ModelBuilder(merged_schemas(specs))
    apply_merges(builder)
    aliases = adopt_wrappers(specs, builder)
    unite_versions(specs, builder)
    apply_corrections(load_overrides(), builder)
    learn_from_examples(specs, builder)
    # Every named schema becomes a response model, so users can decode anything by name.
    for name, schema in sorted(specs[TARGET_VERSION]["components"]["schemas"].items()):
        if builder.object_properties(schema) is not None:
            builder.struct_for(name, schema, False, pascal(name))
    ops = collect_operations(specs, builder)
    roots = whole_objects(ops, builder)
    print(f"{len(ops)} operations, {len(builder.structs)} models")
    outputs = {
        MODELS_OUT: ruff_format(MODELS_OUT, render_models(builder, aliases, roots)),
        OPERATIONS_OUT: ruff_format(OPERATIONS_OUT, render_operations(ops)),
        SAMPLES_OUT: ruff_format(SAMPLES_OUT, render_samples(loaded, ops)),
        COVERAGE_OUT: render_coverage(ops),
    }
    for module, source in render_resources(ops).items():
        path = RESOURCES_DIR / f"{module}.py"
        outputs[path] = ruff_format(path, source)
    return outputs


def orphans(outputs: dict[Path, str]) -> list[Path]:
    """Generated files the generator no longer writes (a resource renamed or dropped)."""
    found = []
    for path in sorted(RESOURCES_DIR.glob("*.py")):
        if path not in outputs and path.read_text().startswith(GENERATED_MARK):
            found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the output is out of date")
    args = parser.parse_args(argv)
    outputs = render_all({version: load_spec(version) for version in SPEC_FILES})
    stale = [
        path for path, text in outputs.items() if not path.exists() or path.read_text() != text
    ]
    leftover = orphans(outputs)
    if not args.check:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(outputs[path])
            print(f"wrote {path.relative_to(ROOT)}")
        for path in leftover:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)}")
    # The method reference comes from the live methods, so from the code just written.
    reference = live_reference()
    if not REFERENCE_OUT.exists() or REFERENCE_OUT.read_text() != reference:
        stale.append(REFERENCE_OUT)
        if not args.check:
            REFERENCE_OUT.write_text(reference)
            print(f"wrote {REFERENCE_OUT.relative_to(ROOT)}")
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run: uv run python -m tools.generate)")
        for path in leftover:
            print(f"no longer generated: {path.relative_to(ROOT)} (tools.generate removes it)")
        return 1 if stale or leftover else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
