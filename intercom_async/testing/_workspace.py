"""A deterministic, realistic Intercom workspace: the same seed gives the same records.

Records are plain dicts in the 2.16 JSON shapes (the fake server stores and serves them as is).
"""

from __future__ import annotations

import random
from typing import Any

_FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Linus",
    "Barbara",
    "Ken",
    "Margaret",
    "Dennis",
    "Frances",
    "Edsger",
    "Radia",
    "Guido",
    "Hedy",
    "Tim",
    "Katherine",
    "Donald",
    "Joan",
    "Niklaus",
]
_LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Torvalds",
    "Liskov",
    "Thompson",
    "Hamilton",
    "Ritchie",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Rossum",
    "Lamarr",
    "Berners-Lee",
    "Johnson",
    "Knuth",
    "Clarke",
    "Wirth",
]
_CITIES = [
    ("Dublin", "Leinster", "Ireland", "IE", "EU"),
    ("Berlin", "Berlin", "Germany", "DE", "EU"),
    ("Austin", "Texas", "United States", "US", "NA"),
    ("Sydney", "NSW", "Australia", "AU", "OC"),
    ("Toronto", "Ontario", "Canada", "CA", "NA"),
    ("Lyon", "Auvergne", "France", "FR", "EU"),
]
_PLANS = ["free", "starter", "pro", "enterprise"]
_INDUSTRIES = ["Software", "Retail", "Finance", "Health", "Education", None]
_BROWSERS = [("Chrome", "120.0"), ("Firefox", "121.0"), ("Safari", "17.2"), (None, None)]

BASE_TIME = 1_700_000_000
WORKSPACE_ID = "ecahpwf5"


def object_id(kind: int, index: int) -> str:
    """A 24-hex-digit id, like Intercom's, unique per (kind, index)."""
    return f"{kind:02x}{index:022x}"


def make_company(index: int, rng: random.Random) -> dict[str, Any]:
    created = BASE_TIME - rng.randrange(0, 86_400 * 700)
    return {
        "type": "company",
        "id": object_id(2, index),
        "company_id": f"comp-{index}",
        "app_id": WORKSPACE_ID,
        "name": f"{rng.choice(_LAST)} {rng.choice(['Labs', 'Systems', 'Works', 'Co'])} {index}",
        "remote_created_at": created,
        "created_at": created,
        "updated_at": created + rng.randrange(0, 86_400 * 30),
        "last_request_at": None if rng.random() < 0.2 else created + rng.randrange(0, 86_400),
        "monthly_spend": rng.choice([0, 49, 99, 499, 1999]),
        "session_count": rng.randrange(0, 500),
        "user_count": rng.randrange(1, 50),
        "size": None if rng.random() < 0.3 else rng.randrange(1, 5000),
        "website": None if rng.random() < 0.3 else f"https://example{index}.com",
        "industry": rng.choice(_INDUSTRIES),
        "tags": {"type": "tag.list", "tags": []},
        "segments": {"type": "segment.list", "segments": []},
        "plan": {"type": "plan", "id": str(_PLANS.index(p := rng.choice(_PLANS))), "name": p},
        "custom_attributes": {
            "tier": rng.choice(["gold", "silver", "bronze"]),
            "seats": rng.randrange(1, 100),
        },
    }


