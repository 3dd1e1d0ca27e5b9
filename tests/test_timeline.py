"""The explorer's SVG timeline: every event once, the window where its dates are, text escaped."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pandas as pd

from geo.timeline import LEFT, RIGHT, WIDTH, timeline_svg
from geo.view import ATLAS_END, ATLAS_START

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_every_event_is_drawn_once_with_its_kind_shape(layers):
    events = layers["events"]
    root = _parse(timeline_svg(events, dt.date(2024, 1, 15), dt.date(2024, 1, 22),
                               domain=(ATLAS_START, ATLAS_END)))
    drawn = [g.get("data-id") for g in root.iter(f"{SVG}g") if g.get("class") == "ba-event"]
    assert sorted(drawn) == sorted(events["id"])
    strike = next(g for g in root.iter(f"{SVG}g") if g.get("data-id") == "2024-01-16-iran-strike-panjgur")
    assert strike.find(f"{SVG}polygon") is not None  # a triangle, as on the map
    assert "2024-01-16: strike" in strike.find(f"{SVG}title").text


def test_the_window_band_sits_at_its_dates():
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    root = _parse(timeline_svg(pd.DataFrame(columns=["id", "date", "kind", "actor", "place"]),
                               start, end, domain=(dt.date(2017, 1, 1), dt.date(2024, 12, 31))))
    band = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "ba-window")
    inner = WIDTH - LEFT - RIGHT
    days = (dt.date(2024, 12, 31) - dt.date(2017, 1, 1)).days + 1
    assert abs(float(band.get("x")) - (LEFT + inner * (start - dt.date(2017, 1, 1)).days / days)) < 0.2
    assert abs(float(band.get("width")) - inner * 365 / days) < 0.2


def test_a_close_up_has_day_ticks_no_band_and_only_the_windows_events(layers):
    events = layers["events"]
    svg = timeline_svg(events, dt.date(2024, 1, 15), dt.date(2024, 1, 22),
                       domain=(dt.date(2024, 1, 15), dt.date(2024, 1, 22)), band=False)
    root = _parse(svg)
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "ba-window"]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "16 Jan" in labels and "22 Jan" in labels
    in_window = events[(events["date"] >= "2024-01-15") & (events["date"] <= "2024-01-22")]
    drawn = [g for g in root.iter(f"{SVG}g") if g.get("class") == "ba-event"]
    assert len(drawn) == len(in_window) > 0


def test_text_is_escaped():
    hostile = pd.DataFrame({"id": ['x"><script>'], "date": [pd.Timestamp("2024-01-16")],
                            "kind": ["strike"], "actor": ["<img src=x onerror=alert(1)>"],
                            "place": ["<script>alert(1)</script>"]})
    svg = timeline_svg(hostile, dt.date(2024, 1, 1), dt.date(2024, 1, 31),
                       domain=(ATLAS_START, ATLAS_END))
    assert "<script" not in svg and "<img" not in svg
    assert re.search(r"&lt;img src=x onerror=alert\(1\)&gt;", svg)
    _parse(svg)  # still well-formed
