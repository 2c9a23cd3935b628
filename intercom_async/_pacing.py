"""The pacing rules, as a pure state machine: every method takes ``now``; nothing sleeps.

Intercom counts requests in fixed windows and reports, on each response, the window's limit,
what is left of it and when it resets. From those reports (and the requests granted since) the
state answers one question: how long must the next request wait?

- While plenty of the window is left, requests go out at once.
- When what is left drops below ``pace_below`` of the limit, the rest is spread evenly over the
  time to the reset, so the window ends just as the budget does instead of in a burst of 429s.
- Nothing left: wait for the reset. A 429 pauses everyone until the reset (plus jitter), or, when
  the response carried no reset, for a pause that grows once per round of 429s.
- An optional client-side ceiling (``n`` requests per ``period`` seconds) lets several clients
  split one app's budget; it is a GCRA (virtual scheduling) so it allows a burst of ``n``.

No state is a wall. While the window is unknown (nothing answered yet, or the budget ran out
with no reset to wait for) one *probe* request at a time is let out, after a short delay that
grows while probes teach nothing, and its answer re-learns the window. A probe whose answer
never arrives stops blocking after ``probe_timeout`` (at a cold start, the window is then taken
as open). Every wait derived from headers is capped
at ``max_reset_horizon`` seconds, so a bogus reset can never plan an hour of sleep.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ._sansio import RateLimit

# Statuses ``observe`` takes besides HTTP ones: the connection failed (no response), or the
# caller cancelled the request (it taught nothing about the server either way).
NO_RESPONSE = 0
CANCELLED = -1


@dataclass
class PacingState:
    pace_below: float = 0.25
    reset_jitter: float = 0.1
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    ceiling: tuple[int, float] | None = None
    max_reset_horizon: float = 120.0
    probe_base: float = 0.05
    probe_cap: float = 1.0
    probe_timeout: float = 1.0
    rng: random.Random = field(default_factory=random.Random)

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    paused_until: float = 0.0
    granted: int = 0
    last_grant_at: float = float("-inf")
    answered: bool = False
    """True once any response arrived: until then the window is unknown and probed."""
    backoff_level: int = 0
    _probe_seq: int | None = None
    _probe_expires: float = float("-inf")
    _probe_interval: float = 0.0
    _next_probe_at: float = float("-inf")
    _pause_seq: int = 0
    _ceiling_tat: float = float("-inf")

    def __post_init__(self) -> None:
        if self.ceiling is not None:
            count, period = self.ceiling
            if count < 1 or not (0 < period < math.inf):
                raise ValueError("ceiling must be (count >= 1, 0 < period < inf)")
        if not (0 < self.max_reset_horizon < math.inf):
            raise ValueError("max_reset_horizon must be a positive, finite number of seconds")
        self._probe_interval = self.probe_base

    def _roll(self, now: float) -> None:
        if self.reset_at is not None and now >= self.reset_at:
            # A new window: assume the full limit until a response reports otherwise.
            self.reset_at = None
            self.remaining = self.limit

    def probing(self) -> bool:
        """True while the window is unknown: requests go out one probe at a time."""
        if not self.answered:
            return True
        return self.remaining is not None and self.remaining <= 0 and self.reset_at is None

    def delay(self, now: float) -> float:
        """Seconds the next request must wait; 0 means it may go now."""
        self._roll(now)
        if not self.answered and self._probe_seq is not None and now >= self._probe_expires:
            # The first request is slow to answer: stop holding the others back for it.
            self.answered = True
        wait = self.paused_until - now
        if self.probing():
            if self._probe_seq is not None and now < self._probe_expires:
                wait = max(wait, self._probe_expires - now)
            else:
                wait = max(wait, self._next_probe_at - now)
        elif self.remaining is not None and self.reset_at is not None:
            if self.remaining <= 0:
                wait = max(wait, self.reset_at - now + self._jitter())
            elif self.limit and self.remaining < self.limit * self.pace_below:
                # remaining + 1 gaps, so the last request lands before the reset, not on it.
                interval = (self.reset_at - now) / (self.remaining + 1)
                wait = max(wait, self.last_grant_at + interval - now)
        if self.ceiling is not None:
            count, period = self.ceiling
            tolerance = period - period / count
            wait = max(wait, self._ceiling_tat - tolerance - now)
        return max(wait, 0.0)

    def grant(self, now: float) -> int:
        """Record that a request goes out now; returns its sequence number for ``observe``."""
        self.granted += 1
        if self.probing():
            self._probe_seq = self.granted
            self._probe_expires = now + self.probe_timeout
            self._next_probe_at = now + self._probe_interval
            self._probe_interval = min(self.probe_cap, self._probe_interval * 2)
        self.last_grant_at = now
        if self.remaining is not None:
            self.remaining -= 1
        if self.ceiling is not None:
            count, period = self.ceiling
            self._ceiling_tat = max(self._ceiling_tat, now) + period / count
        return self.granted

    def observe(self, seq: int, snapshot: RateLimit | None, *, status: int, now: float) -> bool:
        """Fold in the answer to request ``seq`` (``status`` 0: no response arrived).

        Returns True when it was a 429 that paused every request.
        """
        if seq == self._probe_seq:
            self._probe_seq = None
            if status == CANCELLED:
                # The probe was abandoned, not answered: the next one may go at once.
                self._next_probe_at = float("-inf")
        if status in (NO_RESPONSE, CANCELLED):
            return False
        self.answered = True
        if 200 <= status < 400:
            self.backoff_level = 0
        if snapshot is not None:
            snapshot = self._bounded(snapshot, now)
            self._fold(seq, snapshot)
            if snapshot.remaining is not None and snapshot.remaining > 0:
                self._probe_interval = self.probe_base
        elif status < 400 and self.probing():
            # The server let a request through and reported no window: forget the old one.
            self.remaining = None
            self._probe_interval = self.probe_base
        if status == 429:
            return self._rate_limited(seq, snapshot, now)
        return False

    def _bounded(self, snapshot: RateLimit, now: float) -> RateLimit:
        reset = snapshot.reset_at
        if reset is not None and reset - now > self.max_reset_horizon:
            return RateLimit(
                limit=snapshot.limit,
                remaining=snapshot.remaining,
                reset_at=now + self.max_reset_horizon,
                retry_after=snapshot.retry_after,
            )
        return snapshot

    def _fold(self, seq: int, snapshot: RateLimit) -> None:
        if snapshot.limit is not None:
            self.limit = snapshot.limit
        if snapshot.remaining is None:
            return
        # Requests granted after this one reached the server later, so the header has not
        # counted them yet.
        remaining = snapshot.remaining - (self.granted - seq)
        reset = snapshot.reset_at
        if reset is None or self.reset_at is None or reset > self.reset_at:
            if reset is not None and self.reset_at is not None and reset < self.reset_at:
                return
            self.reset_at = reset if reset is not None else self.reset_at
            self.remaining = remaining
        elif reset == self.reset_at:
            current = self.remaining if self.remaining is not None else remaining
            self.remaining = min(current, remaining)
        # An older window's report (reset < ours) says nothing about the current one.

    def _rate_limited(self, seq: int, snapshot: RateLimit | None, now: float) -> bool:
        # A 429 whose headers still show budget left is a job-concurrency limit (one content
        # export at a time, ...): waiting for the window would not clear it.
        if snapshot is not None and snapshot.remaining is not None and snapshot.remaining > 0:
            return False
        if snapshot is not None and snapshot.reset_at is not None and snapshot.reset_at > now:
            self.reset_at = snapshot.reset_at
            self.remaining = 0
            self.paused_until = max(self.paused_until, snapshot.reset_at + self._jitter())
            return True
        # No reset to wait for. 429s of requests sent before the current pause began are the
        # same round of failures: only a request granted after it may grow the pause.
        if seq > self._pause_seq:
            self.backoff_level += 1
            self._pause_seq = self.granted
            if snapshot is not None and snapshot.retry_after is not None:
                step = min(snapshot.retry_after, self.max_reset_horizon)
            else:
                step = min(self.backoff_cap, self.backoff_base * 2 ** (self.backoff_level - 1))
                step *= 0.5 + self.rng.random() / 2
            self.paused_until = max(self.paused_until, now + step)
        return True

    def _jitter(self) -> float:
        return self.rng.uniform(0.0, self.reset_jitter) if self.reset_jitter > 0 else 0.0
