"""The page-size and anchor rules of the one pager (crackdown/paging.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from crackdown.paging import MAX_PAGE_SIZE, PAGE_SIZE, parse_after, parse_page_size


@pytest.mark.parametrize(
    ("raw", "size"),
    [(None, PAGE_SIZE), ("", PAGE_SIZE), ("abc", PAGE_SIZE), ("0", 1), ("-5", 1), ("7", 7), ("999", MAX_PAGE_SIZE)],
)
def test_page_size_is_kept_between_1_and_the_maximum(raw, size):
    assert parse_page_size(raw) == size


def test_anchor_reads_timestamp_and_id_and_refuses_anything_else():
    at = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    assert parse_after(f"{at.isoformat()},42") == (at, 42)
    # An unencoded "+" of the offset arrives as a space.
    assert parse_after("2026-03-01T12:30:00 00:00,42") == (at, 42)
    assert parse_after("2026-03-01T12:30:00,42") == (at, 42)
    for bad in (None, "", "42", "yesterday,42", "2026-03-01T12:30:00+00:00,x"):
        assert parse_after(bad) is None


def test_a_cursor_with_an_offset_postgresql_refuses_is_read_in_utc():
    import datetime as dt

    from crackdown.paging import parse_after

    at, pk = parse_after("2026-01-01T23:00:00+22:32,7")
    assert at.utcoffset() == dt.timedelta(0) and at == dt.datetime(2026, 1, 1, 0, 28, tzinfo=dt.UTC) and pk == 7
