"""The wheel carries the data and the browser's files: a non-editable install, run from a
folder that is not the checkout, loads the layers and exports every format, and its HTML file
draws the map offline. The build says nothing: no setuptools warning."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from geo._paths import DATA_DIR, PROJECT_ROOT, STATIC_DIR, asset, data_dir, static_dir
from tests._server import wait_for

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SHIPPED = sorted(p.relative_to(ROOT / "data").as_posix()
                 for p in [*(ROOT / "data").glob("*.geojson"), ROOT / "data" / "README.md",
                           *(ROOT / "data" / "curated").glob("*")])
# Every browser file of the checkout (Leaflet, the atlas's scripts and styles, the layers'
# browser copies), as git tracks them.
ASSETS = sorted(subprocess.run(["git", "ls-files", "static"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split())
FORMATS = ("png", "pdf", "gif", "html")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """(the wheel, what the build printed)."""
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build uses this environment's setuptools and reaches no network.
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                          "--quiet", "-w", str(out)],
                         cwd=ROOT, check=True, capture_output=True, text=True, timeout=300)
    (wheel,) = out.glob("border_atlas-*.whl")
    return wheel, run.stdout + run.stderr


@pytest.fixture(scope="module")
def wheel(built) -> Path:
    return built[0]


def _install(wheel: Path, folder: Path) -> tuple[Path, str]:
    """A fresh venv with the wheel installed: (its python, its site-packages). Its
    dependencies are borrowed from the test's own environment by a .pth line (which does not
    run that environment's editable-install hook)."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--quiet", str(wheel)], check=True, capture_output=True, timeout=300)
    return python, site


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, str]:
    return _install(wheel, tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="module")
def exported(installed, tmp_path_factory) -> dict[str, Path]:
    """Every format exported by the installed command from an empty folder elsewhere."""
    python, _ = installed
    folder = tmp_path_factory.mktemp("elsewhere")
    command = python.parent / "border-atlas"
    out = {}
    for fmt in FORMATS:
        run = subprocess.run([str(command), "export", "--format", fmt, "--out", f"atlas.{fmt}"],
                             cwd=folder, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, (fmt, run.stderr)
        out[fmt] = folder / f"atlas.{fmt}"
    return out


def test_a_checkout_reads_its_own_data_and_static_folders():
    assert DATA_DIR == data_dir() == PROJECT_ROOT / "data" == ROOT / "data"
    assert not (ROOT / "geo" / "data").exists()  # else a checkout would read that instead
    assert STATIC_DIR == static_dir() == ROOT / "static"
    assert not (ROOT / "geo" / "static").exists()
    assert asset("atlas/engine.js") == ROOT / "static" / "atlas" / "engine.js"


def test_the_build_prints_no_warning(built):
    _, printed = built
    assert "warning" not in printed.lower(), printed


def test_the_makefiles_editable_install_prints_nothing(tmp_path):
    """`make run` and `make test` install the checkout editable: quietly, as set in the Makefile."""
    import os
    import re

    setting = re.search(r"^QUIET_EDITABLE := (\w+)='([^']*)'$", (ROOT / "Makefile").read_text(),
                        re.MULTILINE)
    assert setting, "the Makefile names the environment of its editable install"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                          "--no-deps", "--no-build-isolation", "-e", str(ROOT)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={**os.environ, setting.group(1): setting.group(2)})
    assert run.returncode == 0, run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr


def test_the_wheel_holds_every_data_file_and_every_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert SHIPPED and {f"geo/data/{name}" for name in SHIPPED} <= names
    assert not any(name.startswith("geo/data/raw/") for name in names)  # downloads stay home
    for package in ("geo", "geo/build", "geo/figure", "geo/imports", "geo/web", "layers"):
        assert f"{package}/__init__.py" in names, package
    assert "geo/figure/fonts/OFL.txt" in names
    assert {"geo/figure/fonts/LICENSE_DEJAVU", "geo/figure/fonts/DejaVuSansAtlas.ttf",
            "geo/figure/fonts/DejaVuSansAtlas-Bold.ttf"} <= names
    assert ASSETS and {"geo/" + name for name in ASSETS} <= names, (
        sorted({"geo/" + name for name in ASSETS} - names))


def test_a_non_editable_install_loads_the_layers(installed, tmp_path):
    python, site = installed
    script = ("import geo, geo.imports, geo.web.page\n"
              "from geo._paths import DATA_DIR, STATIC_DIR\n"
              "events = geo.load_layer('events')\n"
              "print(geo.__file__, DATA_DIR, STATIC_DIR, len(events), sep='\\n')\n")
    run = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    module, data, static, count = run.stdout.split("\n")[:4]
    assert Path(module).is_relative_to(site) and Path(data) == Path(site) / "geo" / "data"
    assert Path(static) == Path(site) / "geo" / "static"
    assert int(count) == len(__import__("geo").load_layer("events")) > 0


MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "gif": b"GIF89a", "html": b"<!DOCTYPE html>"}


def test_a_non_editable_install_exports_every_format_from_any_folder(exported):
    for fmt, path in exported.items():
        data = path.read_bytes()
        assert data.startswith(MAGIC[fmt]) and len(data) > 50_000, (fmt, data[:20], len(data))
    assert b"leaflet" in exported["html"].read_bytes().lower()


@pytest.mark.browser
def test_the_installed_html_file_draws_the_map_offline(exported, browser):
    url = exported["html"].as_uri()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    blocked, errors = [], []
    page.route("**/*", lambda r: r.continue_() if r.request.url == url
               else (blocked.append(r.request.url), r.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)
        # the engine's public API (static/atlas/engine.js), not the page's markup
        wait_for(lambda: page.evaluate("!!window.BorderAtlasEngine && BorderAtlasEngine.started()"),
                 what="engine ready")
        wait_for(lambda: page.locator(".ba-marker").count(), what="event markers")
        wait_for(lambda: page.evaluate("document.querySelectorAll('.leaflet-baStatic_border-pane path').length"),
                 what="the border")
        box = page.locator(".folium-map").bounding_box()
        assert box and box["height"] > 300, box
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "installed-html.png"))
    finally:
        page.close()
    assert blocked == [] and errors == [], (blocked, errors)
