"""Source hygiene: the checks the build makes on the registry of sources (``[sources.<key>]``).

- A URL carries no tracking parameters (``utm_*``, ``fbclid``, ...) and no crawler suffix (a
  path that ends in another site's host name, such as ``/fonts.googleapis.com``): refused.
- One key per URL: two keys for the same address (scheme, ``www.``, a trailing slash and an AMP
  tail aside) are refused, naming both.
- A key names its publisher: the key's first part (before the first ``-``) is found in the
  publisher's name or the URL's host, is the publisher's initials, or is an alias of it
  (``KEY_ALIASES``). Refused otherwise.
- Known aggregators and reprint sites (``AGGREGATORS``) are not refused, but flagged in the
  coverage report with the original to look for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Query parameters that track a click rather than name a page.
TRACKING_PARAMS = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|"
                             r"_ga|yclid|spm|at_medium|at_campaign|ito|src=feed)$", re.I)
_HOST_LIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|pk|ir|in|co|info|io|tv|news)$", re.I)
# A key's first part -> words that name the same publisher (lower case).
KEY_ALIASES: dict[str, tuple[str, ...]] = {
    "ap": ("associated press",), "afp": ("agence france-presse", "afp"), "tribune": ("express tribune",),
    "thenews": ("the news",), "osm": ("openstreetmap",), "wiki": ("wikipedia",), "ht": ("hindustan times",),
    "ispr": ("inter-services public relations",), "mofa": ("ministry of foreign affairs",),
    "irna": ("islamic republic news agency", "irna"), "rferl": ("radio free europe",), "nyt": ("new york times",),
    "geonames": ("geonames",), "scmp": ("south china morning post",), "wsj": ("wall street journal",),
    "ary": ("ary news",), "toi": ("times of israel", "times of india"), "mea": ("ministry of external affairs",),
    "fo": ("foreign office", "ministry of foreign affairs"), "un": ("united nations",),
    "newsweekpk": ("newsweek pakistan",),
}
# Aggregators and reprint sites: host -> what it is and where to look for the original.
AGGREGATORS: dict[str, str] = {
    "menafn.com": "a syndication aggregator: cite the agency or newspaper it carries",
    "pressreader.com": "a digital newsstand: cite the newspaper's own site",
    "warsintheworld.com": "a news aggregator: cite the agency it quotes",
    "sott.net": "a reprint site: cite the original publisher",
    "urfadagundem.com": "a reprint site: cite the original publisher",
    "htsyndication.com": "a syndication service: cite the agency's or newspaper's own copy",
    "asianews.network": "a network of member papers' reprints: cite the member paper",
    "graphic.com.gh": "a reprint of a wire or foreign story: cite the original",
    "everythinggp.com": "a reprint of a wire story: cite the agency",
    "socialnews.xyz": "a reprint of a wire story: cite the agency",
    "pakgazette.com": "a reprint site: cite the original broadcaster or newspaper",
    "newsbreak.com": "a news aggregator: cite the original",
    "msn.com": "a portal carrying others' stories: cite the original",
    "yahoo.com": "a portal carrying others' stories: cite the original",
    "khabarfarsi.com": "a Persian news aggregator: cite the agency it relays (IRNA, ISNA, Tasnim, Mehr)",
    "akharinkhabar.ir": "a Persian news aggregator: cite the agency it relays",
    "derechos.org": "a mirror of a report: cite the issuing body",
    "mapinc.org": "an archive of reprinted articles: cite the newspaper",
    "jagotimes.com": "a reprint of a Pakistani newspaper's report (Dawn): cite the newspaper",
    "thenation.org.uk": "a reprint of Arab News and agency copy: cite the original",
    "free-books.at": "a mirror of a reference book: cite the publisher",
    # Reprints of Iranian and other agencies' English copy
    "theiranproject.com": "a reprint of Iranian agencies' English copy (Press TV, Tasnim, Mehr, IRNA): cite the agency",
    "solhkhabar.ir": "a relay of Iranian agencies' reports (IRNA, Tasnim): cite the agency",
    "xebersaati.com": "a portal reprinting agency copy (Trend, Tasnim): cite the agency or a newspaper of record",
    "panarmenian.net": "a reprint of wire copy (AFP, Reuters): cite the agency or a newspaper of record carrying it",
    "thebalochistanpoint.com": "a reprint of wire and newspaper copy (AFP, Dawn): cite the agency or the newspaper",
    "rantburg.com": "a blog reposting others' reports: cite the original publisher",
    "thefreedompress.in": "a reprint of IANS copy, itself relaying Xinhua and Fars: cite the agency",
    "shabtabnews.com": "a reprint of rights groups' statements: cite the issuing body",
    "eurasiareview.com": "a reprint of agency and think-tank copy (Tasnim and others): cite the original",
    "devdiscourse.com": "an automated feed of others' reports: cite the original publisher",
    # Broadcasters and portals carrying an agency's wire story verbatim
    "kvia.com": "a station carrying AP's wire story: cite AP or a newspaper of record carrying it",
    "citynews.ca": "a station carrying AP's wire story: cite AP or a newspaper of record carrying it",
    "680news.com": "a station carrying AP's wire story: cite AP or a newspaper of record carrying it",
    "wtop.com": "a station carrying AP's wire story: cite AP or a newspaper of record carrying it",
    "federalnewsradio.com": "a station carrying AP's wire story: cite AP or a newspaper of record carrying it",
    "mymotherlode.com": "a local portal carrying AP's wire story: cite AP or a newspaper of record carrying it",
    "capitalfm.co.ke": "a station carrying AFP's wire story: cite AFP or a newspaper of record carrying it",
    # Copies of reference works
    "piglix.com": "a copy of a Wikipedia article: cite Wikipedia's own page",
    "nina.az": "a copy of a Wikipedia article: cite Wikipedia's own page",
    "indexmundi.com": "a copy of the CIA World Factbook: cite the Factbook",
    "issuu.com": "a digital copy of a print magazine: cite the magazine's own site",
    "strategicstudyindia.blogspot.de": "a blog reposting a magazine article: cite the magazine",
    "asiandefence-news.blogspot.com": "a blog summary of press coverage of a report: cite the report",
}


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def url_problems(key: str, url: str) -> list[str]:
    """Why a source's URL is not clean: tracking parameters, a crawler suffix."""
    out = []
    parts = urlsplit(url)
    tracking = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True) if TRACKING_PARAMS.match(name)]
    if tracking:
        out.append(f"source {key!r}: URL carries tracking parameters ({', '.join(tracking)}); cite the page "
                   "without them")
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if _HOST_LIKE.match(last) and last.lower() not in (parts.hostname or "").lower():
        out.append(f"source {key!r}: URL ends in another site's name ({last!r}), a crawler's suffix; cite "
                   "the page's own address")
    return out


