"""Source hygiene and the coverage report: the build's checks on sources, the per-year table,
the long gaps and what was searched for them, and the reprint-only count."""

from __future__ import annotations

import pytest

import geo
from geo._paths import CURATED_DIR
from geo.build import curated
from geo.build.sources import (
    aggregator_of,
    canonical_url,
    key_names_publisher,
    registry_problems,
    url_problems,
)
from tests._curated import copy_curated as _copy
from tests._curated import edit_curated as _edit

DAWN = 'url = "https://www.dawn.com/news/1673592"'


# -- source hygiene ---------------------------------------------------------------------------

def test_tracking_parameters_and_crawler_suffixes_are_named():
    assert url_problems("k", "https://www.dawn.com/news/1?utm_source=feedburner&utm_medium=feed")
    assert url_problems("k", "https://x.com/a?fbclid=abc")
    assert url_problems("k", "https://www.dawn.com/news/1174608/fonts.googleapis.com")
    assert url_problems("k", "https://www.dawn.com/news/1/apis.google.com")
    assert url_problems("k", "https://www.dawn.com/news/1673592") == []
    assert url_problems("k", "https://nation.com.pk/07-Dec-2018/two-killed?page=2") == []


def test_one_key_per_url_ignores_scheme_www_and_amp():
    assert canonical_url("http://www.dawn.com/news/1/") == canonical_url("https://dawn.com/news/1/amp/")
    problems = registry_problems({
        "dawn-2020-01-01-a": {"publisher": "Dawn", "url": "https://www.dawn.com/news/1"},
        "dawn-2020-01-01-b": {"publisher": "Dawn", "url": "http://dawn.com/news/1/amp"},
    })
    assert any("have one URL" in p for p in problems)


@pytest.mark.parametrize(("key", "publisher", "url", "ok"), [
    ("dawn-2019-04-18-ormara", "Dawn", "https://www.dawn.com/news/1", True),
    ("bs-pti-2014-05-06-hotlines", "Business Standard (PTI)", "https://business-standard.com/x", True),
    ("ann-dawn-2025", "Dawn, as carried by Asia News Network", "https://asianews.network/x", True),
    ("ap-2018", "Associated Press", "https://apnews.com/x", True),
    ("wp-2024-kerman", "The New Indian Express (AFP)", "https://www.newindianexpress.com/x", False),
    ("menafn-2024", "Xinhua, as carried by China Daily", "https://global.chinadaily.com.cn/x", False),
])
def test_a_key_names_its_publisher(key, publisher, url, ok):
    assert key_names_publisher(key, {"publisher": publisher, "url": url}) is ok


def test_the_build_refuses_unclean_sources(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", DAWN, 'url = "https://www.dawn.com/news/1673592?utm_source=feedburner"')
    with pytest.raises(geo.LayerValidationError, match="tracking parameters"):
        curated.build(border_line, folder)
    folder = _copy(tmp_path / "b")
    _edit(folder, "events.toml", "[sources.dawn-2022-02-06-panjgur-nushki-operation]",
          "[sources.wp-2022-02-06-panjgur-nushki-operation]")
    _edit(folder, "events.toml", '"dawn-2022-02-06-panjgur-nushki-operation"', '"wp-2022-02-06-panjgur-nushki-operation"')
    with pytest.raises(geo.LayerValidationError, match="does not name its publisher"):
        curated.build(border_line, folder)


def test_the_shipped_registry_is_clean():
    registry, _ = curated.load_tables()
    assert registry_problems(registry) == []


def test_aggregators_are_flagged_with_what_to_look_for():
    assert "cite the agency" in aggregator_of({"url": "https://www.menafn.com/1"})
    assert aggregator_of({"url": "https://www.dawn.com/news/1"}) is None


@pytest.mark.parametrize("url", [
    "https://theiranproject.com/en/news/1/x", "https://en.solhkhabar.ir/politics/x.html",
    "http://www.xebersaati.com/news/1-x/", "http://www.panarmenian.net/eng/news/1/",
    "https://thebalochistanpoint.com/x/", "https://toronto.citynews.ca/2024/05/30/x/",
    "https://kvia.com/news/ap-national/x", "https://www.wiki3.en-us.nina.az/x.html",
])
def test_reprint_sites_the_record_cites_are_flagged(url):
    assert aggregator_of({"url": url}), url


def test_every_reprint_only_event_is_named_in_the_data_readme(layers):
    """An event whose only sources are copies on reprint sites stays only when the search for
    the original is recorded: data/README.md names it."""
    _, only = curated._reprints(_props(layers))
    readme = (CURATED_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert [i for i in only if i not in readme] == []


# -- coverage ---------------------------------------------------------------------------------

def _props(layers):
    ev = layers["events"]
    return [{"id": i, "date": d.strftime("%Y-%m-%d"), "date_last": last.strftime("%Y-%m-%d"), "kind": k,
             "border_side": s if isinstance(s, str) else None, "sources": src}
            for i, d, last, k, s, src in zip(ev["id"], ev["date"], ev["date_last"], ev["kind"], ev["border_side"],
                                              ev["sources"], strict=True)]


def test_every_gap_over_six_months_has_a_recorded_search(layers):
    assert curated.unexplained_gaps(_props(layers), curated.searched_table()) == []


def test_a_gap_without_a_recorded_search_is_found():
    props = [{"id": "a", "date": "2013-01-01", "date_last": "2013-01-01"},
             {"id": "b", "date": "2013-09-01", "date_last": "2013-09-01"}]
    assert curated.unexplained_gaps(props, []) == [(242, "2013-01-01", "2013-09-01")]
    searched = [{"from": "2013-01-02", "to": "2013-08-31", "searched": "x", "found": "y"}]
    assert curated.unexplained_gaps(props, searched) == []
    assert curated.unexplained_gaps(props, [{"from": "2013-02-01", "to": "2013-08-31"}]) != []


def test_report_has_the_year_table_gap_reasons_and_reprint_count(layers):
    feats = [{"properties": p} for p in _props(layers)]
    report = curated.coverage_report(feats)
    assert "per year by kind and side" in report and "year  all" in report
    assert "gaps over six months" in report and "searched:" in report
    assert "events whose only sources are reprints or aggregators: " in report
    only = [{"properties": {"id": "x", "date": "2020-01-01", "date_last": "2020-01-01", "kind": "attack",
                            "sources": [{"publisher": "p", "url": "https://www.menafn.com/1"}]}}]
    assert "reprints or aggregators: 1 (x)" in curated.coverage_report(only, [])
