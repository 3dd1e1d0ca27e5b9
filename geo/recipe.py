"""Figure recipes: a small TOML file that says how to redraw a figure, key by key.

A recipe holds a view (``window`` or ``start``/``end``, ``layers``, ``extent``, and the
filters ``kind``, ``actor``, ``side``, ``min_killed``, ``precision``, ``search``), an optional
file of events to import and draw (``events``), a figure (``preset``, ``width_mm``,
``height_mm``, ``format``, ``dpi``, ``title``, ``greyscale``, ``label_lang``) and where to
write it (``out``). ``format = "html"`` (or an ``out`` ending in .html) makes one
self-contained interactive HTML file of the view instead of a figure (``geo.web.page``). ``events`` and ``out`` are relative to the recipe's own folder.
``border-atlas export recipe.toml`` draws it; ``dumps_recipe`` writes one back, so a figure
and the file that made it can travel together.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo._bounded import NotARegularFile, read_at_most
from geo.errors import RecipeError
from geo.figure import DEFAULT_SIZE_PRESET, FigureSpec
from geo.figure.animate import ANIMATION_FORMATS, AnimationSpec, planned_frames
from geo.figure.output import FORMATS, ExportError, format_for, normalise_format, write_atomic
from geo.limits import MAX_RECIPE_BYTES
from geo.safe_text import quote
from geo.view import (
    ACTOR_GROUPS,
    FILTER_KINDS,
    PRECISIONS,
    PRESETS,
    SIDES,
    View,
    check_extent,
    filters_from_mapping,
    parse_date_param,
    parse_layers_param,
)

# Every key a recipe may hold, with the kind of value it takes (for messages).
KEYS: dict[str, str] = {
    "window": f"the name of a date window ({', '.join(PRESETS)})",
    "start": "a date (YYYY-MM-DD)",
    "end": "a date (YYYY-MM-DD)",
    "layers": "a list of layer names",
    "extent": "four numbers: lon_min, lat_min, lon_max, lat_max",
    "kind": f"a list of kinds of event ({', '.join(FILTER_KINDS)})",
    "actor": f"a list of actor groups ({', '.join(ACTOR_GROUPS)})",
    "side": f"a list of sides of the border ({', '.join(SIDES)})",
    "min_killed": "a whole number of people killed",
    "precision": f"the coarsest time precision kept ({', '.join(PRECISIONS)})",
    "search": "words every event shown contains (place, actor, target or summary)",
    "events": "a file path (an ACLED or UCDP GED CSV, GeoJSON or GeoPackage)",
    "preset": "a size preset name",
    "width_mm": "a number of millimetres",
    "height_mm": "a number of millimetres",
    "format": "png, pdf, svg, tiff, gif or mp4 for an animation, or html for an interactive file",
    "dpi": "a whole number",
    "title": "text",
    "greyscale": "true or false",
    "label_lang": "en, fa or ur",
    "legend_all": "true or false",
    "frame_step": "day, week or month (animations)",
    "frame_mode": "sliding or growing (animations)",
    "fps": "a number of frames a second (animations)",
    "width_px": "a whole number of pixels (animation frame width)",
    "out": "a file path",
}
ANIMATION_KEYS = ("frame_step", "frame_mode", "fps", "width_px")


HTML = "html"  # an interactive file of the view (geo.web.page), not a figure
HTML_SUFFIXES = (".html", ".htm")



@dataclass(frozen=True)
class Recipe:
    """A figure to make: what to show, how to draw it, and where to write it."""

    view: View
    figure: FigureSpec
    out: Path | None = None
    window: str | None = None  # the named date window the dates came from, if any
    events: Path | None = None  # a file of events to import and draw (geo.imports)
    animation: AnimationSpec | None = None  # set when the format is gif or mp4
    html: bool = False  # an interactive HTML file of the view instead of a figure

    @property
    def format(self) -> str:
        """What is written: html, an animation's format, or the figure's format."""
        if self.html:
            return HTML
        return self.animation.fmt if self.animation is not None else self.figure.fmt


def load_recipe(path: str | Path) -> Recipe:
    """Read and check the recipe at ``path``; ``out`` is taken relative to its folder."""
    path = Path(path)
    return recipe_from_mapping(read_recipe_table(path), source=f"recipe {path}")


def read_recipe_table(path: str | Path, *, replaced: Collection[str] = ()) -> dict[str, Any]:
    """The recipe's table as written, with ``out`` and ``events`` resolved inside its folder.

    A recipe is something people share, so its paths may not leave its folder: an absolute
    path, or one that climbs out (``..``, a symbolic link), is a ``RecipeError``. Keys in
    ``replaced`` (given on the command line instead) are left unchecked.
    """
    path = Path(path)
    label = f"recipe {path}"
    if "\x00" in str(path):
        raise RecipeError("a path cannot hold a NUL byte", source=label)
    try:  # a regular file, read to at most its limit: never /dev/zero or a pipe
        data = read_at_most(path, MAX_RECIPE_BYTES)
    except FileNotFoundError:
        raise RecipeError("file not found", source=label) from None
    except IsADirectoryError:
        raise RecipeError("is a folder, not a file", source=label) from None
    except NotARegularFile:
        raise RecipeError("not a regular file (a device, pipe or socket)", source=label) from None
    except OSError as exc:
        raise RecipeError(f"cannot read it ({exc.strerror})", source=label) from None
    if len(data) > MAX_RECIPE_BYTES:
        raise RecipeError(f"larger than the limit of {MAX_RECIPE_BYTES:,} bytes for a recipe "
                          "(MAX_RECIPE_BYTES); a recipe is a few lines", source=label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RecipeError("not UTF-8 text", source=label) from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"not valid TOML: {exc}", source=label) from None
    except RecursionError:
        raise RecipeError("nested too deeply to be a recipe (a recipe's values are plain)",
                          source=label) from None
    for key in ("out", "events"):
        value = table.get(key)
        if key not in replaced and isinstance(value, str) and value:
            table[key] = str(_inside_folder(path, key, value))
    return table


def _inside_folder(recipe: Path, key: str, value: str) -> Path:
    """``value`` (a path in the recipe) joined to the recipe's folder, refused if it leads out."""
    folder = recipe.parent
    if "\x00" in value:
        raise RecipeError("a path cannot hold a NUL byte", field=key, value=value,
                          source=f"recipe {recipe}")
    target = folder / value
    if Path(value).is_absolute() or not target.resolve().is_relative_to(folder.resolve()):
        option = f"--{key.replace('_', '-')}"
        raise RecipeError(f"{quote(value)} is outside the recipe's folder; a recipe's paths must "
                          f"stay inside it (give {option} on the command line to use another place)",
                          field=key, value=value, source=f"recipe {recipe}")
    return target


