"""Every hand-written handler of the fake, registered by importing the backends."""

from . import backends  # noqa: F401  (importing registers the handlers)
from ._registry import HANDLERS, BadInput

__all__ = ["HANDLERS", "BadInput"]
