"""Keep a settled live audience out of the garbage collector's full passes.

A handed-off live subscriber (``voting/fanout.py``) lives as long as its connection: its
socket, protocol, tasks and member objects sit in the oldest generation, and every full
(generation 2) collection walks all of them again. Measured with 2,000 subscribers on one
process (bench/README.md §9), those passes took 70–380 ms each while the audience connected
and up to ~0.5 s during votes: single castVotes and pushes of half a second.

``Freezer`` calls ``gc.freeze()`` (move every tracked object to the permanent generation,
O(1)) once hand-offs settle: at most once per ``delay`` seconds while subscribers arrive,
after a ``gc.collect(1)`` so that young garbage is freed rather than frozen (cheap: the
young generations only). Full passes then only walk what was allocated since.

Memory: a frozen object that becomes *cyclic* garbage (e.g. a subscriber that left) is not
collected until the next unfreeze. So once more subscribers have left since the last full
pass than ``max(minimum, subscribers still here)``, the freezer unfreezes, runs one full
collection and freezes again: leaked frozen garbage stays below about one audience's worth,
and that full pass (one pause of the kind above) happens only after such churn, not during a
steady audience. A freeze also freezes whatever else is alive at that instant (requests in
flight): should that become cyclic garbage, it waits too. So an audience that keeps arriving
without leaving gets the same full pass after ``max_freezes`` freezes (10 minutes of
arrivals at the default rate): what waits stays bounded in time as well. Garbage that is not
cyclic is freed by reference counting as usual.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

# Seconds between a hand-off and the freeze that follows it (hand-offs meanwhile share it).
DELAY = 1.0
# Departures below this many never cause a full pass (small audiences leak little).
MINIMUM_CHURN = 500
# Freezes after which one full pass runs anyway (what was frozen in flight is collected).
MAX_FREEZES = 600


class Freezer:
    """Rate-limited ``gc.freeze()`` after live subscribers are handed off (see module doc)."""

    def __init__(
        self,
        delay: float = DELAY,
        minimum: int = MINIMUM_CHURN,
        collector: Any = gc,
        max_freezes: int = MAX_FREEZES,
    ) -> None:
        self.delay, self.minimum, self.gc = delay, minimum, collector
        self.max_freezes = max_freezes
        self.frozen_since_full = 0  # freezes since the last full pass
        self.members = 0  # handed-off subscribers now
        self.joined = 0  # handed off since the last freeze
        self.left = 0  # left since the last full pass
        self.freezes = self.full_passes = 0
        self._timer: asyncio.TimerHandle | None = None

    def join(self) -> None:
        self.members += 1
        self.joined += 1
        self._schedule()

    def leave(self) -> None:
        self.members -= 1
        self.left += 1
        if self.left >= self._churn_limit:
            self._schedule()

    @property
    def _churn_limit(self) -> int:
        return max(self.minimum, self.members)

    def _schedule(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.delay, self.run)

    def run(self) -> None:
        """Freeze what lives now (after a full pass if enough subscribers left)."""
        self._timer = None
        due = self.joined and self.frozen_since_full >= self.max_freezes
        if self.left >= self._churn_limit or due:
            self.gc.unfreeze()
            self.gc.collect()
            self.left = self.frozen_since_full = 0
            self.full_passes += 1
        elif self.joined:
            self.gc.collect(1)
        else:
            return
        self.gc.freeze()
        self.joined = 0
        self.freezes += 1
        self.frozen_since_full += 1

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
