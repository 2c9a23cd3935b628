"""Fake handlers: teams."""

from .._registry import crud

crud(
    "teams",
    records="teams",
    param="team_id",
    kind="Team",
    code="team_not_found",
    listed=("team.list", "teams"),
)
