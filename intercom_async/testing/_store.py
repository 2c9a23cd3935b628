"""The fake workspace's state (records by id, in insertion order) and shared helpers."""

from __future__ import annotations

import base64
import binascii
import itertools
import time
import uuid
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from . import _workspace as gen


class Workspace:
    """Everything the fake stores. Records are dicts in the 2.16 JSON shapes."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        """An empty workspace with its fixed admins, teams, tags and the like."""
        admins = gen.make_admins()
        self.admins: dict[str, dict[str, Any]] = {a["id"]: a for a in admins}
        self.teams: dict[str, dict[str, Any]] = {t["id"]: t for t in gen.make_teams(admins)}
        self.tags: dict[str, dict[str, Any]] = {t["id"]: t for t in gen.make_tags()}
        self.segments: dict[str, dict[str, Any]] = {s["id"]: s for s in gen.make_segments()}
        self.data_attributes: dict[str, dict[str, Any]] = {
            str(d["id"]): d for d in gen.make_data_attributes()
        }
        self.ticket_types: dict[str, dict[str, Any]] = {t["id"]: t for t in gen.make_ticket_types()}
        self.articles: dict[str, dict[str, Any]] = {a["id"]: a for a in gen.make_articles()}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.companies: dict[str, dict[str, Any]] = {}
        self.conversations: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        # Merged contacts: old id -> surviving id (the old id answers 410 with a Link).
        self.merged: dict[str, str] = {}
        self.tickets: dict[str, dict[str, Any]] = {}
        # Export jobs by job_identifier (the fake's own bookkeeping under "_" keys).
        self.exports: dict[str, dict[str, Any]] = {}
        # Records of the resources served from the description: collection path -> id -> record.
        self.generic: dict[str, dict[str, dict[str, Any]]] = {}
        self.subscription_types: dict[str, dict[str, Any]] = {
            "1": {
                "type": "subscription",
                "id": "1",
                "state": "live",
                "consent_type": "opt_out",
                "default_translation": {
                    "name": "Newsletter",
                    "description": "News",
                    "locale": "en",
                },
                "translations": [],
                "content_types": ["email"],
            },
        }
        self._ids = itertools.count(1)
        self._last_serial: dict[str, int] = {}
        self._identities: dict[tuple[str, Any], str] = {}

    def seed(
        self, *, contacts: int = 0, companies: int = 0, conversations: int = 0, seed: int = 1
    ) -> None:
        """Fill the workspace deterministically: the same arguments give the same records."""
        self._reset()
        company_records = gen.make_companies(companies, seed)
        contact_records = gen.make_contacts(contacts, seed, companies=companies)
        self.companies = {c["id"]: c for c in company_records}
        self.contacts = {c["id"]: c for c in contact_records}
        for contact in contact_records:
            self.index_contact(contact)
        admins = list(self.admins.values())
        self.conversations = {
            c["id"]: c for c in gen.make_conversations(conversations, contact_records, admins, seed)
        }

    def find_contact(self, email: Any, external_id: Any) -> dict[str, Any] | None:
        """The contact with this email or external_id, through an index (creates stay O(1))."""
        for field, value in (("email", email), ("external_id", external_id)):
            if not value:
                continue
            key = _identity(field, value)
            found = self.contacts.get(self._identities.get((field, key), ""))
            # The index follows API writes; a record edited since no longer counts.
            if found is not None and _identity(field, found.get(field)) == key:
                return found
        return None

    def index_contact(self, contact: dict[str, Any]) -> None:
        for field in ("email", "external_id"):
            if contact.get(field):
                self._identities[(field, _identity(field, contact[field]))] = contact["id"]

    def serial(self, kind: str, records: Mapping[str, Any], floor: int) -> str:
        """The next numeric id of a resource: one past the largest it ever held (seeded ones
        included), so an id is never reused after a delete, as Intercom never reuses one."""
        last = self._last_serial.get(kind)
        if last is None:
            last = max((int(key) for key in records if key.isdigit()), default=floor - 1)
        self._last_serial[kind] = number = max(last, floor - 1) + 1
        return str(number)

    def new_id(self, prefix: int = 9) -> str:
        return gen.object_id(prefix, 1_000_000 + next(self._ids))

    def admin(self) -> dict[str, Any]:
        return next(iter(self.admins.values()))


def _identity(field: str, value: Any) -> Any:
    # Intercom matches emails without regard to case (Ada@Example.com is ada@example.com).
    return value.lower() if field == "email" and isinstance(value, str) else value


def now() -> int:
    return int(time.time())


def error(
    status: int, code: str, message: str | None = None, *, headers: dict[str, str] | None = None
) -> web.Response:
    body = {
        "type": "error.list",
        "request_id": str(uuid.uuid4()),
        "errors": [{"code": code, "message": message}],
    }
    return web.json_response(body, status=status, headers=headers)


def not_found(kind: str) -> web.Response:
    return error(404, "not_found", f"{kind} Not Found")


class InvalidCursor(Exception):
    pass


def encode_cursor(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int:
    """The offset a cursor points at; InvalidCursor for anything this fake did not issue."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        name, _, offset = text.partition(":")
        if name != kind or not offset.isdigit():
            raise InvalidCursor(cursor)
        return int(offset)
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(cursor) from exc


def int_param(value: str | None, default: int, *, low: int = 1, high: int = 150) -> int:
    if value is None or value == "":
        return default
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"must be between {low} and {high}")
    return number
