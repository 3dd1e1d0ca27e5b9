"""The ``border-atlas`` command: ``border-atlas export`` draws publication maps.

Every option is also a recipe key (``--width-mm`` is ``width_mm``), so a command line and a
recipe file go through the same checks; options given on the command line win over the
recipe's. A bad value ends the command with one line on stderr and exit status 2, and
leaves no file behind. ``--events FILE`` imports a user's events (``geo.imports``), says
on stderr what the import kept, and draws them under the atlas's own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import stat
import sys
import threading
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from geo.errors import BorderAtlasError
    from geo.imports import ImportResult
    from geo.recipe import Recipe
    from geo.web.page import HtmlPage

PROG = "border-atlas"
EXIT_OK, EXIT_ERROR = 0, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: ``border-atlas: error: ...``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{PROG}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``border-atlas`` (its ``--help`` is the command's manual)."""
    from geo.figure import FORMATS, SIZE_PRESETS
    from geo.imports import DEFAULT_MAX_BYTES
    from geo.imports.problems import fmt_size
    from geo.limits import IMPORTED_LIMIT
    from geo.view import ACTOR_GROUPS, FILTER_KINDS, PRECISIONS, PRESETS, layer_names

    parser = _Parser(prog=PROG, description="Border Atlas: the Iran–Pakistan border region "
                     "around the January 2024 crisis.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export", help="draw a publication map (PNG, PDF, SVG or TIFF) or an interactive HTML file",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Draw a print-ready map of a date window: legend, scale bar, north arrow, "
        "locator inset, labels and sources included. --format html (or --out NAME.html) writes\n"
        "instead one self-contained interactive HTML file of the view: map, layers, window,\n"
        "timeline and play control, popups with sources; it works offline and makes no request.",
        epilog=(
            "examples:\n"
            f"  {PROG} export --start 2024-01-16 --end 2024-01-18 --layers border,provinces,events \\\n"
            "      --preset double-column --format pdf --out fig1.pdf\n"
            f"  {PROG} export figure1.toml            # redraw from a recipe\n"
            f"  {PROG} export --window crisis-week --greyscale --out fig1.tif --write-recipe fig1.toml\n"
            f"  {PROG} export --start 2024-01-01 --end 2024-01-31 --events acled.csv --out fig2.png\n"
            f"  {PROG} export --window crisis-week --format html --out crisis-week.html\n\n"
            "A recipe is a TOML file whose keys are the options' long names with '_' for '-'\n"
            "(window, start, end, layers, extent, kind, actor, side, min_killed, precision, search,\n"
            "events, preset, width_mm, height_mm, format, dpi,\n"
            "title, greyscale, label_lang, legend_all, frame_step, frame_mode, fps, width_px, out); 'events'\n"
            "and 'out' are relative to the recipe's folder.\n\n"
            "exit status: 0 when the file was written; 2 on any error (one line on stderr),\n"
            "in which case no file is written or changed. With --events, a line on stderr also\n"
            "tells how many rows of the file were imported and why any were skipped."
        ),
    )
    export.add_argument("recipe", nargs="?", type=Path, metavar="RECIPE",
                        help="a figure recipe (TOML) to draw; options below override its keys")
    when = export.add_argument_group("what to show")
    when.add_argument("--window", metavar="NAME",
                      help=f"a named date window: {', '.join(PRESETS)} (default: crisis-week, "
                      "15-22 Jan 2024)")
    when.add_argument("--start", metavar="YYYY-MM-DD", help="first day shown (overrides --window)")
    when.add_argument("--end", metavar="YYYY-MM-DD", help="last day shown, included")
    when.add_argument("--layers", metavar="LIST",
                      help=f"comma-separated layers to draw (default: all): {','.join(layer_names())}")
    when.add_argument("--extent", metavar="LON_MIN,LAT_MIN,LON_MAX,LAT_MAX",
                      help="map area in degrees (default: the two provinces plus a margin; "
                      "events outside it are not drawn)")
    which = export.add_argument_group(
        "which events (the atlas's and imported ones; other layers are not filtered)")
    which.add_argument("--kind", metavar="LIST", help=f"kinds of event to show: {','.join(FILTER_KINDS)}")
    which.add_argument("--actor", metavar="LIST",
                       help=f"actor groups to show: {','.join(ACTOR_GROUPS)} (armed groups are 'militant')")
    which.add_argument("--side", metavar="LIST", help="side of the border: IRN, PAK or both")
    which.add_argument("--min-killed", metavar="N",
                       help="only events whose highest reported death toll is at least N")
    which.add_argument("--precision", metavar="P",
                       help=f"coarsest time precision shown: {', '.join(PRECISIONS)} (week: events "
                       "known to the day or the week)")
    which.add_argument("--search", metavar="TEXT",
                       help="only events whose place, actor, target or summary contains every word "
                       "of TEXT (case and accents ignored)")
    when.add_argument("--events", metavar="FILE",
                      help="also draw the events of FILE, an ACLED or UCDP GED CSV export, "
                      f"GeoJSON or GeoPackage (up to {fmt_size(DEFAULT_MAX_BYTES)} ({DEFAULT_MAX_BYTES:,} "
                      "bytes)): those in the "
                      "date window and on the map, under the atlas's own, without labels, "
                      "credited as not checked by the atlas")
    size = export.add_argument_group("size and format")
    size.add_argument("--preset", metavar="NAME",
                      help="figure size: " + ", ".join(
                          f"{k} ({w:g} mm wide{f' x {h:g} mm' if h else ''})"
                          for k, (w, h) in SIZE_PRESETS.items()) + " (default: double-column)")
    size.add_argument("--width-mm", metavar="MM", help="figure width in mm (overrides the preset)")
    size.add_argument("--height-mm", metavar="MM",
                      help="figure height in mm (default: as tall as the map and legend need)")
    size.add_argument("--format", metavar="FMT",
                      help=f"{', '.join(FORMATS)}; gif or mp4 for an animation of the window "
                      "stepping through time (mp4 needs ffmpeg: apt-get install ffmpeg); or html: "
                      f"one self-contained interactive file (at most {IMPORTED_LIMIT:,} imported "
                      "events) (default: from the suffix of --out)")
    size.add_argument("--dpi", metavar="N", help="resolution of PNG and TIFF, stored in the file "
                      "(default: 300; journals ask for 300-600)")
    anim = export.add_argument_group("animation (gif, mp4)")
    anim.add_argument("--frame-step", metavar="STEP",
                      help="what each frame adds: day, week or month (default: day)")
    anim.add_argument("--frame-mode", metavar="MODE",
                      help="sliding (each frame shows one step) or growing (each frame shows "
                      "everything from the first day) (default: sliding)")
    anim.add_argument("--fps", metavar="N", help="frames a second (default: 2)")
    anim.add_argument("--width-px", metavar="PX", help="frame width in pixels (default: 1280)")
    look = export.add_argument_group("presentation")
    look.add_argument("--title", metavar="TEXT", help="title printed above the map (default: none)")
    look.add_argument("--greyscale", action=argparse.BooleanOptionalAction, default=None,
                      help="draw in greys only; categories stay apart by marker shape and dash")
    look.add_argument("--legend-all", action=argparse.BooleanOptionalAction, default=None,
                      help="list every kind, actor and category of the shown layers in the legend "
                      "(default: only those drawn on the map)")
    look.add_argument("--label-lang", metavar="LANG",
                      help="language of town and province labels: en, fa (Persian), ur (Urdu); "
                      "names missing in that language stay in English (default: en)")
    files = export.add_argument_group("output")
    files.add_argument("--out", "-o", metavar="PATH", type=Path,
                       help="file to write; replaced only once the new figure is complete")
    files.add_argument("--write-recipe", metavar="PATH", type=Path,
                       help="also write a recipe that redraws this figure")
    _add_site_command(commands)
    return parser


