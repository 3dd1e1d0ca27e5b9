"""How ACLED, UCDP GED and plain GeoJSON/GeoPackage columns become the atlas's event fields.

Precision codes become a radius in metres, event types an atlas kind. Both mappings are
tables below with the codebook wording they rest on, so a reader can check and change them.

Sources
-------
ACLED Codebook (2023 and the column guide "Guide to 2023 ACLED column changes",
acleddata.com/knowledge-base): ``geo_precision`` 1 = the source names the town and its
coordinates are used; 2 = the source says the event was near a town or in a part of a
district, and the coordinates of the nearest town or of the district are used; 3 = only a
larger region is named, and its capital or a natural location in it is used.
``time_precision`` 1 = the day is known; 2 = the week (coded as mid-week); 3 = the month
(coded as mid-month). An event is shown in a window for its whole period: a code 2 event
for the seven days around its date (``geo.timespan``'s "mid-week"), a code 3 event for the
calendar month of its date (``ACLED_TIME_SPAN``). The acledR package's codebook table
(dtacled.r-universe.dev, ``acled_codebook``) words code 3 as "Middle of week or weekend";
the atlas follows ACLED's own codebook, where 3 is the month.

UCDP GED Codebook (version 23.1/24.1, ucdp.uu.se/downloads): ``where_prec`` 1 = the exact
location; 2 = within about 25 km of a known point; 3 = a second-order administrative
division (district); 4 = a first-order division (province); 5 = a linear feature (road,
river) or a vague area; 6 = only the country; 7 = international waters or airspace.
``date_prec`` 1 = the day; 2 = within 2-6 days; 3 = the week; 4 = within 8-30 days or the
month; 5 = more than a month, within the year. ``date_start`` and ``date_end`` are the
earliest and latest possible days of the event, so an event spans them whatever its
``date_prec`` (which the popup shows, as text). ``type_of_violence`` 1 = state-based
conflict, 2 = non-state conflict, 3 = one-sided violence (against civilians).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import EventImportError
from geo.imports.problems import BAD_NUMBER_SAYS, IMPORT_KINDS, Problem, quote

# -- precision: code -> (radius in metres, what the code means) ----------------------------
#
# A radius is "how far from the coded point the event may well have been". Towns in the
# border provinces are 2-10 km across (Quetta and Zahedan ~10 km, Panjgur or Saravan 3-5 km),
# so a town-level point is good to ~5 km. A district here averages ~9,000-10,000 km²
# (Balochistan 346,290 km² in ~36 districts; Sistan and Baluchestan 176,368 km² in ~20
# counties): a circle of that area has a radius of ~55 km, hence 50 km. The two border
# provinces as circles have radii of 237 km (Sistan and Baluchestan) and 332 km
# (Balochistan), hence 250 km for "somewhere in the province". A country (Pakistan
# 796,095 km², Iran 1,648,195 km²) is 500-720 km: 500 km is a floor, not a fit.
ACLED_PRECISION: dict[int, tuple[float, str]] = {
    1: (5_000.0, "ACLED geo_precision 1: the town named by the source; radius 5 km assumed "
                 "(the extent of a town in the region)"),
    2: (25_000.0, "ACLED geo_precision 2: near the named town or in part of its district; "
                  "radius 25 km assumed"),
    3: (250_000.0, "ACLED geo_precision 3: only the province or a large region is known, the "
                   "point is its capital or a landmark; radius 250 km assumed (the border "
                   "provinces as circles have radii of 240-330 km)"),
}
UCDP_PRECISION: dict[int, tuple[float, str]] = {
    1: (1_000.0, "UCDP where_prec 1: exact location; radius 1 km assumed"),
    2: (25_000.0, "UCDP where_prec 2: within about 25 km of a known point"),
    3: (50_000.0, "UCDP where_prec 3: the district (second-order division); radius 50 km "
                  "assumed (a district of the region as a circle)"),
    4: (250_000.0, "UCDP where_prec 4: the province (first-order division); radius 250 km "
                   "assumed (the border provinces as circles have radii of 240-330 km)"),
    5: (100_000.0, "UCDP where_prec 5: along a road, river or other linear feature, or a "
                   "vague area; radius 100 km assumed"),
    6: (500_000.0, "UCDP where_prec 6: only the country is known; radius 500 km assumed"),
    7: (250_000.0, "UCDP where_prec 7: international waters or airspace; radius 250 km "
                   "assumed (half the width of the Arabian Sea's coastal waters here)"),
}
ACLED_TIME_PRECISION = {1: "day", 2: "week (coded as mid-week)", 3: "month (coded as mid-month)"}
# ACLED time_precision -> the period the event is shown for (geo.timespan.SPAN_PRECISIONS).
ACLED_TIME_SPAN = {1: "day", 2: "mid-week", 3: "month"}
UCDP_DATE_PRECISION = {1: "day", 2: "within 2-6 days", 3: "week", 4: "within 8-30 days or the month",
                       5: "within the year"}

# -- kinds ---------------------------------------------------------------------------------
#
# ACLED sub-event type -> atlas kind (the reverse of geo.acled's crosswalk where it is one to
# one). Stand-off fire from aircraft and drones is a "strike", from artillery, mortars,
# rockets and missiles "shelling";
# anything set off by a bomber, a hidden device or a thrown grenade is a "bombing"; battles
# are "clash"; armed violence against people is "attack"; agreements are "diplomatic";
# "Disrupted weapons use" is a "shoot-down" when the notes say something was shot down.
ACLED_SUB_EVENT_KIND = {
    "air/drone strike": "strike",
    "shelling/artillery/missile attack": "shelling",
    "suicide bomb": "bombing",
    "remote explosive/landmine/ied": "bombing",
    "grenade": "bombing",
    "armed clash": "clash",
    "government regains territory": "clash",
    "non-state actor overtakes territory": "clash",
    "attack": "attack",
    "chemical weapon": "attack",
    "abduction/forced disappearance": "abduction",
    "sexual violence": "other",
    "peaceful protest": "protest",
    "protest with intervention": "protest",
    "excessive force against protesters": "crackdown",
    "excessive force against protestors": "crackdown",
    "violent demonstration": "protest",
    "mob violence": "protest",
    "agreement": "diplomatic",
    "arrests": "other",
    "change to group/activity": "other",
    "disrupted weapons use": "other",
    "headquarters or base established": "other",
    "looting/property destruction": "other",
    "non-violent transfer of territory": "other",
    "other": "other",
}
# When the sub-event type is missing or unknown, the event type decides.
ACLED_EVENT_KIND = {
    "battles": "clash",
    "explosions/remote violence": "bombing",
    "violence against civilians": "attack",
    "protests": "protest",
    "riots": "protest",
    "strategic developments": "other",
}
_SHOT_DOWN = r"\b(?:shot|shoots?|shooting) down\b|\bdowned\b"
# UCDP records deaths in organised violence, not the weapon: state-based and non-state
# conflict are fighting between organised sides ("clash"); one-sided violence is an attack
# by an organised group or a government on civilians ("attack").
UCDP_KIND = {1: "clash", 2: "clash", 3: "attack"}
UCDP_TYPE = {1: "UCDP state-based conflict", 2: "UCDP non-state conflict",
             3: "UCDP one-sided violence"}

COUNTRY_ISO3 = {
    "iran": "IRN", "iran (islamic republic of)": "IRN", "islamic republic of iran": "IRN",
    "pakistan": "PAK", "afghanistan": "AFG", "iraq": "IRQ", "syria": "SYR", "oman": "OMN",
    "united arab emirates": "ARE", "turkmenistan": "TKM", "india": "IND", "china": "CHN",
    "turkey": "TUR", "türkiye": "TUR", "switzerland": "CHE",
    "irn": "IRN", "pak": "PAK", "afg": "AFG",
}
REGION_COUNTRIES = frozenset({"IRN", "PAK", "AFG"})

# -- the columns of each format ------------------------------------------------------------

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "latitude", "longitude")
UCDP_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low",
)
UCDP_REQUIRED = ("id", "date_start", "type_of_violence", "side_a", "latitude", "longitude")
# Columns only one of the two has: enough to tell them apart.
_ACLED_MARKS = {"event_id_cnty", "event_date", "geo_precision", "sub_event_type", "actor1"}
_UCDP_MARKS = {"where_prec", "date_start", "type_of_violence", "side_a", "dyad_name"}

# Plain GeoJSON / GeoPackage: the first property of each list that a feature has.
DATE_NAMES = ("date", "event_date", "date_start", "start", "start_date", "startdate")
GENERIC_NAMES = {
    "id": ("id", "event_id", "event_id_cnty", "__feature_id"),
    "end": ("end_date", "date_end", "end", "enddate"),
    "kind": ("kind", "event_type", "sub_event_type", "type", "category"),
    "actor": ("actor", "actor1", "side_a", "perpetrator"),
    "target": ("target", "actor2", "side_b", "victim"),
    "place": ("place", "location", "name", "where_coordinates", "locality", "town"),
    "country": ("country", "iso3", "country_code"),
    "precision_m": ("precision_m",),
    "location_note": ("location_note",),
    "killed_low": ("killed_low", "fatalities", "deaths", "killed", "low"),
    "killed_high": ("killed_high", "fatalities", "deaths", "killed", "high"),
    "summary": ("summary", "notes", "description", "note"),
    "source": ("sources", "source", "source_url", "url", "link"),
}


@dataclass
class Fields:
    """The atlas fields of every row, as read from one layout; text unless stated."""

    layout: str
    id: pd.Series
    date: pd.Series
    date_column: str
    end: pd.Series | None
    kind: pd.Series
    event_type: pd.Series
    actor: pd.Series
    target: pd.Series
    place: pd.Series
    country: pd.Series  # ISO3 where known, else as given
    precision_m: pd.Series  # float, NaN when unknown
    location_note: pd.Series
    date_precision: pd.Series
    killed_low: pd.Series  # float, NaN when unknown
    killed_high: pd.Series
    summary: pd.Series
    source: pd.Series
    lon_text: pd.Series | None = None
    lat_text: pd.Series | None = None
    # The period each date stands for (geo.timespan.SPAN_PRECISIONS); None: the day, or the
    # span from ``date`` to ``end`` (UCDP's earliest and latest possible days).
    time_precision: pd.Series | None = None
    notes: list[Problem] = field(default_factory=list)


def detect_layout(columns: list[str], label: str) -> str:
    """'acled' or 'ucdp' for a CSV header; one clear error naming what is missing otherwise."""
    have = set(columns)
    acled_score, ucdp_score = len(have & _ACLED_MARKS), len(have & _UCDP_MARKS)
    name = label.lower()
    if acled_score > ucdp_score or (acled_score == ucdp_score and "acled" in name):
        layout, required = "acled", ACLED_REQUIRED
    elif ucdp_score > acled_score or (ucdp_score and ("ged" in name or "ucdp" in name)):
        layout, required = "ucdp", UCDP_REQUIRED
    else:  # the message names the problem, never the file's content (its header could be anything)
        count = f"{len(columns):,} column{'s' if len(columns) != 1 else ''}"
        raise EventImportError(
            f"{quote(label)}: not an ACLED or UCDP GED export: none of its {count} is one that "
            f"tells them apart. An ACLED export needs {', '.join(ACLED_REQUIRED)}; a UCDP GED "
            f"export needs {', '.join(UCDP_REQUIRED)}")
    missing = [c for c in required if c not in have]
    if missing:
        title = "an ACLED export" if layout == "acled" else "a UCDP GED export"
        raise EventImportError(
            f"{quote(label)}: looks like {title} but lacks the required "
            f"column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return layout


def property_layout(columns: list[str]) -> str:
    """For GeoJSON/GeoPackage properties: read them as ACLED or UCDP columns when they are."""
    have = set(columns)
    if set(ACLED_REQUIRED) - {"latitude", "longitude"} <= have:
        return "acled"
    if set(UCDP_REQUIRED) - {"latitude", "longitude"} <= have:
        return "ucdp"
    return "generic"


# -- helpers on text columns ---------------------------------------------------------------


def _col(table: pd.DataFrame, name: str) -> pd.Series:
    if name in table.columns:
        column = table[name]
        if column.dtype != TEXT:  # pandas' "str" is already text: no pass over it to convert
            column = column.astype(str)
        values = _arrow(column)
        if _may_have_outer_space(values):  # as .str.strip(); a column with none is not copied
            values = pc.utf8_trim_whitespace(values)
        return _text(values, table.index)
    return pd.Series("", index=table.index, dtype=str)


# The text columns' dtype: pandas' "str", kept in Arrow. The helpers below work on the Arrow
# strings with one pyarrow.compute call per step: the same kernels pandas' ``.str`` and ``+``
# call, without the wrapping and checking pandas does around each (a fixed cost that a
# 1,000-row file feels in every one of a layout's ~100 steps).
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def _arrow(series: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind a text column (shared, not copied), as large strings."""
    values = pa.array(series) if series.dtype == TEXT else pa.array(series.astype(str))
    return values if values.type == pa.large_string() else values.cast(pa.large_string())