def recipe_from_mapping(data: Mapping[str, Any], *, source: str = "recipe") -> Recipe:
    """A checked ``Recipe`` from recipe keys (as read from TOML, or given on a command line).

    Raises
    ------
    RecipeError
        An unknown key, or a value of the wrong kind.
    ViewError, ExportError
        A value of the right kind that cannot be used (the message names the key).
    """
    _check_keys(data, source)
    window, start, end = _dates(data, source)
    view = View(**_view_args(data, source, start, end))
    out_text = _text(data, "out", source)
    out = Path(out_text) if out_text else None
    fmt, animation, html = _output_kind(data, source, out)
    figure = _figure_spec(data, source, fmt)
    events = _text(data, "events", source)
    for key, value in (("events", events), ("out", out_text)):
        if value is not None and not value.strip():
            raise RecipeError(f"empty; give {KEYS[key]}", field=key, value=value,
                              source=source or None)
        if value is not None and "\x00" in value:
            raise RecipeError("a path cannot hold a NUL byte", field=key, value=value,
                              source=source or None)
    if animation is not None:
        planned_frames(view, animation)  # frames x pixels within the budget, before any work
    return Recipe(view=view, figure=figure, out=out, window=window,
                  events=Path(events) if events else None, animation=animation, html=html)


def _check_keys(data: Mapping[str, Any], source: str) -> None:
    """RecipeError for the first (in alphabetical order) key that is not a recipe key."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise RecipeError(f"unknown key {unknown[0]!r}; known keys: {', '.join(KEYS)}",
                          value=unknown[0], source=source or None)


def _dates(data: Mapping[str, Any], source: str) -> tuple[str | None, dt.date, dt.date]:
    """(the named window, if any; the first day; the last day): from window, or from
    start and end (each defaulting to the atlas's default view's)."""
    window = _text(data, "window", source)
    if window is None:
        default = View()
        start = parse_date_param("start", _date_like(data, "start", source)) if "start" in data else default.start
        end = parse_date_param("end", _date_like(data, "end", source)) if "end" in data else default.end
        return None, start, end
    if "start" in data or "end" in data:
        raise RecipeError("give either window or start/end, not both", source=source or None)
    if window not in PRESETS:
        raise RecipeError(f"{window!r} is unknown; choose one of {', '.join(PRESETS)}",
                          field="window", value=window, source=source or None)
    start, end = PRESETS[window]
    return window, start, end


def _view_args(data: Mapping[str, Any], source: str, start: dt.date,
               end: dt.date) -> dict[str, Any]:
    """The keyword arguments of the recipe's ``View``: its dates, layers and extent."""
    view_args: dict[str, Any] = {"start": start, "end": end}
    if "layers" in data:
        view_args["layers"] = _layers(data["layers"], source)
    if "extent" in data:
        extent = data["extent"]
        if isinstance(extent, str):
            extent = [v.strip() for v in extent.split(",")]
        view_args["extent"] = check_extent(extent)
    view_args["filters"] = filters_from_mapping(data, strict=True)[0]
    return view_args


