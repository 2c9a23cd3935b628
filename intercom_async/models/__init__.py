"""msgspec models for Intercom's objects (generated from the OpenAPI description)."""

from ._common import Pages, StartingAfter
from ._generated import *  # noqa: F403
from ._generated import __all__ as _generated_all

__all__ = ["Pages", "StartingAfter", *_generated_all]
