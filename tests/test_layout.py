"""The atlas's layout: print (matplotlib) lives in geo/figure alone, and uses public API only.

A small scan of the source's syntax trees, no imports: it reads what each module imports
and which attributes it reaches for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIGURE = ROOT / "geo" / "figure"
PRINT_ONLY = ("matplotlib", "mpl_toolkits")  # the libraries only print may import
FIRST_PARTY = ("geo", "layers", "ui")


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module name) of every import in the tree, nested ones too."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
            # ``from matplotlib import _api`` names a private module too
            out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return out


def parsed(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_scan_sees_imports_however_written():
    tree = ast.parse("import matplotlib as mpl\nfrom matplotlib.figure import Figure\n"
                     "def f():\n    import matplotlib.pyplot\n")
    assert [m for _, m in imported_modules(tree) if m.split(".")[0] == "matplotlib"] == [
        "matplotlib", "matplotlib.figure", "matplotlib.figure.Figure", "matplotlib.pyplot"]


@pytest.mark.parametrize("path", [*sources("geo", "layers", "ui"), ROOT / "app.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_geo_figure_imports_matplotlib(path):
    if FIGURE in path.parents:
        return
    found = [f"line {line}: {name}" for line, name in imported_modules(parsed(path))
             if name.split(".")[0] in PRINT_ONLY]
    assert not found, f"{path.relative_to(ROOT)} imports print's libraries: {found}"


def test_geo_figure_is_where_matplotlib_is_imported():
    """The scan above is not vacuous: the print package does import matplotlib."""
    assert any(name.split(".")[0] == "matplotlib"
               for path in sources("geo/figure") for _, name in imported_modules(parsed(path)))


def private_uses(tree: ast.AST) -> list[str]:
    """Private modules and attributes of other libraries that the tree reaches for.

    A private module is one whose dotted name has a part starting with '_' (not a dunder);
    a private attribute is ``obj._name`` on anything but ``self`` or ``cls``. The atlas's
    own private modules (``layers._spec``) are its own business.
    """
    bad = [f"line {line}: import {name}" for line, name in imported_modules(tree)
           if name.split(".")[0] not in FIRST_PARTY and name.split(".")[0] != "__future__"
           and any(part.startswith("_") and not part.startswith("__") for part in name.split("."))]
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            bad.append(f"line {node.lineno}: .{node.attr}")
    return bad


def test_the_private_scan_catches_what_it_should():
    tree = ast.parse("from matplotlib.backends import _backend_pdf_ps as pdf_ps\n"
                     "import PIL._util\n"
                     "rows = legend._legend_handle_box.get_children()\n"
                     "from layers._spec import Style\n"
                     "self._module = pdf_ps.subset\n"
                     "version = ft2font.__libraqm_version__\n")
    assert private_uses(tree) == ["line 1: import matplotlib.backends._backend_pdf_ps",
                                  "line 2: import PIL._util", "line 3: ._legend_handle_box"]


@pytest.mark.parametrize("path", sources("geo/figure"), ids=lambda p: str(p.relative_to(ROOT)))
def test_print_uses_no_private_module_or_attribute_of_a_library(path):
    """No ``matplotlib.backends._backend_pdf_ps``, no ``legend._legend_handle_box``."""
    bad = private_uses(parsed(path))
    assert not bad, f"{path.relative_to(ROOT)} reaches into private internals: {bad}"