def _layers(layers: Any, source: str) -> tuple[str, ...]:
    """The layer names of a recipe's ``layers`` (a comma-separated text or a list of names)."""
    if not isinstance(layers, str | list) or (
            isinstance(layers, list) and not all(isinstance(n, str) for n in layers)):
        raise _wrong(source, "layers", layers)
    names = parse_layers_param(layers)
    if not names:
        raise RecipeError("empty; give at least one layer", field="layers", value=layers,
                          source=source or None)
    return names


def _output_kind(data: Mapping[str, Any], source: str,
                 out: Path | None) -> tuple[str | None, AnimationSpec | None, bool]:
    """(the figure's format, the animation if one, whether an HTML file): what is written."""
    fmt = _text(data, "format", source)
    html = _is_html(fmt, out)
    anim_fmt = None if html else _animation_format(fmt, out)
    if html:
        if out is not None and out.suffix.lower() not in HTML_SUFFIXES:
            raise ExportError(f"{str(out)!r} has a {out.suffix or 'missing'} suffix but the "
                              "format is html (use .html)", field="out", value=out)
        return None, None, True  # the figure keys are kept (and written back) but draw nothing
    if anim_fmt is not None:
        animation = AnimationSpec(
            fmt=anim_fmt, step=_text(data, "frame_step", source) or "day",
            mode=_text(data, "frame_mode", source) or "sliding",
            fps=_number(data, "fps", source) or 2.0,
            width_px=_whole(data, "width_px", source, default=1280))
        return "png", animation, False  # frames are drawn as the PNG figure would be
    return _figure_format(data, source, fmt, out), None, False


def _figure_format(data: Mapping[str, Any], source: str, fmt: str | None,
                   out: Path | None) -> str | None:
    """A still figure's format: ``fmt`` checked, or the suffix of ``out`` (which must agree)."""
    given = [k for k in ANIMATION_KEYS if data.get(k) is not None]
    if given:
        raise RecipeError("only for an animation (format gif or mp4)", field=given[0],
                          value=data[given[0]], source=source or None)
    if fmt is not None:
        try:
            normalise_format(fmt)
        except ExportError:
            raise ExportError(f"{fmt!r} is not supported; choose one of "
                              f"{', '.join((*FORMATS, *ANIMATION_FORMATS))} or {HTML}", field="format", value=fmt) from None
    if out is not None:
        fmt = format_for(out, fmt)
    return fmt


def _figure_spec(data: Mapping[str, Any], source: str, fmt: str | None) -> FigureSpec:
    """The recipe's figure: size, format (png when none), resolution and presentation."""
    return FigureSpec(
        preset=_text(data, "preset", source) or DEFAULT_SIZE_PRESET,
        width_mm=_number(data, "width_mm", source),
        height_mm=_number(data, "height_mm", source),
        fmt=fmt or "png",
        dpi=_whole(data, "dpi", source, default=300),
        title=_text(data, "title", source),
        greyscale=_flag(data, "greyscale", source),
        label_lang=_text(data, "label_lang", source) or "en",
        legend_all=_flag(data, "legend_all", source),
    )


