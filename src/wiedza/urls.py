"""The one owner of output paths and URLs. Pages link relatively (so the site works from file://);
feeds, sitemaps and citations use absolute URLs built from the site URL."""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import quote

RESEARCH = "publikacje"
LESSONS = "scenariusze"


def _key_part(key: str) -> str:
    """A vocabulary key as a path part: action III.2 -> iii-2."""
    return key.lower().replace(".", "-")


def research(slug: str) -> str:
    return f"{RESEARCH}/{slug}/index.html"


def lesson(slug: str) -> str:
    return f"{LESSONS}/{slug}/index.html"


def attachment(doc_path: str, file: str) -> str:
    return posixpath.join(posixpath.dirname(doc_path), file)


def topic(key: str) -> str:
    return f"tematy/{key}.html"


def author(key: str) -> str:
    return f"autorzy/{key}.html"


def action(key: str) -> str:
    return f"program/{_key_part(key)}.html"


def research_type(key: str) -> str:
    return f"{RESEARCH}/typ/{key}.html"


def research_year(year: int) -> str:
    return f"{RESEARCH}/rok/{year}.html"


def periodical(key: str) -> str:
    return f"czasopisma/{key}/index.html"


def periodical_issue(key: str, volume: int, issue: int) -> str:
    return f"czasopisma/{key}/{volume}-{issue}.html"


def periodical_file(key: str, file: str) -> str:
    return f"czasopisma/{key}/{file}"


def lesson_facet(facet: str, key: str) -> str:
    return f"{LESSONS}/{facet}/{_key_part(key)}.html"


def page(slug: str) -> str:
    return f"{slug}.html"


# Unbounded for the length of one build (the pipeline clears it after each): a bounded cache
# stopped hitting once a portal's link pairs outnumbered it, so links got dearer per page as N grew.
@lru_cache(maxsize=None)
def relative(from_path: str, to_path: str) -> str:
    """Link from one output file to another, percent-encoded, working over HTTP and file://."""
    path = relpath(to_path, posixpath.dirname(from_path))
    return path if _NOTHING_TO_QUOTE.fullmatch(path) else quote(path, safe="/#:?=&%")


_NOTHING_TO_QUOTE = re.compile(r"[A-Za-z0-9/._~#:?=&%-]*")   # quote() would return these unchanged


def relpath(to_path: str, start: str) -> str:
    """posixpath.relpath for our clean relative paths, without its abspath/getcwd calls (pages
    make tens of thousands of links per build); anything unusual goes to posixpath."""
    here = start.split("/") if start else []
    there = to_path.split("/")
    if not to_path or any(p in ("", ".", "..") for p in here) or any(p in ("", ".", "..") for p in there):
        return posixpath.relpath(to_path, start or ".")
    common = 0
    for a, b in zip(here, there):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) or "."


def absolute(site_url: str, path: str) -> str:
    """Absolute URL of an output file: exactly the engine's canonical URL (the file name is kept,
    so the same address works on any static server and matches the copy on disk)."""
    return site_url + quote(path, safe="/#:?=&%")


# -- feeds ---------------------------------------------------------------------------------
FEEDS = "kanaly"
FEED_KINDS = ("atom", "rss")


def feed(name: str, kind: str) -> str:
    """A feed file: kanaly/<name>.atom.xml or kanaly/<name>.rss.xml."""
    if kind not in FEED_KINDS:
        raise ValueError(f"unknown feed kind {kind!r}")
    return f"{FEEDS}/{name}.{kind}.xml"


def feed_name_site() -> str:
    return "wszystko"


def feed_name_research() -> str:
    return RESEARCH


def feed_name_lessons() -> str:
    return LESSONS


def feed_name_topic(key: str) -> str:
    return f"temat-{key}"


def feed_name_action(key: str) -> str:
    return f"dzialanie-{_key_part(key)}"


def feed_name_periodical(key: str) -> str:
    return f"czasopismo-{key}"


def feed_name_author(key: str) -> str:
    return f"autor-{key}"


def feeds_page() -> str:
    return "kanaly.html"


def feeds_opml() -> str:
    return f"{FEEDS}/wszystkie.opml"
