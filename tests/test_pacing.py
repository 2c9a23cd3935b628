"""The pacing rules, driven with explicit clocks: no sockets, no sleeps."""

from __future__ import annotations

import random

import pytest

from intercom_async._pacing import PacingState
from intercom_async._sansio import RateLimit


def state(**kwargs: object) -> PacingState:
    kwargs.setdefault("reset_jitter", 0.0)
    return PacingState(rng=random.Random(1), **kwargs)  # type: ignore[arg-type]


def test_no_headers_means_no_waiting() -> None:
    s = state()
    for i in range(100):
        assert s.delay(float(i) / 1000) == 0
        s.grant(float(i) / 1000)


def test_plenty_left_goes_at_once() -> None:
    s = state()
    seq = s.grant(0.0)
    s.observe(seq, RateLimit(limit=100, remaining=99, reset_at=10.0))
    assert s.delay(0.1) == 0


def test_low_budget_is_spread_over_the_rest_of_the_window() -> None:
    s = state(pace_below=0.25)
    seq = s.grant(0.0)
    s.observe(seq, RateLimit(limit=100, remaining=10, reset_at=10.0))
    # 10 left, 11 s to go: 11 gaps of 1 s, the last request a second before the reset.
    s.reset_at = 11.0
    assert s.delay(0.0) == pytest.approx(1.0)
    s.grant(1.0)
    # 9 left, 10 s to go.
    assert s.delay(1.0) == pytest.approx(1.0)


def test_exhausted_window_waits_for_reset_then_bursts() -> None:
    s = state()
    seq = s.grant(0.0)
    s.observe(seq, RateLimit(limit=40, remaining=0, reset_at=2.0))
    assert s.delay(0.5) == pytest.approx(1.5)
    assert s.delay(2.0) == 0
    assert s.remaining == 40


def test_requests_granted_after_a_response_are_subtracted() -> None:
    s = state()
    first = s.grant(0.0)
    for _ in range(5):
        s.grant(0.0)
    s.observe(first, RateLimit(limit=40, remaining=39, reset_at=2.0))
    assert s.remaining == 34


def test_stale_window_report_is_ignored() -> None:
    s = state()
    a = s.grant(0.0)
    s.observe(a, RateLimit(limit=40, remaining=30, reset_at=4.0))
    s.observe(a, RateLimit(limit=40, remaining=1, reset_at=2.0))
    assert s.remaining == 30 and s.reset_at == 4.0


def test_429_with_reset_pauses_everyone_until_reset() -> None:
    s = state()
    s.grant(0.0)
    assert s.rate_limited(RateLimit(limit=40, remaining=0, reset_at=5.0), now=1.0)
    assert s.delay(1.0) == pytest.approx(4.0)


def test_429_without_headers_backs_off_exponentially() -> None:
    s = state(backoff_base=1.0)
    assert s.rate_limited(None, now=0.0)
    first = s.delay(0.0)
    assert 0.5 <= first <= 1.0
    assert s.rate_limited(None, now=0.0)
    assert 1.0 <= s.delay(0.0) <= 2.0


def test_429_with_budget_left_is_a_job_limit_and_pauses_nobody() -> None:
    s = state()
    assert not s.rate_limited(RateLimit(limit=40, remaining=20, reset_at=5.0), now=1.0)
    assert s.delay(1.0) == 0


def test_client_ceiling_allows_a_burst_then_spaces_requests() -> None:
    s = state(ceiling=(5, 1.0))
    for _ in range(5):
        assert s.delay(0.0) == 0
        s.grant(0.0)
    assert s.delay(0.0) == pytest.approx(0.2)


def test_bad_ceiling_is_rejected() -> None:
    with pytest.raises(ValueError, match="ceiling"):
        PacingState(ceiling=(0, 1.0))