def _may_have_outer_space(values: pa.Array | pa.ChunkedArray) -> bool:
    """False when no value starts or ends with a character that could be white space.

    Only each value's first and last byte is read (from the Arrow buffers: one byte a value,
    no text made): a value whose outer bytes are printable ASCII has nothing to strip. Any
    other byte (a control character, a space, or a byte of a non-ASCII character, some of
    which are spaces) answers True, and the column is stripped as it always was.
    """
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        if chunk.null_count:
            return True
        if not len(chunk):
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        width = np.dtype(np.int64 if chunk.type == pa.large_string() else np.int32)
        offsets: np.ndarray = np.frombuffer(offsets_buffer, dtype=width)[
            chunk.offset:chunk.offset + len(chunk) + 1]
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if not filled.any():
            continue
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        outer = np.concatenate((data[starts[filled]], data[ends[filled] - 1]))
        if ((outer <= 0x20) | (outer >= 0x7F)).any():
            return True
    return False


def _text(values: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype=TEXT)


def _join(left: pd.Series, right: pd.Series, sep: str) -> pd.Series:
    """'left<sep>right', or whichever is not empty.

    One join whose separator is chosen per row ('' unless both sides have text): the texts
    are copied once, not joined twice and then picked from.
    """
    a, b = _arrow(left), _arrow(right)
    both = pc.and_(pc.not_equal(a, ""), pc.not_equal(b, ""))
    seps = pc.if_else(both, pa.scalar(sep, pa.large_string()), _EMPTY)
    return _text(pc.binary_join_element_wise(a, b, seps), left.index)


