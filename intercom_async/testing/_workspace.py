"""A deterministic, realistic Intercom workspace: the same seed gives the same records.

The values are drawn here; the records are built by ``_records``, the same constructors the
fake's create handlers use.
"""

from __future__ import annotations

import random
from typing import Any

from . import _records as build
from ._records import ref_list

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


def object_id(kind: int, index: int) -> str:
    """A 24-hex-digit id, like Intercom's, unique per (kind, index)."""
    return f"{kind:02x}{index:022x}"


def make_company(index: int, rng: random.Random) -> dict[str, Any]:
    created = BASE_TIME - rng.randrange(0, 86_400 * 700)
    plan = rng.choice(_PLANS)
    return build.company(
        object_id(2, index),
        company_id=f"comp-{index}",
        created_at=created,
        name=f"{rng.choice(_LAST)} {rng.choice(['Labs', 'Systems', 'Works', 'Co'])} {index}",
        remote_created_at=created,
        updated_at=created + rng.randrange(0, 86_400 * 30),
        last_request_at=None if rng.random() < 0.2 else created + rng.randrange(0, 86_400),
        monthly_spend=rng.choice([0, 49, 99, 499, 1999]),
        session_count=rng.randrange(0, 500),
        user_count=rng.randrange(1, 50),
        size=None if rng.random() < 0.3 else rng.randrange(1, 5000),
        website=None if rng.random() < 0.3 else f"https://example{index}.com",
        industry=rng.choice(_INDUSTRIES),
        plan={"type": "plan", "id": str(_PLANS.index(plan)), "name": plan},
        custom_attributes={
            "tier": rng.choice(["gold", "silver", "bronze"]),
            "seats": rng.randrange(1, 100),
        },
    )


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
    owner = None if rng.random() < 0.5 else str(rng.randrange(100, 120))
    return build.contact(
        contact_id,
        role=role,
        created_at=created,
        external_id=f"user-{index}" if role == "user" else None,
        email=f"{first.lower()}.{last.lower()}.{index}@example.com",
        phone=None if rng.random() < 0.6 else f"+3531{rng.randrange(1000000, 9999999)}",
        name=f"{first} {last}",
        # Intercom sends a contact's avatar as a URL string (the descriptions say an object).
        avatar=None if rng.random() < 0.7 else f"https://static.example.com/c/{index}.png",
        owner_id=owner,
        has_hard_bounced=rng.random() < 0.02,
        marked_email_as_spam=rng.random() < 0.01,
        unsubscribed_from_emails=rng.random() < 0.1,
        updated_at=seen,
        signed_up_at=created if role == "user" else None,
        last_seen_at=seen,
        last_replied_at=None if rng.random() < 0.5 else seen,
        last_contacted_at=None if rng.random() < 0.5 else seen,
        browser=browser,
        browser_version=browser_version,
        browser_language="en-US",
        os=rng.choice(["Mac OS X", "Windows 11", "Linux", "iOS 17", None]),
        location={
            "type": "location",
            "country": country,
            "region": region,
            "city": city,
            "country_code": code,
            "continent_code": continent,
        },
        custom_attributes={
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
        tags=ref_list(tag_refs, f"/contacts/{contact_id}/tags"),
        companies=ref_list(company_refs, f"/contacts/{contact_id}/companies"),
    )


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
        record = build.admin(
            str(100 + i),
            name=name,
            email=f"{name.split()[0].lower()}@support.example.com",
            team_ids=[10 + (i % 2)],
        )
        record["job_title"] = None if i % 3 == 0 else "Support Engineer"
        admins.append(record)
    return admins


def make_teams(admins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        build.team(
            str(10 + t),
            name=name,
            admin_ids=[int(a["id"]) for a in admins if a["team_ids"] == [10 + t]],
        )
        for t, name in enumerate(["Support", "Success"])
    ]


def make_tags(count: int = 19) -> list[dict[str, Any]]:
    names = ["vip", "churn-risk", "beta", "enterprise", "trial", "bug", "feature-request"]
    return [
        build.tag(str(i), name=names[i % len(names)] + ("" if i < 7 else f"-{i}"))
        for i in range(1, count + 1)
    ]


def make_segments() -> list[dict[str, Any]]:
    return [
        build.segment(object_id(5, i), name=name, person_type=person, created_at=BASE_TIME)
        for i, (name, person) in enumerate(
            [("Active users", "user"), ("New leads", "contact"), ("Paying", "user")]
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
        build.data_attribute(
            1000 + i,
            name=name,
            data_type=kind,
            model="contact",
            created_at=BASE_TIME,
            description=None if i % 2 else f"The contact's {name}",
            admin_id="100",
        )
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
    parts = [
        build.conversation_part(
            str(index * 10 + p),
            part_type="comment",
            body=f"<p>Reply {p}</p>",
            author=author,
            at=created + 60 * (p + 1),
        )
        for p in range(rng.randrange(0, 3))
    ]
    source: dict[str, Any] = {
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
    }
    refs = (
        [{"type": "contact", "id": contact["id"], "external_id": contact["external_id"]}]
        if contact
        else []
    )
    return build.conversation(
        str(10_000 + index),
        created_at=created,
        source=source,
        contact_refs=refs,
        parts=parts,
        updated_at=created + 3600,
        snoozed_until=None if state != "snoozed" else created + 86_400,
        open=state != "closed",
        state=state,
        read=rng.random() < 0.5,
        priority=rng.choice(build.PRIORITIES),
        admin_assignee_id=int(admin["id"]) if admin and rng.random() < 0.7 else None,
        team_assignee_id=rng.choice([0, 10, 11]),
    )


def make_conversations(
    count: int, contacts: list[dict[str, Any]], admins: list[dict[str, Any]], seed: int = 1
) -> list[dict[str, Any]]:
    rng = random.Random(seed * 104729 + 3)
    return [make_conversation(i, rng, contacts, admins) for i in range(count)]


def make_ticket_types() -> list[dict[str, Any]]:
    return [
        build.ticket_type(str(50 + i), name=name, category=category, created_at=BASE_TIME)
        for i, (name, category) in enumerate(
            [("Bug", "Tracker"), ("Question", "Customer"), ("Refund", "Back-office")]
        )
    ]


_HOW_TO = [
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
]


def make_articles(count: int = 12) -> list[dict[str, Any]]:
    return [
        build.article(
            str(7000 + i),
            title=f"How to {verb}",
            author_id=100,
            state="published",
            created_at=BASE_TIME,
            description=f"A guide to {verb}",
            body=f"<p>Steps to {verb}.</p>",
        )
        for i, verb in enumerate(_HOW_TO[:count])
    ]
