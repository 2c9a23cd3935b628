from __future__ import annotations

import pytest

from intercom_async._sansio import (
    RateLimit,
    base_url_for,
    body_excerpt,
    build_headers,
    canonical_id_from_link,
    encode_path_segment,
    encode_query,
    parse_error_body,
    parse_rate_limit,
    render_path,
)

HOSTILE = ["../../admins", "a/b", "x?y", "#", "a\r\nX-Injected: 1", "...", "%2F", "é/ü", "a b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_path_parameter_stays_in_one_segment(value: str) -> None:
    path = render_path("/contacts/{contact_id}/tags", {"contact_id": value})
    assert path.startswith("/contacts/") and path.endswith("/tags")
    segment = path[len("/contacts/") : -len("/tags")]
    for forbidden in ("/", "?", "#", "\r", "\n", " "):
        assert forbidden not in segment
    assert segment not in (".", "..")


def test_path_parameter_round_trips() -> None:
    from urllib.parse import unquote

    for value in HOSTILE:
        assert unquote(encode_path_segment(value)) == value


def test_path_parameter_rejects_non_scalars_and_empty() -> None:
    with pytest.raises(TypeError, match="str or int"):
        encode_path_segment(None)
    with pytest.raises(TypeError):
        encode_path_segment(True)
    with pytest.raises(ValueError, match="dot segment"):
        encode_path_segment("..")
    with pytest.raises(ValueError, match="empty"):
        encode_path_segment("")
    with pytest.raises(ValueError, match="missing path parameter 'id'"):
        render_path("/x/{id}", {})


def test_headers_carry_auth_version_and_agent() -> None:
    headers = build_headers("t", "2.16", has_body=True)
    assert headers["Authorization"] == "Bearer t"
    assert headers["Intercom-Version"] == "2.16"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("intercom-async/")
    assert headers["Content-Type"] == "application/json"
    assert "Content-Type" not in build_headers("t", "2.16", has_body=False)
    with pytest.raises(ValueError, match="token"):
        build_headers("t", "2.16", has_body=False, extra={"authorization": "x"})


def test_query_encoding_drops_none_and_spells_booleans() -> None:
    assert encode_query({"a": None, "b": True, "c": False, "d": 3}) == {
        "b": "true",
        "c": "false",
        "d": "3",
    }
    assert encode_query({"a": None}) is None
    assert encode_query({"states": ["published", "draft"]}) == {"states": "published,draft"}
    assert encode_query({"filter": {"user_id": "u1"}, "type": "user"}) == {
        "user_id": "u1",
        "type": "user",
    }
    with pytest.raises(TypeError, match="'x'"):
        encode_query({"x": object()})


def test_rate_limit_headers_parsed_and_tolerated_when_missing() -> None:
    snap = parse_rate_limit(
        {"X-RateLimit-Limit": "1666", "X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1700"}
    )
    assert snap == RateLimit(limit=1666, remaining=12, reset_at=1700.0)
    assert parse_rate_limit({"x-ratelimit-remaining": "5"}) == RateLimit(remaining=5)
    assert parse_rate_limit({}) is None
    assert parse_rate_limit({"X-RateLimit-Limit": "lots"}) is None


def test_canonical_id_from_link_header() -> None:
    assert canonical_id_from_link('</contacts/abc123>; rel="canonical"') == "abc123"
    assert canonical_id_from_link("<https://api.intercom.io/contacts/x9/>; rel=canonical") == "x9"
    assert canonical_id_from_link('</contacts/abc>; rel="next"') is None
    assert canonical_id_from_link(None) is None


def test_error_body_parsing_is_lenient() -> None:
    body = b'{"type":"error.list","request_id":null,"errors":[{"code":"not_found","extra":1}]}'
    parsed = parse_error_body(body)
    assert parsed is not None and parsed.errors[0].code == "not_found"
    assert parse_error_body(b"<html>502</html>") is None
    assert parse_error_body(b"") is None
    assert parse_error_body(b'{"errors": ') is None


def test_body_excerpt_is_short_and_single_line() -> None:
    text = body_excerpt(b"<html>\n<body>" + b"x" * 1000 + b"</body>", limit=50)
    assert "\n" not in text and len(text) == 50


def test_unknown_region_is_named() -> None:
    assert base_url_for("eu") == "https://api.eu.intercom.io"
    with pytest.raises(ValueError, match="'mars'"):
        base_url_for("mars")
