"""Testing helpers shipped with the library: ``FakeIntercom`` and a realistic data generator."""

from ._ctx import FakeStats
from ._fake import FakeIntercom, RecordedRequest
from ._faults import Fault
from ._workspace import make_companies, make_contacts

__all__ = [
    "FakeIntercom",
    "FakeStats",
    "Fault",
    "RecordedRequest",
    "make_companies",
    "make_contacts",
]
