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
IMPORT_SECONDS = 120.0  # an import's time budget (100,000 ACLED rows take ~2 s)
# An import whose session has shown no sign of life for this long is stopped: the browser
# asks for news every IMPORT_POLL_SECONDS while an import runs, so a closed tab goes quiet.
IMPORT_ORPHAN_SECONDS = 3.0
IMPORT_POLL_SECONDS = 0.5

# -- the shipped layers (data/*.geojson) ----------------------------------------------------

MAX_LAYER_BYTES = 100 * MB  # the largest shipped layer is ~1 MB

# -- figures (`border-atlas export`, the app's export panel) -------------------------------

MIN_EXTENT_DEGREES = 0.01  # the smallest map side (~1 km): below it, scale bar and grid fail
MIN_MM, MAX_MM = 40.0, 1000.0  # a figure's width
MIN_DPI, MAX_DPI = 72, 1200
MAX_MEGAPIXELS = 60.0  # a raster figure's pixels (a 1000 mm figure at 300 dpi is ~140)
MIN_PX, MAX_PX = 320, 3840  # an animation's width in pixels
MAX_FRAMES = 1000  # an animation's frames (a day a frame for 2.7 years)

# -- the browser (the explorer and the exported HTML file) ----------------------------------

# Imported events written into an HTML file at most (those in the window first); the file
# and the command say how many were left out. 20,000 events take about 1.5 MB.
IMPORTED_LIMIT = 20_000
IMPORTED_TEXT_CHARS = 120  # each imported text sent to the browser (long ones stay in the table)
IMPORTED_TABLE_ROWS = 1000  # imported events listed under the map; the downloads hold them all
EVENT_ID_MAX = 120  # a linked event's id in the URL (?event=)

# -- text from users shown on screen (URL values, file names, file content) -----------------

SHOWN_VALUE_CHARS = 80  # one value quoted inside a message
SHOWN_MESSAGE_CHARS = 1_000  # a whole notice built around such values
