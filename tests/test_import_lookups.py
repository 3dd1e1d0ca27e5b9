"""Country names are looked up once per distinct text and the column built in Arrow; held here
to the plain pandas way it replaced (lower-case every row, ``Series.map``, fill the rest)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.imports.layouts import COUNTRY_ISO3, _country

_COUNTRIES = st.lists(st.one_of(st.sampled_from(["Pakistan", "PAKISTAN", "iran", "Iran", "",
                                                 "Afghanistan", "Oman", "İran", "Mars"]),
                                st.text(max_size=6)), min_size=0, max_size=40)


def _text(values: list[str]) -> pd.Series:
    return pd.Series(values, index=pd.RangeIndex(len(values)) + 5, dtype=str)  # a non-zero index


def _same(got: pd.Series, expected: pd.Series) -> None:
    assert got.dtype == expected.dtype
    assert got.index.equals(expected.index)
    assert got.tolist() == expected.tolist()


@settings(max_examples=80, deadline=None)
@given(values=_COUNTRIES)
def test_a_country_is_the_row_by_row_map(values):
    text = _text(values)
    iso = text.str.lower().map(COUNTRY_ISO3)
    _same(_country(text), iso.where(iso.notna(), text).astype(str))


def test_a_missing_country_takes_pandas_own_way():
    text = pd.Series(["Iran", None, "PAKISTAN", "Mars"], dtype=str)
    iso = text.str.lower().map(COUNTRY_ISO3)
    _same(_country(text), iso.where(iso.notna(), text).astype(str))
