"""What the browser gets of each imported event: the one popup's fields, written as the
source gives them (tolls as whole numbers, ACLED's notes, precision, distance to the border),
and the fields the browser's filters read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.imports import import_events
from geo.web.explorer import (
    IMPORTED_FIELDS,
    IMPORTED_NOTES_CHARS,
    _border_texts,
    _precision_texts,
    imported_columns,
)
from geo.web.imported import prepare_imported
from tests.test_import import acled_row, to_csv


def _columns(rows):
    result = import_events(to_csv(rows))
    return result.events, imported_columns(prepare_imported(result.events), "acled.csv")


def test_the_popup_fields_say_what_the_source_gives():
    long_notes = "On 16 January 2024, missiles and drones struck a village. " * 20
    events, (columns, meta) = _columns([
        acled_row(event_id_cnty="P1", fatalities="5", notes=long_notes, time_precision="2"),
        acled_row(event_id_cnty="P2", fatalities="", notes="")])
    first = columns.iloc[0]
    assert first["killed"] == "5" and first["dead"] == 5.0  # not "5.0"
    assert first["notes"] == long_notes[:IMPORTED_NOTES_CHARS]
    assert first["when_precision"] == "week (coded as mid-week)"
    assert first["location_precision"].startswith("± ") and first["placed"]
    assert first["to_border"].endswith("Pakistani side") or "spans the border" in first["to_border"]
    assert first["ref"] == "ACLED export, row 2" and first["kind"] == "strike" and first["side"] == "PAK"
    second = columns.iloc[1]
    assert pd.isna(second["killed"]) and np.isnan(second["dead"]) and pd.isna(second["notes"])
    keys = [f["key"] for f in meta["fields"]]
    assert keys == [k for k, _ in IMPORTED_FIELDS] and set(keys) <= set(columns.columns)


def test_vectorised_texts_are_the_popups_rules():
    metres = pd.Series([np.nan, 300, 999.6, 1000, 25_400, 1_234_567, 2500])
    km = pd.Series([np.nan, 3.2, 0.4, 12, 1500.4, 8, 2.5])
    side = pd.Series([None, "PAK", "IRN", None, "PAK", "IRN", "IRN"])
    assert _precision_texts(metres).fillna("?").tolist() == [
        "?", "± 300 m", "± 1000 m", "± 1 km", "± 25 km", "± 1235 km", "± 2 km"]
    assert _border_texts(km, side, metres).fillna("?").tolist() == [
        "?", "3 km, Pakistani side",
        "0 km, Iranian side as placed; the location's precision (± 1 km) spans the border",
        "12 km", "1,500 km, Pakistani side",
        "8 km, Iranian side as placed; the location's precision (± 1,235 km) spans the border",
        "2 km, Iranian side as placed; the location's precision (± 2 km) spans the border"]
