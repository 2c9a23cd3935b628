"""Every record the fake holds is built here, one constructor per resource, in the 2.16 shape.

Seeding (``_workspace``) and the create handlers both call these, so a seeded record and a
created one have the same keys; enum values are 2.16's. Keys whose value is None stay in the
stored record (handlers read them) and are left out of answers, as Intercom does
(``FakeIntercom(omit_null_keys=...)``).
"""

from __future__ import annotations

from typing import Any

WORKSPACE_ID = "ecahpwf5"
PRIORITIES = ("none", "low", "medium", "high", "urgent")


def ref_list(refs: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """A contact's list of related records (tags, notes, companies...)."""
    return {"type": "list", "data": refs, "url": url, "total_count": len(refs), "has_more": False}


def contact(contact_id: str, *, role: str, created_at: int, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "contact",
        "id": contact_id,
        "workspace_id": WORKSPACE_ID,
        "external_id": None,
        "role": role,
        "email": None,
        "email_domain": None,
        "phone": None,
        "formatted_phone": None,
        "name": None,
        "avatar": None,
        "owner_id": None,
        "social_profiles": {"type": "list", "data": []},
        "has_hard_bounced": False,
        "marked_email_as_spam": False,
        "unsubscribed_from_emails": False,
        "created_at": created_at,
        "updated_at": created_at,
        "signed_up_at": None,
        "last_seen_at": None,
        "last_replied_at": None,
        "last_contacted_at": None,
        "last_email_opened_at": None,
        "last_email_clicked_at": None,
        "language_override": None,
        "browser": None,
        "browser_version": None,
        "browser_language": None,
        "os": None,
        "location": {
            "type": "location",
            "country": None,
            "region": None,
            "city": None,
            "country_code": None,
            "continent_code": None,
        },
        **{f"android_{k}": None for k in _APP_KEYS},
        **{f"ios_{k}": None for k in _APP_KEYS},
        "custom_attributes": {},
        "tags": ref_list([], f"/contacts/{contact_id}/tags"),
        "notes": ref_list([], f"/contacts/{contact_id}/notes"),
        "companies": ref_list([], f"/contacts/{contact_id}/companies"),
        "opted_out_subscription_types": ref_list([], f"/contacts/{contact_id}/subscriptions"),
        "opted_in_subscription_types": ref_list([], f"/contacts/{contact_id}/subscriptions"),
        "utm_campaign": None,
        "utm_content": None,
        "utm_medium": None,
        "utm_source": None,
        "utm_term": None,
        "referrer": None,
        "enabled_push_messaging": None,
    }
    record.update(fields)
    if isinstance(record["email"], str) and "@" in record["email"]:
        record["email_domain"] = record["email"].rsplit("@", 1)[1]
    return record


_APP_KEYS = ("app_name", "app_version", "device", "os_version", "sdk_version", "last_seen_at")


def company(
    record_id: str, *, company_id: str | None, created_at: int, **fields: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "company",
        "id": record_id,
        "company_id": company_id,
        "app_id": WORKSPACE_ID,
        "name": None,
        "remote_created_at": None,
        "created_at": created_at,
        "updated_at": created_at,
        "last_request_at": None,
        "monthly_spend": 0,
        "session_count": 0,
        "user_count": 0,
        "size": None,
        "website": None,
        "industry": None,
        "tags": {"type": "tag.list", "tags": []},
        "segments": {"type": "segment.list", "segments": []},
        "plan": None,
        "custom_attributes": {},
    }
    record.update(fields)
    return record


def admin(admin_id: str, *, name: str, email: str, team_ids: list[int]) -> dict[str, Any]:
    return {
        "type": "admin",
        "id": admin_id,
        "name": name,
        "email": email,
        "job_title": None,
        "away_mode_enabled": False,
        "away_mode_reassign": False,
        "away_status_reason_id": None,
        "has_inbox_seat": True,
        "team_ids": team_ids,
        # 2.16 declares an admin's avatar a URL string (a contact's an object; see api-notes).
        "avatar": f"https://static.example.com/avatars/{admin_id}.png",
    }


def team(team_id: str, *, name: str, admin_ids: list[int]) -> dict[str, Any]:
    return {
        "type": "team",
        "id": team_id,
        "name": name,
        "admin_ids": admin_ids,
        "admin_priority_level": {"primary_admin_ids": [], "secondary_admin_ids": []},
        "assignment_limit": None,
        "distribution_method": "round_robin",
    }


def tag(tag_id: str, *, name: str) -> dict[str, Any]:
    return {"type": "tag", "id": tag_id, "name": name}


def applied_tag(record: dict[str, Any], *, applied_at: int, admin_id: str) -> dict[str, Any]:
    """A tag as the record it was applied to shows it: when and by whom."""
    return {**record, "applied_at": applied_at, "applied_by": {"type": "admin", "id": admin_id}}


def segment(segment_id: str, *, name: str, person_type: str, created_at: int) -> dict[str, Any]:
    return {
        "type": "segment",
        "id": segment_id,
        "name": name,
        "created_at": created_at,
        "updated_at": created_at,
        "person_type": person_type,
        "count": None,
    }


def data_attribute(
    attribute_id: int, *, name: str, data_type: str, model: str, created_at: int, **fields: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "data_attribute",
        "id": attribute_id,
        "model": model,
        "name": name,
        "full_name": f"custom_attributes.{name}",
        "label": name.replace("_", " ").title(),
        "description": None,
        "data_type": data_type,
        "options": None,
        "api_writable": True,
        "ui_writable": True,
        "messenger_writable": False,
        "custom": True,
        "archived": False,
        "created_at": created_at,
        "updated_at": created_at,
        "admin_id": None,
    }
    record.update(fields)
    return record


def note(
    note_id: str, *, body: str, about: dict[str, Any], author: dict[str, Any], created_at: int
) -> dict[str, Any]:
    key = "company" if about["type"] == "company" else "contact"
    return {
        "type": "note",
        "id": note_id,
        "created_at": created_at,
        key: {"type": about["type"], "id": about["id"]},
        "author": author,
        "body": body,
    }


def conversation_part(
    part_id: str, *, part_type: str, body: str | None, author: dict[str, Any] | None, at: int
) -> dict[str, Any]:
    return {
        "type": "conversation_part",
        "id": part_id,
        "part_type": part_type,
        "body": body,
        "created_at": at,
        "updated_at": at,
        "notified_at": at,
        "assigned_to": None,
        "author": author,
        "attachments": [],
        "external_id": None,
        "redacted": False,
    }


def conversation(
    conversation_id: str,
    *,
    created_at: int,
    source: dict[str, Any],
    contact_refs: list[dict[str, Any]],
    parts: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    parts = parts or []
    record: dict[str, Any] = {
        "type": "conversation",
        "id": conversation_id,
        "title": None,
        "created_at": created_at,
        "updated_at": created_at,
        "waiting_since": None,
        "snoozed_until": None,
        "open": True,
        "state": "open",
        "read": False,
        "priority": "none",
        "admin_assignee_id": None,
        # 2.16: "If it's not assigned to a team it will return 0."
        "team_assignee_id": 0,
        "tags": {"type": "tag.list", "tags": []},
        "conversation_rating": None,
        "source": source,
        "contacts": {"type": "contact.list", "contacts": contact_refs},
        "teammates": None,
        "custom_attributes": {},
        "first_contact_reply": None,
        "sla_applied": None,
        "statistics": None,
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": parts,
            "total_count": len(parts),
        },
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ai_agent_participated": False,
    }
    record.update(fields)
    return record


def ticket_type(type_id: str, *, name: str, category: str, created_at: int) -> dict[str, Any]:
    return {
        "type": "ticket_type",
        "id": type_id,
        "name": name,
        "description": f"{name} tickets",
        "icon": "🎟️",
        "workspace_id": WORKSPACE_ID,
        "archived": False,
        "category": category,
        "created_at": created_at,
        "updated_at": created_at,
        "ticket_type_attributes": {"type": "list", "data": []},
    }


def ticket(
    ticket_id: str,
    *,
    number: int,
    kind: dict[str, Any],
    contact_refs: list[dict[str, Any]],
    attributes: dict[str, Any],
    created_at: int,
) -> dict[str, Any]:
    return {
        "type": "ticket",
        "id": ticket_id,
        "ticket_id": str(number),
        "category": kind["category"],
        "ticket_attributes": attributes,
        "ticket_state": {
            "type": "ticket_state",
            "id": "1",
            "category": "submitted",
            "internal_label": "Submitted",
            "external_label": "Submitted",
        },
        "ticket_type": kind,
        "contacts": {"type": "contact.list", "contacts": contact_refs},
        # 2.16 answers 0, not null, for "unassigned".
        "admin_assignee_id": 0,
        "team_assignee_id": 0,
        "created_at": created_at,
        "updated_at": created_at,
        "open": True,
        "snoozed_until": None,
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ticket_parts": {"type": "ticket_part.list", "ticket_parts": [], "total_count": 0},
        "is_shared": True,
    }


def article(
    article_id: str, *, title: str, author_id: int, state: str, created_at: int, **fields: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "article",
        "id": article_id,
        "workspace_id": WORKSPACE_ID,
        "title": title,
        "description": None,
        "body": None,
        "author_id": author_id,
        "state": state,
        "created_at": created_at,
        "updated_at": created_at,
        "url": f"https://help.example.com/articles/{article_id}",
        "parent_id": None,
        "parent_ids": [],
        "parent_type": None,
        "default_locale": "en",
        "statistics": {
            "type": "article_statistics",
            "views": 0,
            "conversions": 0,
            "reactions": 0,
            "happy_reaction_percentage": 0,
            "neutral_reaction_percentage": 0,
            "sad_reaction_percentage": 0,
        },
        "tags": {"type": "tag.list", "tags": []},
        # Declared by the Preview description (client.preview reads them).
        "ai_chatbot_availability": True,
        "ai_copilot_availability": True,
        "ai_sales_agent_availability": False,
        "body_markdown": None,
    }
    record.update(fields)
    return record