SITE_KEYS = {"out": "a folder path", "base_url": "an http(s) address ending in a folder",
             "jobs": "a whole number of processes"}


def _add_site_command(commands: Any) -> None:
    site = commands.add_parser(
        "site", help="write the atlas as a static site (a folder any web server can serve)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write the atlas as a static site: the explorer (index.html, embed.html), a\n"
        "page per event with its map and share-preview tags, index pages by year and kind, an\n"
        "about page, the record as CSV, GeoJSON and GeoParquet, and sitemap.xml. Put the folder\n"
        "on any static host; nothing in it makes a request off the host.",
        epilog=(
            "examples:\n"
            f"  {PROG} site --out public --base-url https://example.org/atlas/\n"
            f"  {PROG} site site.toml          # keys: out, base_url, jobs\n\n"
            "exit status: 0 when the site was written; 2 on any error (one line on stderr), in\n"
            "which case the folder is left as it was."
        ),
    )
    site.add_argument("recipe", nargs="?", type=Path, metavar="RECIPE",
                      help="a site recipe (TOML: out, base_url, jobs); options override its keys")
    site.add_argument("--out", "-o", metavar="DIR", type=Path,
                      help="the folder to write (new, empty, or written by an earlier build)")
    site.add_argument("--base-url", metavar="URL",
                      help="the address the site is served from; share previews and sitemap.xml "
                      "need it (e.g. https://example.org/atlas/)")
    site.add_argument("--jobs", metavar="N", help="processes drawing the event maps (default: cores)")


