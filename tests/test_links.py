"""Every internal link of the built sample site resolves: href/src of every page (and their #anchors),
the site's own absolute URLs in feeds, the sitemap, OPML, OAI and citation files, and every ZIP opens."""
from __future__ import annotations

import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html


URL_ATTRIBUTES = ("href", "src", "poster", "data")
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "urn:", "tag:")
TEXT_FILES = ("*.xml", "*.opml", "*.bib", "*.ris", "*.json", "*.txt")   # files that carry absolute URLs
ABSOLUTE_URL = re.compile(r"https?://[^\s\"'<>{}\\^`|]+")


class Links:
    def __init__(self, site: Path, site_url: str):
        self.site = site
        self.site_url = site_url
        self.base_path = urlsplit(site_url).path or "/"
        self.broken: list[str] = []
        self.checked = 0

    @lru_cache(maxsize=None)
    def anchors(self, rel: str) -> frozenset[str]:
        doc = lxml_html.fromstring((self.site / rel).read_bytes())
        return frozenset(e.get("id") or e.get("name") for e in doc.iter()
                         if isinstance(e.tag, str) and (e.get("id") or (e.tag == "a" and e.get("name"))))

    def target(self, source: str, url: str) -> tuple[str, str] | None:
        """(site-relative file, fragment) that `url`, written in `source`, points to; None if it leaves the site."""
        if url.startswith(SKIP_SCHEMES):
            return None
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            if not url.startswith(self.site_url):
                return None          # another site: not ours to check here
            path = unquote(parts.path)[len(self.base_path):]
        elif parts.path.startswith("/"):
            path = unquote(parts.path)[len(self.base_path):]   # root-relative (404.html, shown at any depth)
        else:
            path = posixpath.join(posixpath.dirname(source), unquote(parts.path)) if parts.path else source
        path = posixpath.normpath(path) if path else "index.html"
        if path == "." or (self.site / path).is_dir():
            path = posixpath.join(path, "index.html") if path != "." else "index.html"
        return path, unquote(parts.fragment)

    def check(self, source: str, url: str, what: str) -> None:
        found = self.target(source, url.strip())
        if found is None:
            return
        self.checked += 1
        path, fragment = found
        if path.startswith("../") or not (self.site / path).is_file():
            self.broken.append(f"{source}: {what} {url} -> no file {path}")
        elif fragment and path.endswith(".html") and fragment not in self.anchors(path):
            self.broken.append(f"{source}: {what} {url} -> {path} has no #{fragment}")


@pytest.fixture(scope="module")
def links(sample_site, site_url) -> Links:
    checker = Links(sample_site, site_url)
    for page in sorted(sample_site.rglob("*.html")):
        source = page.relative_to(sample_site).as_posix()
        doc = lxml_html.fromstring(page.read_bytes())
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in URL_ATTRIBUTES:
                value = element.get(attribute)
                if value and not (element.tag == "object" and attribute != "data"):
                    checker.check(source, value, f"<{element.tag} {attribute}>")
            if element.tag == "meta" and (element.get("content") or "").startswith(checker.site_url):
                checker.check(source, element.get("content"), f"<meta {element.get('name') or element.get('property')}>")
    for pattern in TEXT_FILES:
        for file in sorted(sample_site.rglob(pattern)):
            source = file.relative_to(sample_site).as_posix()
            for url in ABSOLUTE_URL.findall(file.read_text(encoding="utf-8", errors="replace")):
                checker.check(source, url.rstrip(".,;)"), "URL")
    return checker


def test_every_internal_link_and_anchor_resolves(links, sample_site):
    assert links.checked > 1000, f"only {links.checked} links checked"
    assert not links.broken, f"{len(links.broken)} broken of {links.checked} links:\n" + "\n".join(links.broken[:60])


def test_feeds_and_sitemap_point_into_the_site(links, sample_site, site_url):
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(site_url) for loc in locations)
    for loc in locations:
        path, _ = links.target("sitemap.xml", loc)
        assert (sample_site / path).is_file(), loc
    feeds = sorted((sample_site / "kanaly").glob("*.xml")) if (sample_site / "kanaly").is_dir() else []
    if not feeds:
        pytest.skip("no feeds in the built site yet")
    for feed in feeds:
        urls = [u for u in ABSOLUTE_URL.findall(feed.read_text(encoding="utf-8")) if u.startswith(site_url)]
        assert urls, f"{feed.name} links nothing in the site"


def test_every_zip_opens_and_is_complete(sample_site):
    archives = sorted(sample_site.rglob("*.zip"))
    assert archives, "the sample site should offer ZIP downloads (lesson kits)"
    for archive in archives:
        with zipfile.ZipFile(archive) as z:
            assert z.testzip() is None, f"{archive.relative_to(sample_site)} has a corrupt member"
            assert z.namelist(), f"{archive.relative_to(sample_site)} is empty"
