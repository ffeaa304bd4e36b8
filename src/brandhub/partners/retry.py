"""When to try a webhook delivery again: exponential backoff with jitter, about three days.

Attempt 1 is sent at once. After failed attempt ``n`` (1-based), attempt ``n + 1`` waits
``BASE_DELAYS_SECONDS[n - 1]`` give or take ``JITTER`` (20 %):

    5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h

i.e. 13 attempts over 3.2 days (2.6 to 3.8 days with jitter); after attempt 13 fails the
event is ``DEAD`` (it can still be redelivered by hand).

Why bounded proportional jitter rather than "full" jitter (uniform in [0, base]): full jitter
would shrink the retry window to anywhere between minutes and three days, and a receiver's
long outage is exactly what the late retries are for; decorrelated jitter needs the previous
delay, which this pure function of (attempt, now) does not have. A +-20 % spread is enough to
keep a burst of events failing together from retrying in lockstep.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

BASE_DELAYS_SECONDS: tuple[int, ...] = (
    5,
    30,
    2 * 60,
    10 * 60,
    30 * 60,
    3600,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    14 * 3600,
    20 * 3600,
    24 * 3600,
)
MAX_ATTEMPTS = len(BASE_DELAYS_SECONDS) + 1
JITTER = 0.2
SUCCESS_TIMEOUT_SECONDS = 10  # a 2xx within this many seconds counts as delivered


def base_delay(attempt: int) -> timedelta | None:
    """The un-jittered wait after failed attempt ``attempt``; None once attempts are exhausted."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    if attempt >= MAX_ATTEMPTS:
        return None
    return timedelta(seconds=BASE_DELAYS_SECONDS[attempt - 1])


def next_attempt_at(attempt: int, now: datetime, rand: random.Random | float) -> datetime | None:
    """When to make attempt ``attempt + 1`` after attempt ``attempt`` failed at ``now``; None: DEAD."""
    delay = base_delay(attempt)
    if delay is None:
        return None
    draw = rand.random() if isinstance(rand, random.Random) else float(rand)
    if not 0.0 <= draw <= 1.0:
        raise ValueError("rand must be a random.Random or a number in [0, 1]")
    return now + delay * (1 - JITTER + 2 * JITTER * draw)
