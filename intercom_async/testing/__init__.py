"""Test helpers shipped with the library: a realistic workspace generator (and the fake server)."""

from ._workspace import make_companies, make_contacts

__all__ = ["make_companies", "make_contacts"]
