"""Issue 10, defect 5: every figure of approval time comes from the same durations.

Definitions (``stats``): durations are rounded once to one decimal; a document is
within the normative when its duration is at or under it (a tie is within); the
median and the 90th percentile are nearest-rank (the median of an even count is
the lower middle value). Then, exactly: share >= 50 % iff median <= normative,
and p90 <= normative implies share >= 90 %.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bering.reports.selectors_approval import ApprovalTime, MonthTime, TypeTime
from bering.reports.stats import days
from bering.reports.tables import NONE, approval_months_table

durations = st.lists(st.floats(min_value=0, max_value=40, allow_nan=False), min_size=1, max_size=60)
normatives = st.integers(min_value=1, max_value=15)


def figures(times: list[float], normative: int) -> TypeTime:
    t = TypeTime(name="Соглашение", normative=normative)
    for value in times:
        t.add(value, normative)
    return t


@given(durations, normatives)
def test_share_within_agrees_with_the_quantiles(times, normative):
    t = figures(times, normative)
    s, share = t.summary, t.within_share
    assert s.median is not None and s.p90 is not None and s.mean is not None and share is not None
    assert (share >= 50) == (s.median <= normative)
    if s.median > normative:
        assert share < 50
    if s.p90 <= normative:
        assert share >= 90
    # The mean shown is the mean compared: red exactly when the shown figure is over.
    assert t.over == (float(days(s.mean).replace(",", ".")) > normative)


def test_the_reported_contradiction_cannot_happen():
    """«2,0 при нормативе 2» in red, median 2,4, p90 2,6, yet «в пределах норматива 100 %»:
    every one of these documents was signed by its first round's due time (the old
    measure of «within»), while its working days were over the normative."""
    t = figures([1.04, 2.4, 2.6], 2)
    s = t.summary
    assert (s.mean, s.median, s.p90) == (2.0, 2.4, 2.6)
    assert not t.over  # «2,0 при нормативе 2» is not over the normative
    assert round(t.within_share or 0) == 33  # not 100 %: two of three took longer
    assert t.within_share is not None and t.within_share < 50


def test_a_month_without_documents_is_a_dash():
    data = ApprovalTime(months=[MonthTime(month=dt.date(2025, 12, 1))])
    (row,) = approval_months_table(data).rows
    assert row == ["12.2025", 0, NONE, NONE, NONE]
