"""Real responses that broke strict decoders in users' reports: each must decode."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from intercom_async import models as m
from intercom_async.operations import OPERATIONS


def decode(body: dict[str, Any], type_: Any) -> Any:
    return msgspec.json.decode(msgspec.json.encode(body), type=type_)


def test_tag_applied_fields_null() -> None:
    tag = decode({"type": "tag", "id": "1", "applied_at": None, "applied_by": None}, m.Tag)
    assert tag.applied_at is None and tag.applied_by is None


@pytest.mark.parametrize("field", ["last_request_at", "size", "website", "industry"])
def test_company_fields_null(field: str) -> None:
    company = decode({"type": "company", "id": "c1", field: None}, m.Company)
    assert getattr(company, field) is None and company.id == "c1"


def test_admin_job_title_null_and_avatar_object() -> None:
    admin = decode(
        {"type": "admin", "id": "1", "job_title": None, "avatar": {"image_url": "https://x/a.png"}},
        m.Admin,
    )
    assert admin.job_title is None
    assert admin.avatar == {"image_url": "https://x/a.png"}
    assert decode({"avatar": "https://x/a.png"}, m.Admin).avatar == "https://x/a.png"


def test_data_attribute_description_null() -> None:
    assert decode({"name": "plan", "description": None}, m.DataAttribute).description is None


def test_note_contact_and_author_null() -> None:
    note = decode({"type": "note", "id": "1", "contact": None, "author": None}, m.Note)
    assert note.contact is None and note.author is None


def test_ticket_type_null() -> None:
    assert decode({"type": "ticket", "id": "1", "ticket_type": None}, m.Ticket).ticket_type is None


def test_conversation_part_author_name_null() -> None:
    author = decode({"type": "admin", "id": "1", "name": None}, m.ConversationPartAuthor)
    assert author.name is None


def test_team_assignee_id_as_integer_zero() -> None:
    conversation = decode(
        {"type": "conversation", "id": "1", "team_assignee_id": 0}, m.Conversation
    )
    assert conversation.team_assignee_id == 0


def test_event_metadata_values_of_any_json_type() -> None:
    metadata = {"n": 1, "f": 1.5, "s": "x", "b": True, "null": None, "obj": {"a": [1]}, "arr": [1]}
    event = decode({"event_name": "x", "metadata": metadata}, m.DataEvent)
    assert event.metadata == metadata


def test_conversations_list_answers_under_conversations() -> None:
    op = OPERATIONS["conversations.list"]
    page = decode({"type": "conversation.list", "conversations": [{"id": "1"}]}, op.response_type)
    assert op.items_key == "conversations"
    assert page.conversations[0].id == "1"


def test_attached_tags_answer_under_data() -> None:
    op = OPERATIONS["contacts.list_tags"]
    tags = decode({"type": "list", "data": [{"type": "tag", "id": "7"}]}, op.response_type)
    assert tags.data[0].id == "7"


def test_message_subject_absent() -> None:
    message = decode({"type": "user_message", "id": "1", "body": "hi"}, m.Message)
    assert message.subject is None


def test_unknown_fields_and_enum_values_are_accepted() -> None:
    contact = decode(
        {"type": "contact", "id": "1", "role": "robot", "brand_new": {"x": 1}}, m.Contact
    )
    assert contact.role == "robot"


def test_pages_next_accepts_null_url_and_object() -> None:
    assert decode({"type": "pages", "next": None}, m.Pages).next is None
    url = "https://api.intercom.io/companies?page=2"
    assert decode({"next": url}, m.Pages).next == url
    cursor = decode({"next": {"starting_after": "abc"}}, m.Pages).next
    assert isinstance(cursor, m.StartingAfter) and cursor.starting_after == "abc"


def test_event_list_items_keep_whole_events_and_summaries() -> None:
    # GET /events is declared to answer summaries; without summary=true it answers events.
    item_type = OPERATIONS["events.list"].response_type
    page = decode(
        {
            "type": "event.list",
            "events": [
                {"type": "event", "event_name": "invited", "created_at": 1, "metadata": {"a": [1]}},
                {"name": "invited", "count": 3, "first": "2024", "last": "2025"},
            ],
        },
        item_type,
    )
    whole, summary = page.events
    assert (whole.event_name, whole.created_at, whole.metadata) == ("invited", 1, {"a": [1]})
    assert (summary.name, summary.count) == ("invited", 3)
