"""The import's one-line summary names what it counts: a "bad number" note gives its field and
a value as the file has it (quoted, cut short, never markup)."""

from __future__ import annotations

from geo.imports import import_events
from geo.safe_text import plain_markdown
from tests.test_import import acled_row, feature, geojson_bytes, to_csv, ucdp_row


def test_a_bad_number_in_the_summary_names_its_field_and_a_value():
    result = import_events(to_csv([acled_row(fatalities="several"), acled_row(fatalities="-3"),
                                   acled_row()]))
    assert len(result.events) == 3
    assert result.summary() == ("3 rows read, 3 imported, none skipped; notes: 2 bad number "
                                "(fatalities, e.g. 'several')")


def test_each_field_with_bad_numbers_is_named_with_its_own_value():
    result = import_events(to_csv([ucdp_row(low="a few"), ucdp_row(high="1.5"), ucdp_row(low="x")]))
    assert "3 bad number (low, e.g. 'a few'; high, e.g. '1.5')" in result.summary()


def test_a_long_or_hostile_value_is_cut_and_quoted_as_text():
    long = "9" * 5 + "x" * 200
    hostile = "<b>1</b> is not\n**it**"
    result = import_events(to_csv([acled_row(fatalities=long)]))
    assert "(fatalities, e.g. '99999xxxxxxxxxxxxxx…')" in result.summary()
    result = import_events(geojson_bytes([feature(62.0, 27.0, date="2024-01-16",
                                                  fatalities=hostile)]))
    summary = result.summary()
    assert "\n" not in summary
    assert "(fatalities, e.g. '<b>1</b> is not\\n**i…')" in summary
    shown = plain_markdown(summary)  # how the page shows it: every sign escaped, no tag, no bold
    assert "\\<b\\>1\\<\\/b\\>" in shown and "\\*\\*" in shown


def test_a_summary_without_bad_numbers_is_unchanged():
    result = import_events(to_csv([acled_row(geo_precision="9")]))
    assert result.summary() == "1 rows read, 1 imported, none skipped; notes: 1 unknown precision code"