def _animation_format(fmt: str | None, out: Path | None) -> str | None:
    """gif or mp4 when the format (or, without one, the suffix of out) is an animation's."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    name = (fmt or suffix).strip().lower().lstrip(".")
    if name not in ANIMATION_FORMATS:
        if suffix in ANIMATION_FORMATS and fmt:
            raise RecipeError(f"{str(out)!r} has a .{suffix} suffix but the format is {fmt}", field="out", value=out)
        return None
    if out is not None and suffix != name:
        raise RecipeError(f"{str(out)!r} does not end in .{name}", field="out", value=out)
    return name


def _is_html(fmt: str | None, out: Path | None) -> bool:
    """Whether the recipe asks for an HTML file: by its format, or by the suffix of out."""
    if fmt is not None:
        return fmt.strip().lower().lstrip(".") in (HTML, "htm")
    return out is not None and out.suffix.lower() in HTML_SUFFIXES


def dumps_recipe(recipe: Recipe, *, relative_to: str | Path | None = None) -> str:
    """The recipe as TOML text; paths are written relative to ``relative_to`` when they can be."""
    lines = ["# Border Atlas figure recipe: `border-atlas export <this file>` redraws the figure."]
    view, fig = recipe.view, recipe.figure
    if recipe.window is not None and PRESETS.get(recipe.window) == (view.start, view.end):
        lines.append(f"window = {_toml(recipe.window)}")
    else:
        lines += [f"start = {view.start.isoformat()}", f"end = {view.end.isoformat()}"]
    lines.append(f"layers = {_toml(list(view.layers))}")
    if view.extent is not None:
        lines.append(f"extent = {_toml(list(view.extent))}")
    lines += _filter_lines(view)
    if recipe.events is not None:
        lines.append(f"events = {_toml(_path_text(recipe.events, relative_to))}")
    lines.append(f"preset = {_toml(fig.preset)}")
    for key in ("width_mm", "height_mm"):
        if getattr(fig, key) is not None:
            lines.append(f"{key} = {_toml(getattr(fig, key))}")
    anim = recipe.animation
    lines += [f"format = {_toml(recipe.format)}", f"dpi = {fig.dpi}"]
    if anim is not None:
        lines += [f"frame_step = {_toml(anim.step)}", f"frame_mode = {_toml(anim.mode)}",
                  f"fps = {_toml(float(anim.fps))}", f"width_px = {anim.width_px}"]
    if fig.title is not None:
        lines.append(f"title = {_toml(fig.title)}")
    lines += [f"greyscale = {_toml(fig.greyscale)}", f"label_lang = {_toml(fig.label_lang)}"]
    if fig.legend_all:
        lines.append("legend_all = true")
    if recipe.out is not None:
        lines.append(f"out = {_toml(_path_text(recipe.out, relative_to))}")
    return "\n".join(lines) + "\n"


def _filter_lines(view: View) -> list[str]:
    """The view's filters as recipe lines (none when nothing is filtered)."""
    f = view.filters
    values: list[tuple[str, Any]] = [("kind", list(f.kinds)), ("actor", list(f.actors)),
                                     ("side", list(f.sides)), ("min_killed", f.min_killed),
                                     ("precision", f.precision), ("search", f.search)]
    return [f"{key} = {_toml(value)}" for key, value in values if value]


def _path_text(path: Path, relative_to: str | Path | None) -> str:
    """``path`` relative to ``relative_to`` if inside it, else absolute; as is without one."""
    if relative_to is not None:
        try:
            path = path.resolve().relative_to(Path(relative_to).resolve())
        except ValueError:
            path = path.resolve()
    return path.as_posix()


def write_recipe(recipe: Recipe, path: str | Path) -> Path:
    """Write the recipe to ``path`` (whole or not at all), with paths relative to its folder.

    Errors name ``write_recipe`` (the CLI's ``--write-recipe``), not the figure's ``out``.
    """
    path = Path(path)
    return write_atomic(dumps_recipe(recipe, relative_to=path.parent).encode("utf-8"), path,
                        key="write_recipe")


# -- values ----------------------------------------------------------------------------------

def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, once DEL (left raw by JSON) is escaped too.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} in a recipe")


def _wrong(source: str, key: str, value: Any) -> RecipeError:
    return RecipeError(f"must be {KEYS[key]}, not {value!r}", field=key, value=value,
                       source=source or None)


def _text(data: Mapping[str, Any], key: str, source: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong(source, key, value)
    return value


def _date_like(data: Mapping[str, Any], key: str, source: str) -> Any:
    value = data[key]
    if isinstance(value, dt.datetime | dt.date | str):
        return value
    raise _wrong(source, key, value)


def _number(data: Mapping[str, Any], key: str, source: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise _wrong(source, key, value) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(source, key, value)
    return float(value)


def _whole(data: Mapping[str, Any], key: str, source: str, *, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(source, key, value)
    return value


def _flag(data: Mapping[str, Any], key: str, source: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _wrong(source, key, value)
    return value
