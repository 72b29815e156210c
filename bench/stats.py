"""The one quantile every bench reports (so their figures compare)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def nearest_rank(values: Sequence[float], q: float) -> float:
    """The `q` quantile of `values`, nearest rank: the smallest value that at least `q` of them
    stay within (`inf` stands for a video never posted)."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]
