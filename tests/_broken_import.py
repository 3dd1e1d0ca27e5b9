"""For tests only: imported into the jobs' processes (``geo.jobs.PRELOAD``), it makes the
importer's core raise an internal error, to see how one reaches a user. Never used by the atlas."""

from __future__ import annotations

import geo.imports


def broken(*args, **kwargs):
    raise RecursionError("maximum recursion depth exceeded")


geo.imports._import = broken
