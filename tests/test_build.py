"""The real build (our pipeline + MkDocs + Material) of the small content tree."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import MINI, edit
from wiedza.errors import ContentInvalid
from wiedza.pipeline import build_site


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


EXPECTED_PAGES = [
    "index.html", "404.html", "sitemap.xml",
    "publikacje/index.html", "publikacje/typ/monograph.html", "publikacje/rok/2025.html",
    "publikacje/artykul-w-kwartalniku/index.html", "publikacje/monografia-testowa/index.html",
    "publikacje/monografia-testowa/dane.csv",
    "czasopisma/index.html", "czasopisma/kwartalnik-testowy/index.html", "czasopisma/kwartalnik-testowy/1-1.html",
    "scenariusze/index.html", "scenariusze/zestaw-testowy/index.html", "scenariusze/zestaw-testowy/karta-pracy.html",
    "scenariusze/odbiorcy/sp-4-6.html", "scenariusze/czas/46-90-min.html", "scenariusze/dzialanie/iii-3.html",
    "tematy/index.html", "tematy/spoldzielnie-uczniowskie.html", "autorzy/index.html", "autorzy/ewa-nowak.html",
    "program/index.html", "program/iii-2.html", "program/i-1.html", "deklaracja-dostepnosci.html",
]


@pytest.mark.parametrize("page", EXPECTED_PAGES)
def test_every_page_type_is_built(mini_site, page):
    assert (mini_site / page).is_file()


def test_pages_are_polish_and_escaped(mini_site):
    html = (mini_site / "publikacje/artykul-w-kwartalniku/index.html").read_text(encoding="utf-8")
    assert '<html lang="pl"' in html
    assert "Spółdzielnie w szkołach &amp; &lt;kooperacja&gt;" in html
    outside_scripts = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    assert "<kooperacja>" not in outside_scripts
    assert "<title>Spółdzielnie w szkołach &amp; &lt;kooperacja&gt; - Wiedza</title>" in html


def test_internal_link_in_body_points_to_the_built_page(mini_site):
    html = (mini_site / "publikacje/artykul-w-kwartalniku/index.html").read_text(encoding="utf-8")
    assert 'href="../monografia-testowa/index.html#rozdzial-pierwszy"' in html
    target = mini_site / "publikacje/monografia-testowa/index.html"
    assert 'id="rozdzial-pierwszy"' in target.read_text(encoding="utf-8")


def test_kit_page_shows_card_and_labelled_downloads(mini_site):
    html = (mini_site / "scenariusze/zestaw-testowy/index.html").read_text(encoding="utf-8")
    for text in ("Metryczka zajęć", "10–12 lat", "2 spotkania × 45 min", "Uczeń wyjaśnia", "WOS-test", 'rel="license"', "1.10"):
        assert text in html
    assert re.search(r'href="notatki\.txt"[^>]*>Notatki</a> <span class="wiedza-filemeta">\(TXT, \d+ B\)', html)


def test_no_request_leaves_the_site(mini_site):
    for page in mini_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Tags whose URL the browser fetches by itself (canonical, alternate, schema.DC are not fetched).
        fetched = re.findall(r"<(?:script|img|iframe|source|audio|video)\b[^>]*>", html) + [
            tag for tag in re.findall(r"<link\b[^>]*>", html)
            if re.search(r'rel="(?:stylesheet|icon|preload|modulepreload|manifest|apple-touch-icon|prefetch)"', tag)]
        for tag in fetched:
            assert not re.search(r'(?:src|href)="(?:https?:)?//', tag), (page, tag)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_navigation_does_not_list_items(mini_site):
    html = (mini_site / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary'):]
    nav = nav[: nav.index("</nav>")]
    assert "artykul-w-kwartalniku" not in nav


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_site(MINI, a)
    build_site(MINI, b)
    assert tree_hashes(a) == tree_hashes(b)


def test_failed_build_leaves_previous_site_untouched(mini, tmp_path):
    site = tmp_path / "site"
    build_site(mini, site)
    before = tree_hashes(site)
    edit(mini / "articles/artykul-w-kwartalniku.md", "date: 2025-03-01", "date: wczoraj")
    with pytest.raises(ContentInvalid):
        build_site(mini, site)
    assert tree_hashes(site) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir() and p.name != ".cache") == ["content", "site"], "no stray temporary dirs"


def test_rebuild_replaces_site_and_leaves_nothing_behind(mini, tmp_path):
    site = tmp_path / "site"
    build_site(mini, site)
    edit(mini / "articles/artykul-w-kwartalniku.md", "Krótki abstrakt", "Zmieniony abstrakt")
    build_site(mini, site)
    assert "Zmieniony abstrakt" in (site / "publikacje/artykul-w-kwartalniku/index.html").read_text(encoding="utf-8")
    # besides site/, only the previous site kept as the next build's spare tree (see wiedza.publish)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir() and p.name != ".cache") == [".site-spare", "content", "site"]
    assert "Krótki abstrakt" in (tmp_path / ".site-spare/publikacje/artykul-w-kwartalniku/index.html").read_text(encoding="utf-8")