def make_contact(index: int, rng: random.Random, *, companies: int = 0) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    contact_id = object_id(1, index)
    created = BASE_TIME - rng.randrange(0, 86_400 * 900)
    seen = created + rng.randrange(0, 86_400 * 300)
    city, region, country, code, continent = rng.choice(_CITIES)
    browser, browser_version = rng.choice(_BROWSERS)
    role = "user" if rng.random() < 0.8 else "lead"
    company_refs = []
    if companies and role == "user":
        for company in sorted({rng.randrange(companies) for _ in range(rng.randrange(0, 3))}):
            company_refs.append(
                {
                    "type": "company",
                    "id": object_id(2, company),
                    "url": f"/companies/{object_id(2, company)}",
                }
            )
    tag_refs = [
        {"type": "tag", "id": str(t), "url": f"/tags/{t}"}
        for t in sorted({rng.randrange(1, 20) for _ in range(rng.randrange(0, 3))})
    ]
    email = f"{first.lower()}.{last.lower()}.{index}@example.com"
    return {
        "type": "contact",
        "id": contact_id,
        "workspace_id": WORKSPACE_ID,
        "external_id": f"user-{index}" if role == "user" else None,
        "role": role,
        "email": email,
        "email_domain": "example.com",
        "phone": None if rng.random() < 0.6 else f"+3531{rng.randrange(1000000, 9999999)}",
        "formatted_phone": None,
        "name": f"{first} {last}",
        "avatar": None,
        "owner_id": None if rng.random() < 0.5 else rng.randrange(100, 120),
        "social_profiles": {"type": "list", "data": []},
        "has_hard_bounced": rng.random() < 0.02,
        "marked_email_as_spam": rng.random() < 0.01,
        "unsubscribed_from_emails": rng.random() < 0.1,
        "created_at": created,
        "updated_at": seen,
        "signed_up_at": created if role == "user" else None,
        "last_seen_at": seen,
        "last_replied_at": None if rng.random() < 0.5 else seen,
        "last_contacted_at": None if rng.random() < 0.5 else seen,
        "last_email_opened_at": None,
        "last_email_clicked_at": None,
        "language_override": None,
        "browser": browser,
        "browser_version": browser_version,
        "browser_language": "en-US",
        "os": rng.choice(["Mac OS X", "Windows 11", "Linux", "iOS 17", None]),
        "location": {
            "type": "location",
            "country": country,
            "region": region,
            "city": city,
            "country_code": code,
            "continent_code": continent,
        },
        "android_app_name": None,
        "android_app_version": None,
        "android_device": None,
        "android_os_version": None,
        "android_sdk_version": None,
        "android_last_seen_at": None,
        "ios_app_name": None,
        "ios_app_version": None,
        "ios_device": None,
        "ios_os_version": None,
        "ios_sdk_version": None,
        "ios_last_seen_at": None,
        "custom_attributes": {
            "plan": rng.choice(_PLANS),
            "seats": rng.randrange(1, 200),
            "mrr": round(rng.random() * 1000, 2),
            "trial": rng.random() < 0.2,
            "signup_source": rng.choice(["ads", "organic", "referral", "partner"]),
            "nps": rng.choice([None, *range(0, 11)]),
            "team_size": rng.randrange(1, 500),
            "region_code": code,
            "beta_features": rng.random() < 0.3,
            "account_manager": rng.choice(_FIRST),
        },
        "tags": {
            "type": "list",
            "data": tag_refs,
            "url": f"/contacts/{contact_id}/tags",
            "total_count": len(tag_refs),
            "has_more": False,
        },
        "notes": {
            "type": "list",
            "data": [],
            "url": f"/contacts/{contact_id}/notes",
            "total_count": 0,
            "has_more": False,
        },
        "companies": {
            "type": "list",
            "data": company_refs,
            "url": f"/contacts/{contact_id}/companies",
            "total_count": len(company_refs),
            "has_more": False,
        },
        "opted_out_subscription_types": {
            "type": "list",
            "data": [],
            "url": f"/contacts/{contact_id}/subscriptions",
            "total_count": 0,
            "has_more": False,
        },
        "opted_in_subscription_types": {
            "type": "list",
            "data": [],
            "url": f"/contacts/{contact_id}/subscriptions",
            "total_count": 0,
            "has_more": False,
        },
        "utm_campaign": None,
        "utm_content": None,
        "utm_medium": None,
        "utm_source": None,
        "utm_term": None,
        "referrer": None,
        "enabled_push_messaging": None,
    }


def make_contacts(count: int, seed: int = 1, *, companies: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_contact(i, rng, companies=companies) for i in range(count)]


def make_companies(count: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed * 7919 + 1)
    return [make_company(i, rng) for i in range(count)]


def make_admins(count: int = 5) -> list[dict[str, Any]]:
    admins = []
    for i in range(count):
        name = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 7) % len(_LAST)]}"
        admins.append(
            {
                "type": "admin",
                "id": str(100 + i),
                "name": name,
                "email": f"{name.split()[0].lower()}@support.example.com",
                "job_title": None if i % 3 == 0 else "Support Engineer",
                "away_mode_enabled": False,
                "away_mode_reassign": False,
                "away_status_reason_id": None,
                "has_inbox_seat": True,
                "team_ids": [str(10 + (i % 2))],
                "avatar": {"type": "avatar", "image_url": f"https://static.example.com/a/{i}.png"},
            }
        )
    return admins


def make_teams(admins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": "team",
            "id": str(10 + t),
            "name": name,
            "admin_ids": [int(a["id"]) for a in admins if a["team_ids"] == [str(10 + t)]],
        }
        for t, name in enumerate(["Support", "Success"])
    ]


def make_tags(count: int = 19) -> list[dict[str, Any]]:
    names = ["vip", "churn-risk", "beta", "enterprise", "trial", "bug", "feature-request"]
    return [
        {"type": "tag", "id": str(i), "name": names[i % len(names)] + ("" if i < 7 else f"-{i}")}
        for i in range(1, count + 1)
    ]


def make_segments() -> list[dict[str, Any]]:
    return [
        {
            "type": "segment",
            "id": object_id(5, i),
            "name": name,
            "created_at": BASE_TIME,
            "updated_at": BASE_TIME,
            "person_type": person,
            "count": None,
        }
        for i, (name, person) in enumerate(
            [("Active users", "user"), ("New leads", "lead"), ("Paying", "user")]
        )
    ]


