"""Every stateful handler of the fake, registered by importing its module."""

from . import _exports, _inbox, _people, _team  # noqa: F401  (importing registers the handlers)
from ._registry import HANDLERS, BadInput

__all__ = ["HANDLERS", "BadInput"]
