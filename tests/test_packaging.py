"""The wheel carries the data: a non-editable install loads the shipped layers without the checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from geo._paths import DATA_DIR, PROJECT_ROOT, data_dir

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p.relative_to(ROOT / "data").as_posix()
                 for p in [*(ROOT / "data").glob("*.geojson"), ROOT / "data" / "README.md",
                           *(ROOT / "data" / "curated").glob("*")])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build uses this environment's setuptools and reaches no network.
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(out)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    (built,) = out.glob("border_atlas-*.whl")
    return built


def test_a_checkout_reads_its_own_data_folder():
    assert DATA_DIR == data_dir() == PROJECT_ROOT / "data" == ROOT / "data"
    assert not (ROOT / "geo" / "data").exists()  # else a checkout would read that instead


def test_the_wheel_holds_every_data_file_and_every_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert SHIPPED and {f"geo/data/{name}" for name in SHIPPED} <= names
    assert not any(name.startswith("geo/data/raw/") for name in names)  # downloads stay home
    for package in ("geo", "geo/build", "geo/figure", "geo/imports", "geo/web", "layers"):
        assert f"{package}/__init__.py" in names, package
    assert "geo/figure/fonts/OFL.txt" in names


def test_a_non_editable_install_loads_the_layers(wheel, tmp_path):
    # A fresh venv with the wheel installed; its dependencies are borrowed from the test's own
    # environment by a .pth line (which does not run that environment's editable-install hook).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--quiet", str(wheel)], check=True, capture_output=True, timeout=300)
    script = ("import geo, geo.imports, geo.web.page\n"
              "from geo._paths import DATA_DIR\n"
              "events = geo.load_layer('events')\n"
              "print(geo.__file__, DATA_DIR, len(events), sep='\\n')\n")
    run = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    module, data, count = run.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(site) and Path(data) == Path(site) / "geo" / "data"
    assert int(count) == len(__import__("geo").load_layer("events")) > 0
