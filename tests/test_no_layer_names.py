"""No renderer and no part of the core names a layer: what a layer does is fields of its spec
(``layers/_spec.py``), so a new layer needs no change here (README, ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from geo import LAYER_NAMES
from layers.imported import IMPORTED

ROOT = Path(__file__).resolve().parents[1]
# What is scanned: the core (geo's own modules and the importers), print and the browser's
# Python side. One list: the engine's modules (static/atlas/*.js) join it once they are
# modules of their own. geo/_schema.py is where the names are declared; geo/build/ writes
# each shipped file by name (the data's pipeline, not a renderer).
SCANNED = ("geo/*.py", "geo/imports/*.py", "geo/figure/*.py", "geo/web/*.py")
DECLARES_NAMES = ("geo/_schema.py",)
# Literals equal to a layer's name that name something else, each with what it names.
NOT_A_LAYER = {
    ("geo/cli.py", "events"): "the --events option: a file of the user's events",
    ("geo/recipe.py", "events"): "a recipe's events key: the same file",
    ("geo/acled.py", "border"): "the event kind 'border' (a border measure), mapped to ACLED's types",
}
NAMES = frozenset((*LAYER_NAMES, IMPORTED.name))


def _python_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def _js_literals(path: Path) -> list[tuple[int, str]]:
    quoted = re.compile(r"""(["'`])([^"'`\\\n]*)\1""")
    return [(n, m.group(2)) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            for m in quoted.finditer(line)]


def layer_name_literals(root: Path = ROOT, scanned: tuple[str, ...] = SCANNED) -> list[str]:
    """'path:line: "name"' for every string literal in the scanned files that is a layer name."""
    found = []
    for pattern in scanned:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if rel in DECLARES_NAMES:
                continue
            literals = _js_literals(path) if path.suffix == ".js" else _python_literals(path)
            found += [f'{rel}:{line}: "{text}"' for line, text in literals
                      if text in NAMES and (rel, text) not in NOT_A_LAYER]
    return found


def test_no_layer_name_in_the_core_or_a_renderer():
    found = layer_name_literals()
    assert not found, "layer names in code that should read specs:\n" + "\n".join(found)


def test_the_scan_finds_a_layer_name(tmp_path):
    """The scan itself: a renderer that branches on a name, in Python or JavaScript, is found."""
    (tmp_path / "geo" / "figure").mkdir(parents=True)
    (tmp_path / "geo" / "figure" / "x.py").write_text(
        'def f(spec):\n    """About events."""\n    return spec.name == "events"\n', encoding="utf-8")
    (tmp_path / "static" / "atlas").mkdir(parents=True)
    (tmp_path / "static" / "atlas" / "x.js").write_text("if (name === 'places') {}\n", encoding="utf-8")
    found = layer_name_literals(tmp_path, (*SCANNED, "static/atlas/*.js"))
    assert found == ['geo/figure/x.py:3: "events"', 'static/atlas/x.js:1: "places"']
