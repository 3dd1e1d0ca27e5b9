"""What a reader sees of Markdown that ``geo.safe_text.plain_markdown`` wrote (for AppTest checks)."""

from __future__ import annotations

import re
import string

_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + "])")


def shown(markdown: str) -> str:
    """The text as rendered: backslash escapes undone, Markdown hard breaks as line breaks."""
    return _ESCAPED.sub(r"\1", markdown.replace("  \n", "\n")).replace("\u200b", "")


def only_escaped(markdown: str) -> bool:
    """True if every Markdown-active character in ``markdown`` is escaped (shown as typed)."""
    unescaped = _ESCAPED.sub("", markdown.replace("  \n", "\n"))
    return not any(c in string.punctuation for c in unescaped)
