"""`border-atlas export` and figure recipes: help, success, one-line errors, no stray files."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo import LAYER_NAMES
from geo.cli import build_parser, main
from geo.figure import SIZE_PRESETS, FigureSpec
from geo.recipe import (
    KEYS,
    Recipe,
    RecipeError,
    dumps_recipe,
    load_recipe,
    recipe_from_mapping,
    write_recipe,
)
from geo.view import PRESETS, View
from tests.test_import import acled_row, to_csv

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--layers", "border,provinces,events", "--preset", "single-column"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def export_help(capsys) -> str:
    """What `border-atlas export --help` prints."""
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def help_entries(text: str) -> dict[str, str]:
    """Each option of a --help text ('--width-mm') and the words that explain it."""
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if line.startswith("  -"):
            signature, _, words = stripped.partition("  ")
            current = [words.strip()]
            for name in signature.replace(",", " ").split():
                if name.startswith("-"):
                    entries[name] = current
        elif current is not None and line.startswith(" " * 8) and stripped:
            current.append(stripped)
        else:
            current = None
    return {name: " ".join(w for w in words if w) for name, words in entries.items()}


def test_help_explains_every_option(capsys):
    text = export_help(capsys)
    entries = help_entries(text)
    for key in (*KEYS, "write_recipe"):
        assert f"--{key.replace('_', '-')}" in entries, key
    for option, words in entries.items():
        assert len(words.split()) >= 2, f"{option} has no help"
    for word in ("single-column", "double-column", "full-page", "png", "pdf", "svg", "tiff",
                 "crisis-week", "recipe", "exit status"):
        assert word in text


def test_the_issue_example_writes_a_pdf(tmp_path, capsys):
    out = tmp_path / "fig1.pdf"
    code, stdout, err = run(capsys, "export", "--start", "2024-01-16", "--end", "2024-01-18",
                            "--layers", "border,provinces,events", "--preset", "double-column",
                            "--format", "pdf", "--out", str(out))
    assert (code, err) == (0, "")
    assert out.read_bytes().startswith(b"%PDF")
    assert str(out) in stdout
    assert [p.name for p in tmp_path.iterdir()] == ["fig1.pdf"]


def test_format_follows_the_suffix_of_out(tmp_path, capsys):
    out = tmp_path / "map.svg"
    code, _, err = run(capsys, "export", *FAST, "--out", str(out))
    assert (code, err) == (0, "")
    assert b"<svg" in out.read_bytes()[:500]


def test_recipe_written_by_export_redraws_the_same_bytes(tmp_path, capsys):
    first, recipe = tmp_path / "a.png", tmp_path / "figure.toml"
    code, _, err = run(capsys, "export", "--window", "crisis-week", *FAST, "--greyscale",
                       "--title", 'Strikes of 16 and 18 January "2024"', "--dpi", "120",
                       "--out", str(first), "--write-recipe", str(recipe))
    assert (code, err) == (0, "")
    loaded = load_recipe(recipe)
    assert loaded.out == first and loaded.window == "crisis-week" and loaded.figure.greyscale
    second = tmp_path / "b.png"
    code, _, err = run(capsys, "export", str(recipe), "--out", str(second))
    assert (code, err) == (0, "")
    assert first.read_bytes() == second.read_bytes()


def test_recipe_out_is_relative_to_the_recipe(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "fig.toml").write_text('window = "crisis-week"\nlayers = ["border"]\n'
                                     'preset = "single-column"\nout = "fig.png"\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "export", "figures/fig.toml")
    assert (code, err) == (0, "")
    assert (folder / "fig.png").exists() and not (tmp_path / "fig.png").exists()


BAD_ARGS = [
    (["--layers", "border,rivers"], "unknown layer 'rivers'"),
    (["--start", "2024-01-20", "--end", "2024-01-10"], "before start"),
    (["--start", "2024-02-30"], "--start: '2024-02-30' is not a date"),
    (["--window", "last-week"], "window: 'last-week' is unknown"),
    (["--format", "bmp"], "--format: 'bmp' is not supported"),
    (["--width-mm", "0"], "--width-mm: 0 mm"),
    (["--width-mm", "1200"], "--width-mm: 1200 mm"),
    (["--height-mm", "abc"], "--height-mm: must be a number"),
    (["--width-mm", "1000", "--height-mm", "1000", "--dpi", "600"], "megapixels"),
    (["--dpi", "ninety"], "--dpi: must be a whole number"),
    (["--preset", "poster"], "--preset: unknown size preset 'poster'"),
    (["--label-lang", "de"], "--label-lang: 'de'"),
    (["--extent", "70,20,60,30"], "--extent:"),
    (["--extent", "60,20,70"], "--extent:"),
    (["--extent", "64.0,27.0,64.00001,27.00001"], "smaller than the minimum of 0.01° a side"),
    (["--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize(("args", "message"), BAD_ARGS)
def test_bad_option_is_one_line_and_leaves_no_file(tmp_path, capsys, args, message):
    out = tmp_path / "fig.png"
    try:
        code = main(["export", *args, "--out", str(out)])
    except SystemExit as exit_:  # argparse's own errors exit from inside
        code = exit_.code
    stdout, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("border-atlas: error: "), err
    assert message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("out", "message"), [
    ("missing-folder/fig.png", "does not exist"),
    ("file.txt/fig.png", "is not a folder"),
    ("folder.png", "is a folder"),
    ("fig.bmp", "cannot tell the format"),
])
def test_unwritable_out_is_refused_before_drawing(tmp_path, capsys, out, message):
    (tmp_path / "file.txt").write_text("not a folder")
    (tmp_path / "folder.png").mkdir()
    code, _, err = run(capsys, "export", *FAST, "--out", str(tmp_path / out))
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "folder.png"]
    assert list((tmp_path / "folder.png").iterdir()) == []


def test_format_and_suffix_must_agree(tmp_path, capsys):
    code, _, err = run(capsys, "export", *FAST, "--format", "pdf", "--out", str(tmp_path / "f.png"))
    assert code == 2 and "suffix" in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_survives_a_failed_export(tmp_path, capsys):
    out = tmp_path / "fig.png"
    out.write_bytes(b"last week's figure")
    code, _, _ = run(capsys, "export", "--width-mm", "0", "--out", str(out))
    assert code == 2 and out.read_bytes() == b"last week's figure"


def test_no_out_is_an_error(capsys):
    code, _, err = run(capsys, "export", "--window", "crisis-week")
    assert code == 2 and "no output file" in err


@pytest.mark.parametrize(("text", "message"), [
    ('window = "crisis-week"\nout = "x.png"\ncolour = "red"\n', "unknown key 'colour'"),
    ('window = "crisis-week\nout = "x.png"\n', "not valid TOML"),
    ('dpi = "high"\nout = "x.png"\n', "dpi: must be a whole number"),
    ('greyscale = "yes"\nout = "x.png"\n', "greyscale: must be true or false"),
    ('window = "crisis-week"\nstart = 2024-01-01\nout = "x.png"\n', "either window or start/end"),
    ('layers = []\nout = "x.png"\n', "layers: empty"),
    ('layers = [1, 2]\nout = "x.png"\n', "layers: must be a list of layer names"),
    ('start = 2024-01-30\nend = 2024-01-01\nout = "x.png"\n', "before start"),
])
def test_bad_recipe_is_one_line_and_leaves_no_file(tmp_path, capsys, text, message):
    recipe = tmp_path / "fig.toml"
    recipe.write_text(text)
    code, _, err = run(capsys, "export", str(recipe))
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert "fig.toml" in err
    assert [p.name for p in tmp_path.iterdir()] == ["fig.toml"]


def test_missing_recipe(tmp_path, capsys):
    code, _, err = run(capsys, "export", str(tmp_path / "nope.toml"))
    assert code == 2 and "file not found" in err


def test_options_override_the_recipe(tmp_path, capsys):
    recipe = tmp_path / "r.toml"
    recipe.write_text('window = "crisis-week"\npreset = "single-column"\nout = "r.png"\n'
                      'layers = ["border", "provinces"]\n')
    again = tmp_path / "again.toml"
    code, out, err = run(capsys, "export", str(recipe), "--start", "2024-01-16", "--end",
                         "2024-01-16", "--preset", "full-page", "--dpi", "100",
                         "--write-recipe", str(again))
    assert (code, err) == (0, "")
    drawn = tmp_path / "r.png"  # the recipe's out, relative to the recipe's folder
    assert f"wrote {drawn}" in out
    data = drawn.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width_px = int.from_bytes(data[16:20], "big")
    full_page_mm = SIZE_PRESETS["full-page"][0]
    assert width_px == pytest.approx(full_page_mm / 25.4 * 100, abs=2)  # the option's preset
    redrawn = load_recipe(again)  # what was drawn: the options' dates, not the recipe's window
    assert (redrawn.view.start, redrawn.view.end) == (dt.date(2024, 1, 16), dt.date(2024, 1, 16))
    assert redrawn.figure.preset == "full-page" and redrawn.view.layers == ("border", "provinces")


def test_every_recipe_key_is_an_option():
    parser = build_parser()
    for key in KEYS:
        option = f"--{key.replace('_', '-')}"
        flag = KEYS[key] == "true or false"
        args = parser.parse_args(["export", option] if flag else ["export", option, "x"])
        assert getattr(args, key) == (True if flag else Path("x") if key == "out" else "x"), key


def test_console_entry_point_runs_as_a_process(tmp_path):
    result = subprocess.run([sys.executable, "-m", "geo.cli", "export", "--layers", "nowhere",
                             "--out", str(tmp_path / "x.png")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1  # one line, no traceback
    assert result.stderr.startswith("border-atlas: error: --layers: ")  # blames the option
    assert "'nowhere'" in result.stderr and all(name in result.stderr for name in LAYER_NAMES)


# -- recipe round trip -----------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2024, 12, 31))
titles = st.none() | st.text(min_size=1, max_size=40).filter(lambda t: "\x00" not in t)


@st.composite
def recipes(draw) -> Recipe:
    window = draw(st.none() | st.sampled_from(list(PRESETS)))
    if window:
        start, end = PRESETS[window]
    else:
        start, end = sorted((draw(dates), draw(dates)))
    layers = draw(st.lists(st.sampled_from(LAYER_NAMES), min_size=1, unique=True))
    extent = draw(st.none() | st.tuples(st.floats(40, 60), st.floats(10, 20),
                                        st.floats(61, 80), st.floats(21, 40)))
    fmt = draw(st.sampled_from(["png", "pdf", "svg", "tiff"]))
    figure = FigureSpec(
        preset=draw(st.sampled_from(list(SIZE_PRESETS))),
        width_mm=draw(st.none() | st.floats(40, 300)),
        height_mm=draw(st.none() | st.floats(60, 300)),
        fmt=fmt, dpi=draw(st.sampled_from([150, 300, 600])) if fmt in ("pdf", "svg") else 300,
        title=draw(titles), greyscale=draw(st.booleans()),
        label_lang=draw(st.sampled_from(["en", "fa", "ur"])),
    )
    view = View(start=start, end=end, layers=tuple(n for n in LAYER_NAMES if n in layers),
                extent=extent)
    out = Path(f"figs/figure.{'tif' if fmt == 'tiff' else fmt}")
    return Recipe(view=view, figure=figure, out=out, window=window)


@settings(max_examples=60, deadline=None)
@given(recipes())
@example(Recipe(view=View(), figure=FigureSpec(title='a "quoted"\\ title\nwith\x7fcontrols\t'),
                out=Path("f.png")))
def test_recipe_round_trip(recipe):
    import tomllib

    text = dumps_recipe(recipe)
    again = recipe_from_mapping(tomllib.loads(text))
    assert again == recipe


def test_write_recipe_keeps_out_relative_to_itself(tmp_path):
    recipe = Recipe(view=View(), figure=FigureSpec(fmt="pdf"), out=tmp_path / "out" / "f.pdf")
    path = write_recipe(recipe, tmp_path / "f.toml")
    assert 'out = "out/f.pdf"' in path.read_text()
    assert load_recipe(path) == recipe


def test_recipe_keys_are_checked_by_the_api():
    with pytest.raises(RecipeError, match="unknown key 'colour'"):
        recipe_from_mapping({"colour": "red"})
    with pytest.raises(RecipeError, match="width_mm: must be a number"):
        recipe_from_mapping({"width_mm": [85]})


# -- hostile recipes and options (issue 12) -----------------------------------------------------


@pytest.mark.parametrize("out", ["../victim/.bashrc", "ABSOLUTE"])
def test_a_recipes_out_may_not_leave_its_folder(tmp_path, capsys, out):
    shared, victim = tmp_path / "shared", tmp_path / "victim"
    shared.mkdir()
    victim.mkdir()
    target = victim / ".bashrc"
    target.write_text("export PATH=...\n")
    out = str(target) if out == "ABSOLUTE" else out
    recipe = shared / "fig.toml"
    recipe.write_text(f'window = "crisis-week"\nlayers = ["border"]\nformat = "png"\nout = "{out}"\n')
    code, _, err = run(capsys, "export", str(recipe))
    assert code == 2 and err.count("\n") == 1 and "is outside the recipe's folder" in err, err
    assert "--out" in err  # says how to write elsewhere
    assert target.read_text() == "export PATH=...\n"
    # The user's own --out on the command line is theirs to choose.
    mine = tmp_path / "mine.png"
    code, _, err = run(capsys, "export", str(recipe), "--out", str(mine))
    assert (code, err) == (0, "") and mine.exists()


def test_a_recipes_events_may_not_leave_its_folder_and_errors_never_quote_content(tmp_path, capsys):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    recipe = shared / "fig.toml"
    recipe.write_text('window = "crisis-week"\nevents = "../passwd"\nout = "fig.png"\n')
    code, _, err = run(capsys, "export", str(recipe))
    assert code == 2 and "events: '../passwd' is outside the recipe's folder" in err, err
    code, _, err = run(capsys, "export", *FAST, "--events", str(secret), "--out", str(tmp_path / "f.png"))
    assert code == 2 and "passwd" in err and "root" not in err, err


def test_the_output_suffix_must_match_the_format(tmp_path, capsys):
    recipe = tmp_path / "fig.toml"
    recipe.write_text('window = "crisis-week"\nformat = "png"\nout = "figure"\n')
    code, _, err = run(capsys, "export", str(recipe))
    assert code == 2 and "needs a .png suffix for the png format" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.toml"]


def test_an_empty_events_option_is_an_error(tmp_path, capsys):
    code, _, err = run(capsys, "export", *FAST, "--events", "", "--out", str(tmp_path / "f.png"))
    assert code == 2 and err.startswith("border-atlas: error: --events: empty"), err
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_recipe_folder_is_blamed_on_write_recipe(tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "fig.toml"
    code, _, err = run(capsys, "export", *FAST, "--out", str(tmp_path / "f.png"),
                       "--write-recipe", str(missing))
    assert code == 2 and "--write-recipe: folder" in err and "does not exist" in err, err
    assert "--out" not in err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            return  # root writes anywhere: the missing folder above made the point
        code, _, err = run(capsys, "export", *FAST, "--out", str(tmp_path / "f.png"),
                           "--write-recipe", str(locked / "fig.toml"))
    finally:
        locked.chmod(0o755)
    assert code == 2 and "--write-recipe: cannot write in folder" in err, err


@pytest.mark.parametrize("events", ["/dev/zero", "DEEP"])
def test_endless_and_deep_events_are_one_line_quickly(tmp_path, capsys, events):
    if events == "DEEP":
        deep = {"a": 1}
        for _ in range(900):
            deep = {"x": deep}
        path = tmp_path / "deep.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [64, 27]},
             "properties": {"date": "2024-01-16", "deep": deep}}]}))
        events = str(path)
    began = time.monotonic()
    code, _, err = run(capsys, "export", *FAST, "--events", events, "--out", str(tmp_path / "f.png"))
    # a bound on hanging (an endless read never ends), not a speed test: a loaded machine
    # takes seconds to start the job that reads the file
    assert time.monotonic() - began < 60
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "not a regular file" in err or "over the limit of 64" in err


def test_an_extent_at_the_minimum_size_is_drawn(tmp_path, capsys):
    out = tmp_path / "tiny.png"
    code, _, err = run(capsys, "export", *FAST, "--extent", "64.0,27.0,64.01,27.01", "--out", str(out))
    assert (code, err) == (0, "") and out.exists()


def test_one_upload_limit_figure_for_the_cli_the_importer_and_the_app(capsys):
    import tomllib

    from geo.imports import DEFAULT_MAX_BYTES
    from geo.limits import MAX_IMPORT_BYTES, MAX_UPLOAD_MB

    assert DEFAULT_MAX_BYTES == MAX_IMPORT_BYTES == MAX_UPLOAD_MB * 1_000_000 == 50_000_000
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert "up to 50 MB (50,000,000 bytes)" in help_entries(export_help(capsys))["--events"]


def test_an_internal_import_error_is_one_line_without_a_traceback(tmp_path):
    # In a process of its own: pytest's log capture would hide a printed traceback.
    events = tmp_path / "acled.csv"
    events.write_bytes(b"event_id_cnty,event_date\nPAK1,2024-01-16\n")
    # The import runs in a job's process: the broken importer is loaded there.
    script = (
        "import sys, geo.jobs, geo.cli\n"
        "geo.jobs.PRELOAD.append('tests._broken_import')\n"
        "sys.exit(geo.cli.main(sys.argv[1:]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, "export", *FAST, "--events", str(events),
                             "--out", str(tmp_path / "f.png")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "internal error: RecursionError" in result.stderr, \
        result.stderr


def test_the_commands_work_runs_in_a_capped_job_named_when_it_passes_the_cpu_cap(
        tmp_path, capsys, monkeypatch):
    """The command's drawing runs in a child process under the app's caps (geo.limits): with
    the CPU cap lowered to 1 s, an animation of eight frames is stopped, the cap named."""
    from geo import limits

    monkeypatch.setattr(limits, "JOB_CPU_SECONDS", 1)
    out = tmp_path / "week.gif"
    code, out_text, err = run(capsys, "export", "--window", "crisis-week", "--frame-step", "day",
                              "--width-px", "1280", "--out", str(out))
    assert code == 2 and out_text == ""
    assert ("used more than the CPU-time limit of 1 s for one job (JOB_CPU_SECONDS) and was "
            "stopped") in err, err
    assert err.count("\n") <= 2  # the progress line, then the error's one line
    assert list(tmp_path.iterdir()) == []


def test_a_recipes_figure_past_a_lowered_memory_cap_is_stopped_naming_it(tmp_path, capsys, monkeypatch):
    from geo import limits

    monkeypatch.setattr(limits, "JOB_MEMORY_MB", 40)
    recipe = tmp_path / "fig.toml"
    recipe.write_text('window = "crisis-week"\ndpi = 1200\npreset = "double-column"\n'
                      'height_mm = 100\nout = "fig.png"\n')
    code, _, err = run(capsys, "export", str(recipe))
    assert code == 2
    assert "needed more than the memory limit of 40 MB for one job (JOB_MEMORY_MB)" in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["fig.toml"]


def test_the_commands_import_runs_in_a_job_under_the_caps(tmp_path, capsys, monkeypatch):
    from geo import limits

    events = tmp_path / "acled.csv"
    events.write_bytes(to_csv([acled_row(event_id_cnty=f"PAK{i}") for i in range(10_000)]))  # ~4 MB
    monkeypatch.setattr(limits, "JOB_MEMORY_MB", 1)
    code, _, err = run(capsys, "export", *FAST, "--events", str(events), "--out", str(tmp_path / "f.png"))
    assert code == 2 and "--events: 'acled.csv': needed more than the memory limit of 1 MB" in err, err