def make_data_attributes() -> list[dict[str, Any]]:
    names = [
        ("plan", "string"),
        ("seats", "integer"),
        ("mrr", "float"),
        ("trial", "boolean"),
        ("signup_source", "string"),
        ("nps", "integer"),
    ]
    return [
        {
            "type": "data_attribute",
            "id": 1000 + i,
            "model": "contact",
            "name": name,
            "full_name": f"custom_attributes.{name}",
            "label": name.replace("_", " ").title(),
            "description": None if i % 2 else f"The contact's {name}",
            "data_type": kind,
            "api_writable": True,
            "ui_writable": True,
            "messenger_writable": False,
            "custom": True,
            "archived": False,
            "created_at": BASE_TIME,
            "updated_at": BASE_TIME,
            "admin_id": "100",
        }
        for i, (name, kind) in enumerate(names)
    ]


def make_conversation(
    index: int, rng: random.Random, contacts: list[dict[str, Any]], admins: list[dict[str, Any]]
) -> dict[str, Any]:
    contact = contacts[rng.randrange(len(contacts))] if contacts else None
    admin = admins[rng.randrange(len(admins))] if admins else None
    created = BASE_TIME - rng.randrange(0, 86_400 * 200)
    state = rng.choice(["open", "closed", "snoozed"])
    author = (
        {"type": "admin", "id": admin["id"], "name": admin["name"], "email": admin["email"]}
        if admin
        else None
    )
    parts: list[dict[str, Any]] = [
        {
            "type": "conversation_part",
            "id": str(index * 10 + p),
            "part_type": "comment",
            "body": f"<p>Reply {p}</p>",
            "created_at": created + 60 * (p + 1),
            "updated_at": created + 60 * (p + 1),
            "notified_at": created + 60 * (p + 1),
            "assigned_to": None,
            "author": author,
            "attachments": [],
            "external_id": None,
            "redacted": False,
        }
        for p in range(rng.randrange(0, 3))
    ]
    return {
        "type": "conversation",
        "id": str(10_000 + index),
        "title": None,
        "created_at": created,
        "updated_at": created + 3600,
        "waiting_since": None,
        "snoozed_until": None if state != "snoozed" else created + 86_400,
        "open": state != "closed",
        "state": state,
        "read": rng.random() < 0.5,
        "priority": rng.choice(["priority", "not_priority"]),
        "admin_assignee_id": int(admin["id"]) if admin and rng.random() < 0.7 else None,
        "team_assignee_id": rng.choice([None, 0, 10, 11]),
        "tags": {"type": "tag.list", "tags": []},
        "conversation_rating": None,
        "source": {
            "type": "conversation",
            "id": str(400_000 + index),
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": f"<p>Help with order {index}</p>",
            "author": {
                "type": "user",
                "id": contact["id"],
                "name": contact["name"],
                "email": contact["email"],
            }
            if contact
            else None,
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {
            "type": "contact.list",
            "contacts": [
                {"type": "contact", "id": contact["id"], "external_id": contact["external_id"]}
            ]
            if contact
            else [],
        },
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


def make_conversations(
    count: int, contacts: list[dict[str, Any]], admins: list[dict[str, Any]], seed: int = 1
) -> list[dict[str, Any]]:
    rng = random.Random(seed * 104729 + 3)
    return [make_conversation(i, rng, contacts, admins) for i in range(count)]


def make_ticket_types() -> list[dict[str, Any]]:
    return [
        {
            "type": "ticket_type",
            "id": str(50 + i),
            "name": name,
            "description": f"{name} tickets",
            "icon": "🎟️",
            "workspace_id": WORKSPACE_ID,
            "archived": False,
            "category": category,
            "created_at": BASE_TIME,
            "updated_at": BASE_TIME,
            "ticket_type_attributes": {"type": "list", "data": []},
        }
        for i, (name, category) in enumerate(
            [("Bug", "Tracker"), ("Question", "Customer"), ("Refund", "Back-office")]
        )
    ]


def make_articles(count: int = 12) -> list[dict[str, Any]]:
    return [
        {
            "type": "article",
            "id": str(7000 + i),
            "workspace_id": WORKSPACE_ID,
            "title": f"How to {verb}",
            "description": f"A guide to {verb}",
            "body": f"<p>Steps to {verb}.</p>",
            "author_id": 100,
            "state": "published",
            "created_at": BASE_TIME,
            "updated_at": BASE_TIME,
            "url": f"https://help.example.com/articles/{7000 + i}",
            "parent_id": None,
            "parent_ids": [],
            "parent_type": None,
            "default_locale": "en",
        }
        for i, verb in enumerate(
            [
                "sign in",
                "reset a password",
                "export data",
                "invite a team",
                "set up billing",
                "use the API",
                "connect Slack",
                "close an account",
                "change a plan",
                "add a domain",
                "enable SSO",
                "read reports",
            ][:count]
        )
    ]
