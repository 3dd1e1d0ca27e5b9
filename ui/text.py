"""Every label, help text and on-screen limit of the explorer's page, in one place."""

from __future__ import annotations

from geo.citation import TITLE
from geo.limits import MAX_IMPORT_BYTES, MAX_UPLOAD_MB

TEXT = {
    "title": TITLE,  # the atlas's one title, as its figures and files give it
    "intro": (
        "Iran's strike near Sabz Koh (Panjgur) on 16 January 2024, Pakistan's strikes near "
        "Saravan on 18 January, and the incidents, routes, crossings and diplomacy around them. "
        "Click a marker for what happened and its sources."
    ),
    "layers": "Layers",
    "basemap": "Basemap",
    "basemap_help": "The offline basemap is bundled with the atlas; the others load tiles from "
    "the internet.",
    "events_heading": "Events in the window",
    "imported_heading": "Imported events in the window",
    "import_heading": "Your events",
    "import_label": "Import an events file",
    "import_help": "An ACLED or UCDP GED CSV export, a GeoJSON or a GeoPackage of points with a "
    f"date (a .zip of one is fine), up to {MAX_UPLOAD_MB} MB ({MAX_IMPORT_BYTES:,} bytes). Bad "
    "rows are skipped and listed. The file stays in your session: no one else sees it, and it "
    "is gone when you close the page.",
    "export_heading": "Export a map for publication",
    "export_intro": "The current window and layers, drawn for print: legend, scale bar, north "
    "arrow, locator map and sources; or, as a GIF or MP4, the window stepping through time. "
    "Same output as `border-atlas export`.",
    "html_intro": "Interactive HTML: one file with the map, these layers, the window, the "
    "timeline and its play control, and popups with their sources. It works offline and makes "
    "no request; online basemaps are left out.",
    "embed_intro": "To embed the atlas in an article, publish its static site (`border-atlas site "
    "--out DIR`, then put the folder on any web host) and paste this line where the map goes.",
}
UPLOAD_TYPES = ("csv", "geojson", "json", "gpkg", "zip")
PROBLEM_LINES = 200  # skipped rows listed on screen; the summary counts them all
IMPORT_WAIT_SECONDS = 1.5  # an import done by then shows at once; a longer one reports progress
MIME = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml", "tiff": "image/tiff",
        "gif": "image/gif", "mp4": "video/mp4", "html": "text/html"}
LABEL_LANGS = {"en": "English", "fa": "Persian", "ur": "Urdu"}