# Command-line options that set the recipe key of the same name.
_RECIPE_OPTIONS = (
    "window",
    "start",
    "end",
    "layers",
    "extent",
    "kind",
    "actor",
    "side",
    "min_killed",
    "precision",
    "search",
    "events",
    "preset",
    "width_mm",
    "height_mm",
    "format",
    "dpi",
    "title",
    "greyscale",
    "label_lang",
    "legend_all",
    "frame_step",
    "frame_mode",
    "fps",
    "width_px",
)


# Options that only the command line has (no recipe key): their errors always name the option.
_COMMAND_LINE_ONLY = ("write_recipe",)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``border-atlas`` with ``argv`` (the process's arguments by default); the exit status."""
    _quiet_library_logs()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in ("export", "site"):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    with _terminated_as_exit():
        try:
            return _export(args) if args.command == "export" else _site(args)
        except KeyboardInterrupt:
            return 130


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM ends the command as Ctrl-C does, unwinding: temporary files and folders (the
    MP4's, the output's ``.part``) are removed and ffmpeg is stopped, none left behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, frame: Any) -> NoReturn:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quiet_library_logs() -> None:
    """A command's errors are its one line on stderr: the library's logged tracebacks (meant
    for a server's log) are not printed (Python prints unhandled log records to stderr)."""
    import logging

    logger = logging.getLogger("geo")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def _export(args: argparse.Namespace) -> int:
    from geo.errors import BorderAtlasError
    from geo.recipe import write_recipe

    given: dict[str, Any] = {}
    for option in ("recipe", "out", "write_recipe", "events"):
        if "\x00" in str(getattr(args, option) or ""):
            name = "RECIPE" if option == "recipe" else f"--{option.replace('_', '-')}"
            return _fail(f"{name}: a path cannot hold a NUL byte")
    try:
        given = {key: getattr(args, key) for key in _RECIPE_OPTIONS
                 if getattr(args, key) is not None}
        recipe = _recipe(args, given)
        out = _check_outputs(recipe, args.write_recipe)
        imported = _import_events(recipe.events) if recipe.events is not None else None
        written, page, dropped = _draw(recipe, out, imported)
        if args.write_recipe is not None:
            write_recipe(recipe, args.write_recipe)
    except BorderAtlasError as exc:
        if args.out is not None:
            given["out"] = args.out
        return _fail(_locate(exc, args.recipe, set(given)))
    except OSError as exc:
        return _fail(f"{exc.filename or 'file'}: {exc.strerror or exc}")
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:  # the last guard:
        # bad input never ends in a traceback; what it was is in the one line.
        return _fail(f"could not do it ({type(exc).__name__}: {str(exc)[:200]})")
    _report(recipe, written, page, dropped)
    return EXIT_OK


