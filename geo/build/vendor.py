"""Vendor the browser assets the web map needs, so it works with no network.

In:  npm package leaflet@1.9.4 (fetched with `npm pack`).
Out: static/vendor/<package>/ with their licence files; served at /app/static/.
     Imported events need no plugin: the time engine draws them on a canvas.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path

from geo._paths import PROJECT_ROOT, STATIC_DIR

VENDOR_DIR = STATIC_DIR / "vendor"
PACKAGES = {
    "leaflet": ("1.9.4", ["dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png",
                          "dist/images/layers-2x.png", "dist/images/marker-icon.png",
                          "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png",
                          "LICENSE"]),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, members) in PACKAGES.items():
            subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, f"{name}@{version}"],
                           check=True, stdout=subprocess.DEVNULL)
            out = VENDOR_DIR / name
            out.mkdir(parents=True, exist_ok=True)
            with tarfile.open(Path(tmp) / f"{name}-{version}.tgz") as tar:
                for member in members:
                    data = tar.extractfile(f"package/{member}")
                    assert data is not None, member
                    target = out / member.removeprefix("dist/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data.read())
            print(f"vendored {name}@{version} into {out.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
