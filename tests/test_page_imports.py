"""The page's own modules do not load the figure code (matplotlib): the export panel loads it
when it runs, after the map and tables on a first visit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_page_modules_leave_the_figure_code_to_the_export_panel():
    probe = ("import sys; import ui.panels, ui.state, ui.data, ui.explorer, ui.importing; "
             "print(sorted(m for m in ('matplotlib', 'geo.figure') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_map_runs_before_the_export_panel_until_the_panel_holds_a_file(monkeypatch):
    from streamlit.testing.v1 import AppTest

    import ui.panels

    ran: list[str] = []
    for name in ("explorer", "export_panel"):
        real = getattr(ui.panels, name)
        monkeypatch.setattr(ui.panels, name, lambda *a, _real=real, _name=name: (ran.append(_name), _real(*a))[1])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception and ran == ["explorer", "export_panel"]  # a first visit: the map first
    at.button(key="export_draw").click().run()
    ran.clear()
    at.run()  # holding a drawn file, the panel runs first and re-adds it at once
    assert at.session_state["export_result"] is not None and ran == ["export_panel", "explorer"]
