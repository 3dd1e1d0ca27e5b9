"""Text from users (URL values, file names, file content) shown as text, never as markup.

Streamlit's notices (``st.warning``, ``st.error``, ``st.caption``, ...) render Markdown,
KaTeX (``$...$``) and Streamlit's own directives (``:red[...]``): a value echoed into one
could draw a link, fetch an image or run a formula layout. ``plain_markdown`` is the one
door for such text: it cuts it to a sensible length with an ellipsis, folds control
characters and escapes every character Markdown gives a meaning to, so it shows exactly as
typed (URLs get an invisible zero-width space, so they are not made links). ``quote`` does
the cutting for a single value inside a message.
"""

from __future__ import annotations

import re
import string

from geo.limits import SHOWN_MESSAGE_CHARS, SHOWN_VALUE_CHARS

ELLIPSIS = "…"
ZWSP = "\u200b"  # zero-width space: breaks an autolink without changing what is seen
_WWW = re.compile(r"(?i)\bwww\.")
# CommonMark lets a backslash escape any ASCII punctuation character, and each of these
# can start markup: links, images, emphasis, code, headings, lists, tables, math, directives.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Controls, line and paragraph separators, zero-width and direction marks, and the
# direction-reversing embeddings, overrides and isolates (U+202A-202E, U+2066-2069).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
_CONTROL = re.compile(CONTROL_CHARACTERS)


def clip(text: object, limit: int = SHOWN_VALUE_CHARS) -> str:
    """``text`` as one string of at most ``limit`` characters ('…' marks a cut); controls as spaces."""
    value = _CONTROL.sub(" ", str(text))
    if len(value) > limit:
        value = value[: max(limit - 1, 0)] + ELLIPSIS
    return value


def quote(value: object, limit: int = SHOWN_VALUE_CHARS) -> str:
    """A user's value inside a message: cut to ``limit`` characters and quoted ('value')."""
    return repr(clip(value, limit))


def plain_markdown(text: object, limit: int = SHOWN_MESSAGE_CHARS) -> str:
    """Markdown that Streamlit shows as exactly this text (cut to ``limit`` characters).

    Line breaks are kept as line breaks; everything else that Markdown, KaTeX or Streamlit
    would interpret is escaped with a backslash.
    """
    lines = clip(str(text).replace("\r\n", "\n"), limit).split("\n")
    return "  \n".join(_PUNCTUATION.sub(r"\\\1", _no_autolinks(line)) for line in lines)


def _no_autolinks(text: str) -> str:
    """``text`` with a zero-width space that stops GFM turning URLs and e-mails into links.

    GitHub-flavoured Markdown links ``http://...``, ``www....`` and ``a@b.c`` found in the
    text itself, after escapes are undone, so escaping cannot stop it; a zero-width space
    inside ``://``, after ``www`` and after ``@`` does, and is invisible.
    """
    text = text.replace("://", ":" + ZWSP + "//").replace("@", "@" + ZWSP)
    return _WWW.sub(lambda m: m[0][:-1] + ZWSP + ".", text)
