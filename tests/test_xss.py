"""Well-known XSS vectors in every field an editor controls stay inert in every output: pages,
JSON-LD, feeds, citation exports, search snippets (checked statically and in Chromium)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import lxml.html
import pytest

from conftest import MINI, edit
from wiedza.pipeline import build_site

VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "</script><script>alert(4)</script>",
    "<iframe src=javascript:alert(5)></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(6)>",
    '<!--<img src="--><img src=x onerror=alert(7)//">',
    "{{7*7}} {% raw %}",
    "<a href=\"javascript:alert(8)\">klik</a>",
]
PAYLOAD = " ".join(VECTORS)
YAML_PAYLOAD = json.dumps("Spółdzielnia " + PAYLOAD, ensure_ascii=False)  # a JSON string is a YAML string
ART = "articles/artykul-w-kwartalniku.md"
KIT = "lessons/zestaw-testowy/index.md"
MONO = "articles/monografia-testowa/index.md"
ODD_FILE = 'dane"><img src=x onerror=alert(9)>.csv'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("xss")
    content = root / "content"
    shutil.copytree(MINI, content)
    edit(content / ART, "title: Spółdzielnie w szkołach & <kooperacja>", f"title: {YAML_PAYLOAD}")
    edit(content / ART, "abstract: Krótki abstrakt o spółdzielniach uczniowskich.", f"abstract: {YAML_PAYLOAD}")
    edit(content / ART, "Spółdzielnie uczniowskie uczą współpracy.",
         f"Spółdzielnie uczą. {PAYLOAD}\n\n[klik](javascript:alert(10)) [dane](data:text/html,<script>alert(11)</script>)")
    edit(content / KIT, "summary: Zajęcia o zakładaniu spółdzielni uczniowskiej.", f"summary: {YAML_PAYLOAD}")
    edit(content / "authors.yml", "given: Ewa", f"given: {json.dumps('Ewa ' + VECTORS[2])}")
    folder = content / MONO.rsplit("/", 1)[0]
    (folder / "dane.csv").rename(folder / ODD_FILE)
    edit(content / MONO, "file: dane.csv", f"file: {json.dumps(ODD_FILE)}")
    edit(content / MONO, "title: Dane do monografii", f"title: {YAML_PAYLOAD}")
    edit(content / MONO, "[Dane](dane.csv)", "Dane w załączniku")
    site = root / "site"
    build_site(content, site, cache_dir=root / "cache")
    return site


def _pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_no_script_element_or_handler_comes_from_content(hostile_site):
    for page in _pages(hostile_site):
        doc = lxml.html.fromstring(page.read_bytes())
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (page, element.tag, name)
                if name in ("href", "src", "action", "formaction"):
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (page, value)
            if element.tag == "script":
                text = element.text or ""
                assert "alert(" not in text or element.get("type") == "application/ld+json", (page, text[:200])
            assert element.tag not in ("iframe", "embed", "object"), (page, element.tag)


def test_json_ld_stays_json_and_cannot_close_its_script(hostile_site):
    seen = 0
    for page in _pages(hostile_site):
        raw = page.read_text(encoding="utf-8")
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, flags=re.S):
            json.loads(block)
            assert "</" not in block.replace("<\\/", "")
            seen += 1
    assert seen >= 3


def test_feeds_parse_and_carry_no_active_markup(hostile_site):
    for feed in sorted((hostile_site / "kanaly").glob("*.xml")):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, feed
        for entry in parsed.entries:
            details = list(entry.get("content", [])) + ([entry.summary_detail] if "summary_detail" in entry else [])
            # plain-text parts (type text) may show the vectors as text; HTML parts must be inert
            for html in [d.value for d in details if d.type in ("text/html", "application/xhtml+xml")]:
                fragment = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
                for element in fragment.iter():
                    if isinstance(element.tag, str):
                        assert element.tag not in ("script", "iframe", "svg", "math"), (feed, element.tag)
                        assert not any(a.lower().startswith("on") for a in element.attrib), (feed, element.tag)
                        assert not re.match(r"\s*javascript:", element.get("href", ""), re.I)


def test_citation_exports_are_plain_data(hostile_site):
    data = json.loads((hostile_site / "publikacje/wszystkie.json").read_text(encoding="utf-8"))
    assert any("alert(1)" in item.get("title", "") for item in data), "the title is kept as text, not dropped"
    for name in ("wszystkie.bib", "wszystkie.ris"):
        assert "Spółdzielnia" in (hostile_site / "publikacje" / name).read_text(encoding="utf-8")


def test_odd_file_name_is_published_under_a_safe_link(hostile_site):
    page = (hostile_site / "publikacje/monografia-testowa/index.html").read_text(encoding="utf-8")
    assert (hostile_site / "publikacje/monografia-testowa" / ODD_FILE).is_file()
    assert "dane%22%3E%3Cimg" in page or "dane&quot;&gt;&lt;img" in page


def test_nothing_runs_in_a_real_browser(hostile_site, browser):
    """Every page with a vector, and the search with a query hitting them: no dialog ever opens."""
    pages = ["index.html", "publikacje/index.html", "publikacje/artykul-w-kwartalniku/index.html",
             "publikacje/monografia-testowa/index.html", "scenariusze/index.html",
             "scenariusze/zestaw-testowy/index.html", "autorzy/ewa-nowak.html", "tematy/spoldzielnie-uczniowskie.html",
             "czasopisma/kwartalnik-testowy/1-1.html", "szukaj.html?q=spółdzielnia%20alert%20script"]
    context = browser.new_context()
    dialogs: list[str] = []
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for page in pages:
            path, _, query = page.partition("?")
            tab.goto((hostile_site / path).as_uri() + (f"?{query}" if query else ""))
            tab.wait_for_timeout(300)
        search = tab.locator("input[type=search], input[role=combobox]").first
        search.fill("alert")
        tab.wait_for_timeout(800)
        search.fill("Spółdzielnia img")
        tab.wait_for_timeout(800)
    finally:
        context.close()
    assert dialogs == []
