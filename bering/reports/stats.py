"""Small statistics over working-day figures: mean, median, 90th percentile, shares."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float
    median: float
    p90: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(count=0, mean=0.0, median=0.0, p90=0.0)
        return cls(
            count=len(values),
            mean=statistics.fmean(values),
            median=statistics.median(values),
            p90=percentile(values, 90),
        )


def percentile(values: Sequence[float], pct: int) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of values at or
    below it (for 10 values the 90th is the 9th smallest)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def share(part: int | float, whole: int | float) -> float:
    """Per cent, 0 for an empty whole."""
    return 100.0 * part / whole if whole else 0.0


def days(value: float) -> str:
    """A working-day figure the Russian way: one decimal, a comma."""
    return f"{value:.1f}".replace(".", ",")
