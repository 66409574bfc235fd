"""Nombres, unités et dates à la française (tools/french.py), tels que le site les écrit."""

from __future__ import annotations

import pytest

from tools import french

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.8734, "pourcentage", f"87,3{NBSP}%"),
        (0.006, "points", f"0,6{NBSP}point"),
        (0.274, "points", f"27,4{NBSP}points"),
        (6.14, "secondes", f"6,1{NBSP}s"),
        (3e-9, None, "3,0e-09"),
        (0.5, None, "0,500"),
    ],
)
def test_value_in_its_declared_unit(value, unit, expected):
    assert french.in_unit(value, unit) == expected


def test_thousands_and_counts():
    assert french.thousands(1781.6) == f"1{NNBSP}782"
    assert french.count(54000) == f"54{NBSP}000"
    assert french.count("?") == "?"


def test_dates_in_words():
    assert french.date("2026-12-01T10:00:00+0000") == f"1er{NBSP}décembre 2026"
    assert french.date("pas une date") == "pas une date"
    assert french.date_range("2026-11-23", "2026-11-23T18:00") == f"le 23{NBSP}novembre 2026"
    assert french.date_range("2026-11-22", "2026-11-23") == (
        f"du 22{NBSP}novembre 2026 au 23{NBSP}novembre 2026"
    )
