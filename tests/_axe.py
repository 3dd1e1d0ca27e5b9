"""axe-core (a test-time tool from npm, never shipped) run over a page or a frame in Chromium.

``npm install`` in the checkout puts it in node_modules/ (package.json lists it as a
development dependency); without it the accessibility tests are skipped, and fail in CI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.2 A and AA rules (axe's tags), and its best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def needs_axe() -> Path:
    import pytest

    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm install` (package.json) before the tests")
        pytest.skip("axe-core not installed (npm install)")
    return AXE


def violations(frame: Any, include: str | None = None,
               rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe's serious and critical violations in ``frame`` (a Playwright page or frame), each
    {id, impact, help, nodes: [target selectors and failure summary]}; ``rules``: only those
    axe rules (by id), else every WCAG 2.2 A/AA rule and best practice."""
    needs_axe()
    if not frame.evaluate("typeof window.axe === 'object'"):
        frame.add_script_tag(path=str(AXE))
    found = frame.evaluate("""async ([include, tags, rules]) => {
        const only = rules ? {type: 'rule', values: rules} : {type: 'tag', values: tags};
        const result = await axe.run(include ? document.querySelector(include) : document,
                                     {runOnly: only, resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 8).map(n => ({target: n.target, summary: n.failureSummary}))}));
    }""", [include, TAGS, rules])
    return [v for v in found if v["impact"] in BLOCKING]


def report(found: list[dict[str, Any]]) -> str:
    """The violations, one per line, for an assertion message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}): "
                     + "; ".join(f"{n['target']}: {n['summary']}" for n in v["nodes"][:3]) for v in found)
