"""Moments read as POSIX seconds equal the datetimes they come from, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from bering.accounts.models import User
from bering.core.db import EpochSeconds

MOMENTS = [
    dt.datetime(2026, 1, 20, 0, 0, 0, 123456, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC),  # no fraction at all
    dt.datetime(2026, 5, 8, 16, 30, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=12))),
]


@pytest.mark.django_db
def test_epoch_seconds_keep_microseconds_and_nulls():
    for i, moment in enumerate(MOMENTS):
        User.objects.create(username=f"u{i}", date_joined=moment, last_login=None)
    rows = (
        User.objects.filter(username__startswith="u")
        .annotate(joined=EpochSeconds("date_joined"), login=EpochSeconds("last_login"))
        .order_by("username")
        .values_list("joined", "login")
    )
    got = list(rows)
    assert [login for _joined, login in got] == [None] * len(MOMENTS)
    for (joined, _login), moment in zip(got, MOMENTS, strict=True):
        assert isinstance(joined, float)
        assert joined == pytest.approx(moment.timestamp(), abs=1e-6)
    # One microsecond apart stays apart and in order.
    assert got[1][0] < got[0][0]
    assert got[3][0] - dt.datetime(2026, 5, 8, 4, 30, tzinfo=dt.UTC).timestamp() == pytest.approx(
        1e-6, abs=3e-7
    )
