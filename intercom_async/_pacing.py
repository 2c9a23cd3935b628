"""The pacing rules, as a pure state machine: every method takes ``now``; nothing sleeps.

Intercom counts requests in fixed windows and reports, on each response, the window's limit,
what is left of it and when it resets. From those reports (and the requests granted since) the
state answers one question: how long must the next request wait?

- While plenty of the window is left, requests go out at once.
- When what is left drops below ``pace_below`` of the limit, the rest is spread evenly over the
  time to the reset, so the window ends just as the budget does instead of in a burst of 429s.
- Nothing left: wait for the reset. A 429 pauses everyone until the reset (plus jitter), or, when
  the response carried no reset, for an exponentially growing pause.
- An optional client-side ceiling (``n`` requests per ``period`` seconds) lets several clients
  split one app's budget; it is a GCRA (virtual scheduling) so it allows a burst of ``n``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ._sansio import RateLimit

# When the window has rolled but no response has reported the new one yet, check again soon.
_UNKNOWN_WINDOW_RECHECK = 0.05


@dataclass
class PacingState:
    pace_below: float = 0.25
    reset_jitter: float = 0.1
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    ceiling: tuple[int, float] | None = None
    rng: random.Random = field(default_factory=random.Random)

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    paused_until: float = 0.0
    granted: int = 0
    last_grant_at: float = float("-inf")
    consecutive_429: int = 0
    _ceiling_tat: float = float("-inf")

    def __post_init__(self) -> None:
        if self.ceiling is not None:
            count, period = self.ceiling
            if count < 1 or period <= 0:
                raise ValueError("ceiling must be (count >= 1, period > 0)")

    def _roll(self, now: float) -> None:
        if self.reset_at is not None and now >= self.reset_at:
            # A new window: assume the full limit until a response reports otherwise.
            self.reset_at = None
            self.remaining = self.limit

    def delay(self, now: float) -> float:
        """Seconds the next request must wait; 0 means it may go now."""
        self._roll(now)
        wait = self.paused_until - now
        if self.remaining is not None:
            if self.remaining <= 0:
                if self.reset_at is None:
                    wait = max(wait, _UNKNOWN_WINDOW_RECHECK)
                else:
                    wait = max(wait, self.reset_at - now + self._jitter())
            elif (
                self.reset_at is not None
                and self.limit
                and self.remaining < self.limit * self.pace_below
            ):
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
        self.last_grant_at = now
        if self.remaining is not None:
            self.remaining -= 1
        if self.ceiling is not None:
            count, period = self.ceiling
            self._ceiling_tat = max(self._ceiling_tat, now) + period / count
        return self.granted

    def observe(self, seq: int, snapshot: RateLimit | None, *, rate_limited: bool = False) -> None:
        """Fold in the headers of the response to request ``seq``."""
        if not rate_limited:
            self.consecutive_429 = 0
        if snapshot is None:
            return
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

    def rate_limited(self, snapshot: RateLimit | None, now: float) -> bool:
        """A 429 arrived. Returns True when it paused every request (a window limit).

        A 429 whose headers still show budget left is a job-concurrency limit (one content
        export at a time, ...): waiting for the window would not clear it, so it pauses nobody.
        """
        if snapshot is not None and snapshot.remaining is not None and snapshot.remaining > 0:
            return False
        self.consecutive_429 += 1
        if snapshot is not None and snapshot.reset_at is not None and snapshot.reset_at > now:
            self.reset_at = snapshot.reset_at
            self.remaining = 0
            if snapshot.limit is not None:
                self.limit = snapshot.limit
            self.paused_until = max(self.paused_until, snapshot.reset_at + self._jitter())
        else:
            step = min(self.backoff_cap, self.backoff_base * 2 ** (self.consecutive_429 - 1))
            self.paused_until = max(self.paused_until, now + step * (0.5 + self.rng.random() / 2))
        return True

    def _jitter(self) -> float:
        return self.rng.uniform(0.0, self.reset_jitter) if self.reset_jitter > 0 else 0.0
