"""The search query builder: exactly the JSON Intercom expects, and every rule checked."""

from __future__ import annotations

import msgspec
import pytest
from aiohttp import web

from intercom_async.search import F, Filter, Group, QueryError, validate
from intercom_async.testing import FakeIntercom

from .conftest import make_client, serve


def test_builder_emits_the_documented_json() -> None:
    query = (F("email").ends_with("@example.com") & (F("created_at") > 1577836800)) | (
        F("role") == "lead"
    )
    assert query.to_dict("contacts") == {
        "operator": "OR",
        "value": [
            {
                "operator": "AND",
                "value": [
                    {"field": "email", "operator": "$", "value": "@example.com"},
                    {"field": "created_at", "operator": ">", "value": 1577836800},
                ],
            },
            {"field": "role", "operator": "=", "value": "lead"},
        ],
    }


def test_every_operator_has_a_spelling() -> None:
    cases = [
        (F("a") == 1, "="),
        (F("a") != 1, "!="),
        (F("a") < 1, "<"),
        (F("a") <= 1, "<="),
        (F("a") > 1, ">"),
        (F("a") >= 1, ">="),
        (F("a").in_([1]), "IN"),
        (F("a").not_in([1]), "NIN"),
        (F("a").contains("x"), "~"),
        (F("a").not_contains("x"), "!~"),
        (F("a").starts_with("x"), "^"),
        (F("a").ends_with("x"), "$"),
    ]
    for query, operator in cases:
        assert query.to_dict()["operator"] == operator


def test_chained_and_stays_one_group() -> None:
    query = (F("a") == 1) & (F("b") == 2) & (F("c") == 3)
    assert isinstance(query, Group) and len(query.queries) == 3


@pytest.mark.parametrize(
    ("query", "target", "message"),
    [
        (F("tag_id").in_(["1"]), None, r"'tag_id'.*only = and !="),
        (F("role").in_("lead"), None, r"'role'.*IN takes a non-empty list"),
        (F("role") == ["a", "b"], None, r"'role'.*only IN and NIN take a list"),
        (F("created_at") > "yesterday", None, r"'created_at'.*compares numbers"),
        (F("name").contains(5), None, r"'name'.*matches text"),
        (F("last_seen_at") >= 1, "contacts", r"'last_seen_at'.*contact dates"),
        (F("created_at").in_([1]), "contacts", r"'created_at'.*contact dates"),
        (Filter("x", "LIKE", "y"), None, r"'x'.*unknown operator"),
    ],
)
def test_invalid_queries_name_the_field_and_rule(
    query: Filter, target: str | None, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        query.to_dict(target)  # type: ignore[arg-type]
    assert issubclass(QueryError, ValueError)


def test_ticket_dates_allow_inclusive_ranges() -> None:
    assert (F("created_at") >= 1).to_dict("tickets")["operator"] == ">="


def test_nesting_and_group_size_limits() -> None:
    two_levels = (F("a") == 1) | ((F("b") == 2) & (F("c") == 3))
    two_levels.to_dict()
    three_levels = (F("a") == 1) | ((F("b") == 2) & ((F("c") == 3) | (F("d") == 4)))
    with pytest.raises(QueryError, match="nests deeper than 2"):
        three_levels.to_dict()
    fifteen = Group("AND", tuple(F(f"f{i}") == i for i in range(15)))
    fifteen.to_dict()
    sixteen = Group("AND", tuple(F(f"f{i}") == i for i in range(16)))
    with pytest.raises(QueryError, match="16 filters, at most 15"):
        sixteen.to_dict()


async def test_search_sends_the_checked_query_and_sort_and_accepts_dicts() -> None:
    bodies: list[object] = []

    async def handler(request: web.Request) -> web.Response:
        bodies.append(msgspec.json.decode(await request.read()))
        return web.json_response({"type": "list", "data": [], "pages": {"next": None}})

    async with serve(handler) as url, make_client(url) as client:
        await client.contacts.search(
            query=F("email") == "a@b.c", sort=F("created_at").descending(), per_page=20
        )
        raw = {"field": "name", "operator": "~", "value": "x"}
        await client.conversations.search(query=raw)
        with pytest.raises(QueryError):
            await client.contacts.search(query=F("created_at") <= 5)
    assert bodies == [
        {
            "query": {"field": "email", "operator": "=", "value": "a@b.c"},
            "sort": {"field": "created_at", "order": "descending"},
            "pagination": {"per_page": 20},
        },
        {"query": raw},
    ]


def test_a_timestamp_sent_as_digits_is_a_number_as_intercom_reads_it() -> None:
    # The 2.16 description's own search examples send "value": "1306054154".
    validate(F("created_at") > "1306054154", "contacts")
    with pytest.raises(QueryError, match="compares numbers"):
        validate(F("created_at") > "12 May", "contacts")


async def test_the_fake_compares_a_digit_string_timestamp_as_a_number() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        fake.seed(contacts=30)
        cutoff = sorted(c["created_at"] for c in fake.store.contacts.values())[15]
        by_number = await client.contacts.search(query=F("created_at") > cutoff).to_list()
        by_digits = await client.contacts.search(query=F("created_at") > str(cutoff)).to_list()
    assert by_number and [c.id for c in by_digits] == [c.id for c in by_number]
