"""Reading and driving the explorer's map element in AppTest (no JavaScript runs there).

The element's data is what the browser receives; a report is what the browser would send
back when the user lets go of the timeline (window, centre, zoom).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

KEY = "atlas"
ROOT = Path(__file__).resolve().parent.parent


def element(at: AppTest):
    found = [e for e in at.main if getattr(e, "type", None) == "bidi_component"]
    assert len(found) == 1, "one map element"
    return found[0].proto


def data(at: AppTest) -> dict[str, Any]:
    proto = element(at)
    text = proto.mixed.json if proto.WhichOneof("data") == "mixed" else proto.json
    return json.loads(text)


def arrow_blobs(at: AppTest) -> dict[str, bytes]:
    proto = element(at)
    return dict(proto.mixed.arrow_blobs) if proto.WhichOneof("data") == "mixed" else {}


def report(at: AppTest, start: str, end: str, lat: float = 27.5, lon: float = 62.9,
           zoom: int = 7) -> AppTest:
    """What the browser sends when the user settles on a window: run the app with it."""
    at.session_state[KEY] = {"view": {"start": start, "end": end, "lat": lat, "lon": lon, "zoom": zoom}}
    return at.run()


def dated(at: AppTest) -> dict[str, Any]:
    """The dated layers the element works from: inline, or the browser file its URL names."""
    source = data(at)["config"]["dated"]
    if isinstance(source, str):  # /app/static/web/dated.json?v=<hash>
        path = ROOT / source.split("?")[0].removeprefix("/app/")
        return json.loads(path.read_text(encoding="utf-8"))
    return source


def dated_ids(at: AppTest, layer: str = "events") -> set[str]:
    features = dated(at)[layer]["features"]
    return {f["properties"]["_id"] for f in features if "#" not in f["properties"]["_id"]}