_EMPTY = pa.scalar("", pa.large_string())


def _wrap(series: pd.Series, before: str, after: str = "") -> pd.Series:
    """'<before>value<after>' where the value is not empty, else ''."""
    a = _arrow(series)
    wrapped = pc.binary_join_element_wise(pa.scalar(before, pa.large_string()), a,
                                          pa.scalar(after, pa.large_string()), _EMPTY)
    return _text(pc.if_else(pc.not_equal(a, ""), wrapped, _EMPTY), series.index)


def _codes(series: pd.Series) -> pd.Series:
    """Integer codes from text such as '2' or '2.0' (Excel's way); NaN where none."""
    return _to_numeric(series)


def _to_numeric(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")``, parsing each distinct text once: a column of
    codes or counts holds a handful of values over 100,000 rows."""
    which, distinct = pd.factorize(text, use_na_sentinel=False)
    values = pd.to_numeric(pd.Series(distinct, dtype=text.dtype), errors="coerce").to_numpy()
    return pd.Series(values[which], index=text.index)


def _taken_text(texts: list[str], which: np.ndarray, index: pd.Index) -> pd.Series:
    """A text column made of ``texts[which[i]]``: built in Arrow, one text per distinct value,
    so a million rows make no million Python strings."""
    return _text(pa.array(texts, pa.large_string()).take(pa.array(which)), index)


def _lookup(codes: pd.Series, table: dict[int, str]) -> pd.Series:
    return codes.map(table).fillna("").astype(str)  # 2.0 finds key 2; 2.5 finds nothing


def _precision(codes_text: pd.Series, table: dict[int, tuple[float, str]], column: str,
               rows: np.ndarray, notes: list[Problem]) -> tuple[pd.Series, pd.Series]:
    codes = _codes(codes_text)
    metres = codes.map({k: v[0] for k, v in table.items()}).astype(float)
    text = codes.map({k: v[1] for k, v in table.items()})
    unknown = metres.isna().to_numpy()
    given = (codes_text != "").to_numpy()
    for i in np.flatnonzero(unknown & given):
        notes.append(Problem(int(rows[i]), "unknown precision code", f"{column} "
                                           f"{quote(codes_text.iat[i], 20)} is not one of "
                                           f"{', '.join(map(str, table))}; precision left unknown"))
    text = text.where(~unknown, f"{column} not given; precision unknown")
    return metres, text.astype(str)


def numbers(text: pd.Series, column: str, rows: np.ndarray, notes: list[Problem], *,
            whole: bool = True) -> pd.Series:
    """Numbers >= 0 from text (float, NaN where missing); a bad value is noted, not fatal."""
    number = _to_numeric(text)
    bad = (text != "") & (number.isna() | (number < 0) | ~np.isfinite(number.fillna(0)))
    if whole:
        bad |= (number % 1 != 0) & number.notna()
    bad = bad.to_numpy()
    what = "a whole number" if whole else "a number"
    for i in np.flatnonzero(bad):
        notes.append(Problem(int(rows[i]), "bad number", f"{column} {quote(text.iat[i], 20)}"
                                           f"{BAD_NUMBER_SAYS} {what} >= 0; left unknown"))
    return number.where(~bad).astype(float)


def _mapped(text: pd.Series, table: dict[str, str]) -> pd.Series:
    """``text.map(table)`` (NaN where the table has no key), each distinct text looked up once:
    a column of types or countries holds a handful of values over 100,000 rows."""
    which, distinct = pd.factorize(text, use_na_sentinel=False)
    found = np.array([table.get(value, np.nan) for value in distinct], dtype=object)
    return pd.Series(found[which], index=text.index, dtype=object)


def _country(text: pd.Series) -> pd.Series:
    """ISO3 codes for the country names the atlas knows (any case), other texts as they are;
    each distinct text lowered and looked up once."""
    which, distinct = pd.factorize(text, use_na_sentinel=False)
    lowered = pd.Series(distinct, dtype=text.dtype).str.lower().tolist()
    if not all(isinstance(t, str) for t in lowered):  # a missing value: pandas' own way
        iso = _mapped(text.str.lower(), COUNTRY_ISO3)
        return iso.where(iso.notna(), text).astype(str)
    return _taken_text([COUNTRY_ISO3.get(low, original) for low, original in zip(lowered, distinct, strict=True)],
                       which, text.index)


def _kind_from_text(text: pd.Series) -> pd.Series:
    """Atlas kind of a free-text type: itself if an atlas kind, ACLED's names mapped, else other."""
    low = text.str.lower().str.strip().str.replace(" ", "-", regex=False)
    own = low.where(low.isin(IMPORT_KINDS))
    spaced = text.str.lower().str.strip()
    mapped = spaced.map(ACLED_SUB_EVENT_KIND).fillna(spaced.map(ACLED_EVENT_KIND))
    return own.fillna(mapped).fillna("other").astype(str)


# -- the three layouts ---------------------------------------------------------------------


def acled_fields(table: pd.DataFrame, rows: np.ndarray) -> Fields:
    c = lambda name: _col(table, name)  # noqa: E731 - a local shorthand
    notes: list[Problem] = []
    sub, etype, notes_text = c("sub_event_type"), c("event_type"), c("notes")
    sub_lower = sub.str.lower()
    kind = _mapped(sub_lower, ACLED_SUB_EVENT_KIND).fillna(_mapped(etype.str.lower(), ACLED_EVENT_KIND))
    kind = kind.fillna("other")
    # the notes are searched only on the rows whose sub-event type can be a shoot-down
    disrupted = (sub_lower == "disrupted weapons use").to_numpy()
    if disrupted.any():
        shot_down = np.zeros(len(kind), dtype=bool)
        shot_down[disrupted] = notes_text[disrupted].str.contains(_SHOT_DOWN, case=False,
                                                                  regex=True).to_numpy()
        kind = kind.where(~shot_down, "shoot-down")
    kind = kind.astype(str)
    precision_m, location_note = _precision(c("geo_precision"), ACLED_PRECISION, "geo_precision",
                                            rows, notes)
    killed = numbers(c("fatalities"), "fatalities", rows, notes)
    time_codes = _codes(c("time_precision"))
    return Fields(
        layout="acled",
        id=c("event_id_cnty"),
        date=c("event_date"),
        date_column="event_date",
        end=None,
        kind=kind,
        event_type=_join(etype, sub, ": "),
        actor=_join(c("actor1"), _wrap(c("assoc_actor_1"), "(with ", ")"), " "),
        target=_join(c("actor2"), _wrap(c("assoc_actor_2"), "(with ", ")"), " "),
        place=_join(c("location"), c("admin1"), ", "),
        country=_country(c("country")),
        precision_m=precision_m,
        location_note=location_note,
        date_precision=_lookup(time_codes, ACLED_TIME_PRECISION),
        time_precision=_lookup(time_codes, ACLED_TIME_SPAN),
        killed_low=killed,
        killed_high=killed,
        summary=notes_text,
        source=_join(c("source"), _wrap(c("source_scale"), "(", " sources)"), " "),
        lon_text=c("longitude"),
        lat_text=c("latitude"),
        notes=notes,
    )


def ucdp_fields(table: pd.DataFrame, rows: np.ndarray) -> Fields:
    c = lambda name: _col(table, name)  # noqa: E731 - a local shorthand
    notes: list[Problem] = []
    violence = _codes(c("type_of_violence"))
    kind = violence.map(UCDP_KIND).fillna("other").astype(str)
    precision_m, location_note = _precision(c("where_prec"), UCDP_PRECISION, "where_prec", rows, notes)
    location_note = _join(location_note, _wrap(c("where_description"), "UCDP describes the place as: "), "; ")
    low = numbers(c("low"), "low", rows, notes)
    high = numbers(c("high"), "high", rows, notes)
    swapped = (low > high).to_numpy()
    for i in np.flatnonzero(swapped):
        notes.append(Problem(int(rows[i]), "deaths low above high", f"low {low.iat[i]:.0f} > high "
                                           f"{high.iat[i]:.0f}; read the other way round"))
    low, high = low.where(~swapped, high), high.where(~swapped, low)
    where, adm1 = c("where_coordinates"), c("adm_1")
    place = _join(where, adm1.where(adm1 != where, ""), ", ")
    deaths = (
        _wrap(c("best"), "Deaths, best estimate: ")
        + _wrap(_join(c("low"), c("high"), "–"), " (low–high ", ")")
        + _wrap(c("deaths_a"), "; side A ") + _wrap(c("deaths_b"), ", side B ")
        + _wrap(c("deaths_civilians"), ", civilians ") + _wrap(c("deaths_unknown"), ", unknown ")
    )
    context = _join(_wrap(c("conflict_name"), "Conflict: "), _wrap(c("dyad_name"), "dyad: "), "; ")
    summary = _join(_join(deaths, context, ". "), c("source_headline"), ". ")
    article = c("source_article")
    return Fields(
        layout="ucdp",
        id=c("id"),
        date=c("date_start"),
        date_column="date_start",
        end=c("date_end"),
        kind=kind,
        event_type=_lookup(violence, UCDP_TYPE),
        actor=c("side_a"),
        target=c("side_b"),
        place=place,
        country=_country(c("country")),
        precision_m=precision_m,
        location_note=location_note,
        date_precision=_lookup(_codes(c("date_prec")), UCDP_DATE_PRECISION),
        killed_low=low,
        killed_high=high,
        summary=summary,
        source=article.where(article != "", c("source_headline")),
        lon_text=c("longitude"),
        lat_text=c("latitude"),
        notes=notes,
    )


def generic_fields(table: pd.DataFrame, rows: np.ndarray, label: str) -> Fields:
    """Any GeoJSON/GeoPackage of dated points, by the usual names of its properties."""
    columns = list(table.columns)
    date_column = next((n for n in DATE_NAMES if n in columns), None)
    if date_column is None:  # named by count, not by content
        count = len([n for n in columns if n != "__feature_id"])
        raise EventImportError(
            f"{quote(label)}: no date field: none of the features' {count:,} properties is named "
            f"{', '.join(DATE_NAMES[:-1])} or {DATE_NAMES[-1]}; name the event's date so "
            "(YYYY-MM-DD)")
    notes: list[Problem] = []

    def first(key: str, *, skip: str = "") -> tuple[pd.Series, str]:
        for name in GENERIC_NAMES[key]:
            if name in columns and name != skip:
                return _col(table, name), name
        return pd.Series("", index=table.index, dtype=str), ""

    kind_text, _ = first("kind")
    low_text, low_name = first("killed_low")
    high_text, high_name = first("killed_high")
    precision_text, precision_name = first("precision_m")
    precision_m = numbers(precision_text, precision_name, rows, notes, whole=False) if precision_name else \
        pd.Series(np.nan, index=table.index, dtype=float)
    low = numbers(low_text, low_name, rows, notes)
    high = low if high_name == low_name else numbers(high_text, high_name, rows, notes)
    note_text, _ = first("location_note")
    return Fields(
        layout="generic",
        id=first("id")[0],
        date=_col(table, date_column),
        date_column=date_column,
        end=first("end", skip=date_column)[0],
        kind=_kind_from_text(kind_text),
        event_type=kind_text,
        actor=first("actor")[0],
        target=first("target")[0],
        place=first("place")[0],
        country=_country(first("country")[0]),
        precision_m=precision_m,
        location_note=note_text.where(note_text != "", "" if precision_name else "precision not given"),
        date_precision=pd.Series("", index=table.index, dtype=str),
        killed_low=low,
        killed_high=high,
        summary=first("summary")[0],
        source=first("source")[0],
        notes=notes,
    )


LAYOUTS: dict[str, Callable[[pd.DataFrame, np.ndarray], Fields]] = {
    "acled": acled_fields,
    "ucdp": ucdp_fields,
}