def _site_options(args: argparse.Namespace) -> dict[str, Any]:
    """The site's options: the recipe's keys (if given) overridden by the command line's."""
    from geo.errors import RecipeError
    from geo.recipe import read_recipe_table

    given = {key: getattr(args, key) for key in SITE_KEYS if getattr(args, key) is not None}
    table = read_recipe_table(args.recipe, replaced=set(given)) if args.recipe is not None else {}
    for key in table:
        if key not in SITE_KEYS:
            raise RecipeError(f"unknown key {key!r}; a site recipe has {', '.join(SITE_KEYS)}",
                              field=key, source=f"recipe {args.recipe}")
    options = {**table, **given}
    if options.get("out") in (None, ""):
        raise RecipeError("no folder to write: give --out DIR", field="out")
    jobs = options.get("jobs")
    if jobs is not None:
        try:
            jobs = int(str(jobs))
        except ValueError:
            jobs = 0
        if not 1 <= jobs <= 64:
            raise RecipeError(f"jobs must be a whole number from 1 to 64, not {options['jobs']!r}",
                              field="jobs", value=options["jobs"])
    base_url = options.get("base_url")
    if base_url is not None and not isinstance(base_url, str):
        raise RecipeError("base_url must be text", field="base_url", value=base_url)
    return {"out": Path(str(options["out"])), "base_url": base_url, "jobs": jobs}


def _site(args: argparse.Namespace) -> int:
    from geo.errors import BorderAtlasError
    from geo.web.site import build_site

    bar = _ProgressBar(sys.stderr, what="event maps") if sys.stderr.isatty() else None
    try:
        options = _site_options(args)
        report = build_site(options["out"], base_url=options["base_url"], jobs=options["jobs"],
                            progress=bar)
    except BorderAtlasError as exc:
        given = {k for k in SITE_KEYS if getattr(args, k) is not None}
        return _fail(_locate(exc, args.recipe, given, keys=SITE_KEYS))
    except OSError as exc:
        return _fail(f"{exc.filename or 'file'}: {exc.strerror or exc}")
    from geo.web.site import embed_snippet

    for line in report.lines():
        print(f"{PROG}: {line}", file=sys.stderr)
    print(f"{PROG}: to embed the explorer in an article:\n{embed_snippet(options['base_url'])}",
          file=sys.stderr)
    return EXIT_OK


def _recipe(args: argparse.Namespace, given: dict[str, Any]) -> Recipe:
    """The recipe file's keys (if one was given) overridden by the options ``given``, checked."""
    from geo.recipe import read_recipe_table, recipe_from_mapping

    replaced = set(given) | ({"out"} if args.out is not None else set())
    table: dict[str, Any] = (read_recipe_table(args.recipe, replaced=replaced)
                             if args.recipe else {})
    # A window on the command line replaces the recipe's dates, and dates its window.
    if "window" in given:
        table.pop("start", None)
        table.pop("end", None)
    if "start" in given or "end" in given:
        table.pop("window", None)
    table.update(given)
    if args.out is not None:
        table["out"] = str(args.out)
    return recipe_from_mapping(table, source=f"recipe {args.recipe}" if args.recipe else "")


def _check_outputs(recipe: Recipe, write_recipe: Path | None) -> Path:
    """The file to write, once it and the recipe to write (if any) are known to be writable."""
    from geo.errors import BorderAtlasError
    from geo.figure.output import check_writable

    if recipe.out is None:
        raise BorderAtlasError("no output file: give --out PATH (or out in the recipe)")
    if write_recipe is not None:
        check_writable(write_recipe, key="write_recipe")
    if recipe.html:
        check_writable(recipe.out)  # fail before the work, not after it
    return recipe.out


def _draw(recipe: Recipe, out: Path,
          imported: ImportResult | None) -> tuple[Path, HtmlPage | None, list[str]]:
    """Write the HTML page, animation or figure: (the file written, the page if HTML, the
    labels left out for want of room).

    The drawing runs in a job (``geo.jobs``): a child process under the same CPU and memory
    caps as the app's exports, whose error names the cap it passed. This process checks the
    output before and writes it after (whole or not at all), so a stopped or killed drawing
    leaves no file behind.
    """
    from geo.figure.output import check_writable, format_for, write_atomic
    from geo.jobs import draw_animation, draw_figure, draw_html, run_job

    events = imported.events if imported else None
    label = imported.filename if imported else None
    what = f"the {recipe.format} for {out.name}"
    if recipe.html:
        check_writable(out)
        page = run_job(draw_html, (recipe.view, events, label, None, recipe.figure.title),
                       label=what)
        if page.note:
            print(f"{PROG}: {page.note}", file=sys.stderr)
        return write_atomic(page.data, out), page, []
    if recipe.animation is not None:
        from geo.errors import ExportError

        anim = recipe.animation
        if out.suffix.lower().lstrip(".") != anim.fmt:
            raise ExportError(f"{str(out)!r} does not end in .{anim.fmt}", field="out", value=out)
        check_writable(out)
        data = run_job(draw_animation, (recipe.view, recipe.figure, anim, events, label),
                       label=what, on_progress=_ProgressBar(sys.stderr))
        return write_atomic(data, out), None, []
    format_for(out, recipe.figure.fmt)
    check_writable(out)
    data, dropped = run_job(draw_figure, (recipe.view, recipe.figure, events, label), label=what)
    return write_atomic(data, out), None, list(dropped)


