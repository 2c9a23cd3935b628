"""The API surface: one resource class per Intercom tag, attached to the client."""

from __future__ import annotations

from ._base import BaseResource
from ._generated import RESOURCE_NAMES, GeneratedResources

ResourcesMixin = GeneratedResources

__all__ = ["RESOURCE_NAMES", "BaseResource", "ResourcesMixin"]
