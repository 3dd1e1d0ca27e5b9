"""Every limit on what the atlas will read, draw or show: one place, one figure each.

A limit is checked *before* the work it bounds (an import's header is measured before
pandas sees it, a file is read to at most its limit plus one byte), and going over one is
refused with a message that names the limit. The README's "Limits" section lists them.
"""

from __future__ import annotations

# -- imports (geo.imports, the app's upload box, `border-atlas export --events`) ---------

MB = 1_000_000  # a megabyte as the limits are stated (and as a browser counts an upload)
MAX_UPLOAD_MB = 50
MAX_IMPORT_BYTES = MAX_UPLOAD_MB * MB  # 50,000,000 bytes: the upload box, the importer, the CLI
MAX_HEADER_CHARS = 65_536  # a CSV's header line; ACLED's has ~400 characters, UCDP GED's ~600
MAX_COLUMNS = 500  # a CSV's columns or a feature's properties; ACLED has 31, UCDP GED 47
MAX_LINE_BYTES = 1_000_000  # one line of a CSV (a row's text, or one line of a quoted field)
MAX_ROWS = 1_000_000  # CSV rows or GeoJSON/GeoPackage features (100,000 ACLED rows ~ 35 MB)
MAX_JSON_DEPTH = 64  # nesting of a GeoJSON ({ and [); a FeatureCollection of points needs ~8
# Objects and arrays in one GeoJSON: ~4 a point feature, and 50 MB holds at most ~600,000
# features; each costs the parser ~100 bytes however small its text ("{}" is 2 bytes).
MAX_JSON_CONTAINERS = 5_000_000
MAX_FIELD_CHARS = 100_000  # one value (CSV field, JSON string, GeoPackage text); ACLED notes ~2,000
# A GeoPackage is SQLite: reading its layer may run a view's query, which can take for ever
# on a small file. SQLite's progress handler stops it after this many virtual-machine steps
# (~3 s of one core; reading 1,000,000 plain rows takes ~7 million).
GPKG_SQL_STEPS = 200_000_000
IMPORT_SECONDS = 120.0  # an import's time budget (100,000 ACLED rows take ~2 s)
# An import whose session has shown no sign of life for this long is stopped: the browser
# asks for news every IMPORT_POLL_SECONDS while an import runs, so a closed tab goes quiet.
IMPORT_ORPHAN_SECONDS = 3.0
# A job still waiting in line is stopped only after this long without a sign of life: waiting
# costs no CPU, and a crowd delays a page's polls by seconds (25 sessions uploading at once on
# two cores: 4 jobs were dropped from the line, started again at its end, and never finished
# in 300 s). A closed tab's job that reaches its turn is stopped before it starts.
IMPORT_QUEUED_ORPHAN_SECONDS = 30.0
IMPORT_POLL_SECONDS = 0.5

# -- jobs: every import and export of the app runs in a child process (geo.jobs) ------------

JOB_WORKERS = 2  # child processes at once (the machine's cores); more jobs wait in line
# CPU time of one job, set by the kernel (RLIMIT_CPU). The largest upload (50 MB: ~260,000
# ACLED-like rows) imports in ~3.5 s of one core, a 5 MB file in ~0.4 s; the cap is set for
# exports (the longest animations the frame budget allows take tens of seconds) and stops a
# file crafted to be slow.
JOB_CPU_SECONDS = 90
# Address space of one job over its start (RLIMIT_AS). The largest upload grows it by
# ~350 MB (its peak resident memory ~550 MB); the largest export allowed needs more: an
# animation's MAX_ANIMATION_MEGAPIXELS held as RGB is 900 MB, and the encoder's copies.
JOB_MEMORY_MB = 3_000

# -- the shipped layers (data/*.geojson) ----------------------------------------------------

MAX_LAYER_BYTES = 100 * MB  # the largest shipped layer is ~1 MB

# -- figures (`border-atlas export`, the app's export panel) -------------------------------

MAX_RECIPE_BYTES = 100_000  # a recipe file (a few hundred bytes); read from a regular file only
MAX_FIGURE_MEGAPIXELS = 60.0  # a raster figure: width x height in pixels at its dpi
# An animation: frames x pixels of a frame. 300 frames of 1,920 x 1,350 px (778) are refused;
# a year by week at 1,280 px (~50 x 1.2 = 60) is not. Frames are held as RGB: 3 bytes a pixel.
MAX_ANIMATION_MEGAPIXELS = 300.0
MIN_EXTENT_DEGREES = 0.01  # the smallest map side (~1 km): below it, scale bar and grid fail
MIN_MM, MAX_MM = 40.0, 1000.0  # a figure's width
MIN_DPI, MAX_DPI = 72, 1200
MIN_PX, MAX_PX = 320, 3840  # an animation's width in pixels
MAX_FRAMES = 1000  # an animation's frames (a day a frame for 2.7 years)

# -- the browser (the explorer and the exported HTML file) ----------------------------------

# Imported events written into an HTML file at most (those in the window first); the file
# and the command say how many were left out. 20,000 events take about 1.5 MB.
IMPORTED_LIMIT = 20_000
IMPORTED_TEXT_CHARS = 120  # each imported text sent to the browser (long ones stay in the table)
# A source's notes (ACLED's notes, UCDP's summary) in a popup: the first this many characters
# (ACLED's are ~250 on average); the table and downloads hold them whole.
IMPORTED_NOTES_CHARS = 600
IMPORTED_TABLE_ROWS = 1000  # imported events listed under the map; the downloads hold them all
# Imported events in the window whose CSV and GeoJSON are written with the page (~0.1 s for
# 2,000); more are written when asked for, in a job (100,000 take ~10 s of one core).
DOWNLOAD_WITH_PAGE_ROWS = 2_000
EVENT_ID_MAX = 120  # a linked event's id in the URL (?event=)

# -- the static site (`border-atlas site`) ----------------------------------------------------

# What a site may weigh before the command says it is over budget (150 events with their
# 1200x630 maps, the explorer and the downloads come to about 8 MB).
SITE_SIZE_BUDGET_BYTES = 15 * MB
# The processes drawing the event maps: at most this many (``--jobs``; the cores by default),
# each under JOB_MEMORY_MB of address space over its start, and each map under this much CPU
# time (the kernel's RLIMIT_CPU, reset before each map; a map takes ~0.5 s).
SITE_WORKERS = 8
SITE_MAP_CPU_SECONDS = 30

# -- text from users shown on screen (URL values, file names, file content) -----------------

SEARCH_MAX_CHARS = 200  # a search over the events (URL, command line, recipe, the page's box)
SEARCH_MAX_WORDS = 12  # its words, each of which an event must contain
SHOWN_VALUE_CHARS = 80  # one value quoted inside a message
SHOWN_MESSAGE_CHARS = 1_000  # a whole notice built around such values
SHOWN_CELL_CHARS = 200  # one value of a user's file in an on-screen table
