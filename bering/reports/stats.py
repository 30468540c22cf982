"""Small statistics over working-day figures: mean, median, 90th percentile, shares."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def working_days(value: float) -> float:
    """The one rounding of a duration: working days to one decimal. Every figure of a
    report (mean, median, 90th percentile, the share within the normative) is taken
    from durations rounded so, so what is shown is what was compared."""
    return round(value, 1)


@dataclass(frozen=True)
class Summary:
    """Figures of a list of durations; ``None`` (shown «—») when the list is empty.

    The median is the nearest-rank 50th percentile (the lower middle value for an
    even count), like the 90th: so with ``within = #{v <= normative}`` exactly
    ``share >= 50 % iff median <= normative`` and ``share >= 90 % iff p90 <= normative``.
    The mean is rounded like the durations before it is shown or compared.
    """

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(count=0, mean=None, median=None, p90=None)
        return cls(
            count=len(values),
            mean=working_days(statistics.fmean(values)),
            median=percentile(values, 50),
            p90=percentile(values, 90),
        )


def percentile(values: Sequence[float], pct: int) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of values at or
    below it (for 10 values the 90th is the 9th smallest, the 50th the 5th)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def within_count(values: Sequence[float], normatives: Sequence[float]) -> int:
    """How many durations are at or under their normative (the tie counts as within)."""
    return sum(v <= n for v, n in zip(values, normatives, strict=True))


def share(part: int | float, whole: int | float) -> float:
    """Per cent, 0 for an empty whole."""
    return 100.0 * part / whole if whole else 0.0


def share_or_none(part: int | float, whole: int | float) -> float | None:
    """Per cent, ``None`` (shown «—») for an empty whole: no documents is not 0 %."""
    return 100.0 * part / whole if whole else None


def days(value: float | None) -> str:
    """A working-day figure the Russian way: one decimal, a comma; «—» for none."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",")
