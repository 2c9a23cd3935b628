"""The pacing rules, driven with explicit clocks: no sockets, no sleeps."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intercom_async._pacing import NO_RESPONSE, PacingState
from intercom_async._sansio import RateLimit


def state(**kwargs: object) -> PacingState:
    kwargs.setdefault("reset_jitter", 0.0)
    return PacingState(rng=random.Random(1), **kwargs)  # type: ignore[arg-type]


def answered(**kwargs: object) -> PacingState:
    """A state past its cold start: one header-less answer seen."""
    s = state(**kwargs)
    s.observe(s.grant(0.0), None, status=200, now=0.0)
    return s


def test_no_headers_means_no_waiting_after_the_first_answer() -> None:
    s = answered()
    for i in range(100):
        assert s.delay(float(i) / 1000) == 0
        s.grant(float(i) / 1000)


def test_cold_start_sends_one_probe_then_opens_up() -> None:
    s = state()
    assert s.delay(0.0) == 0
    probe = s.grant(0.0)
    assert s.delay(0.01) > 0  # the others wait for the probe's answer
    s.observe(probe, RateLimit(limit=100, remaining=99, reset_at=10.0), status=200, now=0.05)
    assert s.delay(0.05) == 0


def test_cold_start_probe_that_never_answers_stops_blocking() -> None:
    s = state(probe_timeout=1.0)
    s.grant(0.0)
    assert s.delay(0.5) == pytest.approx(0.5)
    assert s.delay(1.0) == 0


def test_plenty_left_goes_at_once() -> None:
    s = answered()
    seq = s.grant(0.0)
    s.observe(seq, RateLimit(limit=100, remaining=99, reset_at=10.0), status=200, now=0.0)
    assert s.delay(0.1) == 0


def test_low_budget_is_spread_over_the_rest_of_the_window() -> None:
    s = answered(pace_below=0.25)
    seq = s.grant(0.0)
    s.observe(seq, RateLimit(limit=100, remaining=10, reset_at=11.0), status=200, now=0.0)
    # 10 left, 11 s to go: 11 gaps of 1 s, the last request a second before the reset.
    assert s.delay(0.0) == pytest.approx(1.0)
    s.grant(1.0)
    # 9 left, 10 s to go.
    assert s.delay(1.0) == pytest.approx(1.0)


def test_exhausted_window_waits_for_reset_then_bursts() -> None:
    s = answered()
    seq = s.grant(0.0)
    s.observe(seq, RateLimit(limit=40, remaining=0, reset_at=2.0), status=200, now=0.0)
    assert s.delay(0.5) == pytest.approx(1.5)
    assert s.delay(2.0) == 0
    assert s.remaining == 40


def test_requests_granted_after_a_response_are_subtracted() -> None:
    s = answered()
    first = s.grant(0.0)
    for _ in range(5):
        s.grant(0.0)
    s.observe(first, RateLimit(limit=40, remaining=39, reset_at=2.0), status=200, now=0.0)
    assert s.remaining == 34


def test_stale_window_report_is_ignored() -> None:
    s = answered()
    a = s.grant(0.0)
    s.observe(a, RateLimit(limit=40, remaining=30, reset_at=4.0), status=200, now=0.0)
    s.observe(a, RateLimit(limit=40, remaining=1, reset_at=2.0), status=200, now=0.0)
    assert s.remaining == 30 and s.reset_at == 4.0


def test_429_with_reset_pauses_everyone_until_reset() -> None:
    s = answered()
    seq = s.grant(0.0)
    assert s.observe(seq, RateLimit(limit=40, remaining=0, reset_at=5.0), status=429, now=1.0)
    assert s.delay(1.0) == pytest.approx(4.0)


def test_429_without_headers_backs_off_exponentially() -> None:
    s = answered(backoff_base=1.0)
    assert s.observe(s.grant(0.0), None, status=429, now=0.0)
    first = s.delay(0.0)
    assert 0.5 <= first <= 1.0
    assert s.observe(s.grant(first), None, status=429, now=first)
    assert 1.0 <= s.delay(first) <= 2.0


def test_a_burst_of_headerless_429s_grows_the_pause_once() -> None:
    # Finding 5: 20 concurrent header-less 429s pushed the pause straight to the 30 s cap.
    s = answered(backoff_base=1.0, backoff_cap=30.0)
    tickets = [s.grant(0.0) for _ in range(20)]
    for ticket in tickets:
        assert s.observe(ticket, None, status=429, now=0.01)
    assert s.backoff_level == 1
    assert s.delay(0.01) <= 1.0


def test_retry_after_sets_the_headerless_pause() -> None:
    s = answered()
    s.observe(s.grant(0.0), RateLimit(retry_after=3.0), status=429, now=0.0)
    assert s.delay(0.0) == pytest.approx(3.0)


def test_429_with_budget_left_is_a_job_limit_and_pauses_nobody() -> None:
    s = answered()
    seq = s.grant(0.0)
    assert not s.observe(seq, RateLimit(limit=40, remaining=20, reset_at=5.0), status=429, now=1.0)
    assert s.delay(1.0) == 0


def test_client_ceiling_allows_a_burst_then_spaces_requests() -> None:
    s = answered(ceiling=(5, 1.0))
    s._ceiling_tat = float("-inf")
    for _ in range(5):
        assert s.delay(0.0) == 0
        s.grant(0.0)
    assert s.delay(0.0) == pytest.approx(0.2)


def test_bad_ceiling_is_rejected() -> None:
    with pytest.raises(ValueError, match="ceiling"):
        PacingState(ceiling=(0, 1.0))


# Finding 1: an exhausted budget with no known reset was a wall.


def test_remaining_zero_without_reset_lets_a_probe_out() -> None:
    s = answered()
    s.observe(s.grant(0.0), RateLimit(limit=100, remaining=0), status=200, now=0.0)
    assert s.probing()
    wait = s.delay(0.0)
    assert wait <= s.probe_cap
    probe = s.grant(wait)
    # One probe at a time: the next waits for its answer.
    assert s.delay(wait) > 0
    s.observe(probe, RateLimit(limit=100, remaining=99, reset_at=10.0), status=200, now=wait)
    assert not s.probing() and s.delay(wait) == 0


def test_limit_zero_never_walls() -> None:
    s = answered()
    s.observe(s.grant(0.0), RateLimit(limit=0, remaining=0, reset_at=1.0), status=200, now=0.0)
    now = 1.0
    for _ in range(10):
        wait = s.delay(now)
        assert wait <= max(s.probe_cap, s.probe_timeout)
        now += wait
        s.observe(s.grant(now), RateLimit(limit=0, remaining=0), status=200, now=now)


def test_window_rolled_during_headerless_errors_recovers() -> None:
    # The 503 storm: windows roll, every answer is a header-less 503, the budget runs to 0.
    s = answered()
    s.observe(s.grant(0.0), RateLimit(limit=40, remaining=39, reset_at=2.0), status=200, now=0.0)
    now = 2.0
    for _ in range(200):
        wait = s.delay(now)
        assert wait <= s.probe_cap + 1e-9
        now += wait
        s.observe(s.grant(now), None, status=503, now=now)
    # Recovery: the next answer carries headers and everyone may go.
    now += s.delay(now)
    s.observe(
        s.grant(now), RateLimit(limit=40, remaining=39, reset_at=now + 2), status=200, now=now
    )
    assert s.delay(now) == 0


def test_a_header_less_success_forgets_an_exhausted_unknown_window() -> None:
    s = answered()
    s.observe(s.grant(0.0), RateLimit(limit=40, remaining=0), status=200, now=0.0)
    assert s.probing()
    s.observe(s.grant(s.delay(0.0)), None, status=200, now=0.1)
    assert not s.probing() and s.delay(0.1) == 0


def test_a_reset_an_hour_ahead_is_capped_at_the_horizon() -> None:
    s = answered(max_reset_horizon=20.0)
    s.observe(s.grant(0.0), RateLimit(limit=40, remaining=0, reset_at=3600.0), status=429, now=0.0)
    assert s.delay(0.0) == pytest.approx(20.0)


_answers = st.lists(
    st.tuples(
        st.sampled_from([200, 200, 429, 503, NO_RESPONSE]),
        st.none() | st.integers(-1, 100),  # limit
        st.none() | st.integers(-5, 100),  # remaining
        st.none() | st.floats(-1e6, 1e6, allow_nan=False),  # reset offset from now
        st.booleans(),  # answer lost (never observed)
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_answers)
def test_no_state_is_absorbing(
    answers: list[tuple[int, int | None, int | None, float | None, bool]],
) -> None:
    """From any state reached by any answers, a request is allowed within a bounded time."""
    s = state(reset_jitter=0.1, max_reset_horizon=30.0)
    bound = s.max_reset_horizon + s.backoff_cap + s.probe_timeout + s.reset_jitter + 1.0
    now = 1_000.0
    for status, limit, remaining, offset, lost in answers:
        wait = s.delay(now)
        assert wait <= bound
        now += wait
        assert s.delay(now) <= 1e-9 or s.delay(now) <= bound
        now += s.delay(now)
        ticket = s.grant(now)
        if lost:
            continue
        snapshot = None
        if limit is not None or remaining is not None or offset is not None:
            snapshot = RateLimit(
                limit=limit,
                remaining=remaining,
                reset_at=None if offset is None else now + offset,
            )
        s.observe(ticket, snapshot, status=status, now=now)
    # Whatever happened, waiting out the bound (re-asking as we go) always gets a request out.
    for _ in range(5):
        wait = s.delay(now)
        if wait == 0:
            break
        assert wait <= bound
        now += wait
    assert s.delay(now) == 0