def canonical_url(url: str) -> str:
    """The URL with scheme, ``www.``, an AMP tail and a trailing slash set aside (for one key per URL)."""
    parts = urlsplit(url)
    path = re.sub(r"/amp/?$", "", parts.path).rstrip("/")
    query = "&".join(f"{k}={v}" for k, v in parse_qsl(parts.query) if k.lower() != "amp")
    return f"{_host(url)}{path}" + (f"?{query}" if query else "")


def _initials(words: list[str]) -> set[str]:
    small = {"the", "of", "for", "on", "and", "de", "al"}
    return {"".join(w[0] for w in words if w), "".join(w[0] for w in words if w and w not in small)}


def key_names_publisher(key: str, source: Mapping[str, Any]) -> bool:
    """Whether the key's first part names the source's publisher (or the site it is on)."""
    first = key.split("-", 1)[0].lower()
    publisher = str(source.get("publisher", "")).lower()
    squashed = re.sub(r"[^a-z0-9]", "", publisher)
    host = re.sub(r"[^a-z0-9]", "", _host(str(source.get("url", ""))).lower())
    if first in squashed or first in host:
        return True
    # "Dawn, as carried by Asia News Network", "Business Standard (PTI)": each named publisher
    segments = re.split(r",|;|\(|\)|\bas (?:carried|republished|reproduced) by\b|\breproduced by\b", publisher)
    if any(first in _initials(re.findall(r"[a-z0-9]+", seg)) for seg in segments if seg.strip()):
        return True
    return any(alias in publisher for alias in KEY_ALIASES.get(first, ()))


def registry_problems(sources: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every problem of the source registry: unclean URLs, two keys for one URL, a key that
    does not name its publisher."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for key, src in sorted(sources.items()):
        url = str(src.get("url", ""))
        problems += url_problems(key, url)
        canon = canonical_url(url)
        if canon in seen:
            problems.append(f"sources {seen[canon]!r} and {key!r} have one URL ({url}); keep one key")
        else:
            seen[canon] = key
        if not key_names_publisher(key, src):
            problems.append(f"source {key!r}: the key does not name its publisher ({src.get('publisher')!r}); "
                            "start it with the publisher (e.g. dawn-2019-04-18-ormara)")
    return problems


def aggregator_of(source: Mapping[str, Any]) -> str | None:
    """What to look for instead when a source is on a known aggregator or reprint site."""
    host = _host(str(source.get("url", "")))
    for site, advice in AGGREGATORS.items():
        if host == site or host.endswith("." + site):
            return f"{site}: {advice}"
    return None
