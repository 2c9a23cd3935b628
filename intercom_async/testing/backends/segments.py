"""Fake handlers: segments."""

from .._registry import crud

crud(
    "segments",
    records="segments",
    param="segment_id",
    kind="Segment",
    listed=("segment.list", "segments"),
)
