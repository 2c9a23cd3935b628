"""The API surface: one resource class per Intercom tag, attached to the client."""

from __future__ import annotations


class ResourcesMixin:
    """Attaches the resource objects to the client."""

    def _init_resources(self) -> None:
        pass