def _report(recipe: Recipe, written: Path, page: HtmlPage | None, dropped: list[str]) -> None:
    """Say on stderr which labels were left out, and on stdout what was written."""
    if dropped:
        print(f"{PROG}: no room for these labels, left out: {', '.join(dropped)} (a wider "
              "preset or a smaller extent has room for more)", file=sys.stderr)
    if page is not None:
        print(f"wrote {written} (html, {len(page.data) / 1e6:.2f} MB, self-contained)")
        return
    if recipe.animation is not None:
        anim = recipe.animation
        print(f"wrote {written} ({anim.fmt}, {anim.width_px} px wide, a {anim.step} a frame)")
        return
    width, fmt = recipe.figure.width, recipe.figure.fmt
    print(f"wrote {written} ({fmt}, {width:g} mm wide)")


class _ProgressBar:
    """'frames [##########----------] 4/8' on stderr, redrawn in place as frames are drawn."""

    def __init__(self, stream: Any, width: int = 24, what: str = "frames") -> None:
        self.stream, self.width, self.what = stream, width, what

    def __call__(self, done: int, total: int) -> None:
        filled = round(self.width * done / total)
        self.stream.write(f"\r{PROG}: {self.what} [{'#' * filled}{'-' * (self.width - filled)}] "
                          f"{done}/{total}" + ("\n" if done == total else ""))
        self.stream.flush()


def _import_events(path: Path) -> ImportResult:
    """Import the events file, saying on stderr what was kept; BorderAtlasError if it cannot be."""
    from geo.errors import BorderAtlasError
    from geo.imports import EventImportError
    from geo.jobs import import_file, run_job

    # A device, pipe or socket is refused here at once, from its kind alone (stat opens
    # nothing, so a pipe cannot hang it), before a job's process is started for it.
    with contextlib.suppress(OSError, ValueError):  # missing, unreadable, a NUL: the job names it
        if not stat.S_ISREG(os.stat(path).st_mode) and not stat.S_ISDIR(os.stat(path).st_mode):
            raise BorderAtlasError(f"{str(path)!r}: not a regular file (a device, pipe or socket); "
                                   "import a file saved on disk", field="events", value=str(path))
    try:  # in a job, as the app's uploads: capped, and this process never parses the file
        result = run_job(import_file, (str(Path(path).absolute()),), label=path.name)
    except EventImportError as exc:
        raise BorderAtlasError(str(exc), field="events", value=str(path)) from None
    print(f"{PROG}: imported {result.filename}: {result.summary()}", file=sys.stderr)
    return result


def _locate(exc: BorderAtlasError, recipe: Path | None, given: set[str],
            keys: Collection[str] | None = None) -> str:
    """Say where a bad value came from: the option the user typed, or the recipe file.

    An error about ``width_mm`` ('width_mm: 0 mm is ...') becomes '--width-mm: 0 mm is ...'
    when the value came from the command line, and 'recipe fig.toml: width_mm: 0 mm is ...'
    when it came from the recipe. An error that already names its recipe is left as it is.
    """
    from geo.recipe import KEYS

    keys = KEYS if keys is None else keys
    if exc.source is not None:
        return str(exc)
    key = exc.field
    if key is not None and (key in _COMMAND_LINE_ONLY
                            or (key in keys and (key in given or recipe is None))):
        return f"--{key.replace('_', '-')}: {exc.detail}"
    return f"recipe {recipe}: {exc}" if recipe is not None else str(exc)


def _fail(message: str) -> int:
    # A data file with many problems lists them on further lines; the first line says it all.
    first, _, rest = message.partition("\n")
    more = f" (and {rest.count(chr(10)) + 1} more lines)" if rest else ""
    print(f"{PROG}: error: {first}{more}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
