"""How many status checks to keep in flight: enough to spend the budget, no more.

Each check holds its worker for about one APIMart round trip, so `rate x round trip` checks
in flight send `rate` a second. More would only queue for the budget while holding their
claims; fewer would leave the budget unspent once the API answers slowly (a constant pool of 8
at a 500 ms round trip caps the poller at 16 checks a second, whatever the budget).
"""

from __future__ import annotations

import math

# Checks in flight per (requests per second x round trip): room for uneven round trips.
HEADROOM = 1.5


class RoundTrip:
    """A moving average of APIMart's answer time to a status check, in seconds."""

    def __init__(
        self,
        first_guess: float = 0.25,
        *,
        weight: float = 0.1,
        low: float = 0.01,
        high: float = 5.0,
    ) -> None:
        if not 0 < weight <= 1 or not 0 < low <= first_guess <= high:
            raise ValueError("need 0 < weight <= 1 and 0 < low <= first_guess <= high")
        self.seconds = first_guess
        self._weight = weight
        self._low = low
        self._high = high

    def measured(self, seconds: float) -> None:
        """Fold one round trip in; one hung request moves the average by a bounded step."""
        seconds = min(self._high, max(self._low, seconds))
        self.seconds += self._weight * (seconds - self.seconds)


def checks_in_flight(rate: float | None, round_trip: float, cap: int) -> int:
    """Checks to keep in flight at `rate` requests per second (None: no budget, so `cap`)."""
    if rate is None:
        return cap
    needed = math.ceil(rate * round_trip * HEADROOM) + 1
    return max(1, min(cap, needed))
