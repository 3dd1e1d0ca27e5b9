"""For tests only: imported into the jobs' processes (``geo.jobs.PRELOAD``), it lowers the
imported events an HTML file holds to 4, to see the command say how many were left out
without drawing 20,000 of them. Never used by the atlas."""

from __future__ import annotations

import geo.web.page

geo.web.page.IMPORTED_LIMIT = 4
