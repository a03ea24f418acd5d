"""The search UI and the browser engine in Debian's Chromium, over HTTP and from file://: results
as you type, keyboard only (combobox and listbox), the full results page with filters, escaped
snippets, a clear message when the index cannot be loaded, bad input, and the same ranking as
`wiedza search` (Whoosh)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import MINI
from wiedza import search_index as si


SCRIPT_ARTICLE = """---
id: test-skrypt-1
title: Znaczniki w tekście <script>
type: research-article
date: 2025-05-05
authors: [ewa-nowak]
abstract: Gwiazdozbiór znaczników. Zapis <script>window.__xss = 1</script> ma być widoczny jako tekst.
topics: [spoldzielczosc]
actions: [III.2]
---
## Przykład

W kodzie strony zapis `<script>window.__xss = 2</script>` jest tylko przykładem gwiazdozbioru.
"""

MONOGRAPH = "publikacje/monografia-testowa/index.html"
LESSON = "scenariusze/zestaw-testowy/index.html"
LOAD_ERROR = "Nie udało się wczytać indeksu wyszukiwania"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """tests/fixtures/mini plus an article whose text holds <script> tags, built with its indexes."""
    from wiedza.pipeline import build_site

    base = tmp_path_factory.mktemp("search-browser")
    content = base / "content"
    shutil.copytree(MINI, content)
    (content / "articles" / "znaczniki.md").write_text(SCRIPT_ARTICLE, encoding="utf-8")
    build_site(content, base / "site", cache_dir=base / "cache", search_dir=base / "search")
    return base


@pytest.fixture
def page(new_page):
    return new_page


def problems(page) -> list[str]:
    """What went wrong in the page, except Material's own request for sitemap.xml beside every
    <link rel="alternate"> (the feeds), which 404s: Material reads it for language versions."""
    return page.problems.problems(ignore=("/sitemap.xml",))


def file_url(path: Path, query: str = "") -> str:
    from browser import file_url as url

    return url(path, query)


def focus_search_with_tab(page) -> None:
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "wiedza-search-input":
            return
    pytest.fail("the search box cannot be reached with Tab")


def type_and_wait(page, text: str) -> None:
    """Type like a person, then wait until the list shows the results of the whole text."""
    page.keyboard.type(text, delay=20)
    page.wait_for_function("""q => { const l = document.getElementById('wiedza-search-listbox');
        return l.getAttribute('data-wiedza-query') === q && l.querySelector('[role=option]'); }""", arg=text)


def options(page) -> list[str]:
    return page.eval_on_selector_all("#wiedza-search-listbox [role=option]", "els => els.map(e => e.innerText)")


@pytest.mark.parametrize("over", ["http", "file"])
def test_type_see_results_and_follow_one_by_keyboard(built, page, serve_site, over):
    site = built / "site"
    start = serve_site(site) + "index.html" if over == "http" else file_url(site / "index.html")
    page.goto(start)
    focus_search_with_tab(page)
    box = page.locator("#wiedza-search-input")
    assert box.get_attribute("aria-expanded") == "false"
    type_and_wait(page, "kasy stefcz")               # unfinished last word
    assert box.get_attribute("aria-expanded") == "true"
    found = options(page)
    assert found[0].startswith("Monografia testowa")
    assert "Wszystkie wyniki" in found[-1]
    assert page.locator("#wiedza-search-listbox mark").count() >= 1
    page.keyboard.press("ArrowDown")
    first = page.locator("#wiedza-search-listbox [role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(MONOGRAPH)
    assert problems(page) == []


def test_escape_closes_then_clears(built, page, serve_site):
    page.goto(serve_site(built / "site") + "publikacje/index.html")
    page.keyboard.press("/")                         # the shortcut focuses the box
    type_and_wait(page, "spółdzielnia")
    page.keyboard.press("Escape")
    box = page.locator("#wiedza-search-input")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#wiedza-search-listbox").is_hidden()
    assert box.input_value() == "spółdzielnia"
    page.keyboard.press("Escape")
    assert box.input_value() == ""
    # open, the list can be scrolled from the keyboard: Tab goes into it, Escape comes back
    type_and_wait(page, "spółdzielnia")
    page.keyboard.press("Tab")                      # the "all results" button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.wiedza-search__popup')")
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "wiedza-search-input"
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Shift+Tab")
    page.wait_for_timeout(300)
    assert page.locator("#wiedza-search-listbox").is_hidden()
    assert problems(page) == []


def test_enter_without_choice_opens_the_results_page(built, page):
    page.goto(file_url(built / "site" / "publikacje" / "monografia-testowa" / "index.html"))
    page.locator("#wiedza-search-input").focus()
    type_and_wait(page, "spółdzielnia")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/szukaj.html?q=sp%C3%B3%C5%82dzielnia" in page.url
    page.wait_for_selector(".wiedza-search-results li")
    assert "Wyniki wyszukiwania dla „spółdzielnia”" in page.inner_text("[data-wiedza-search-status]")
    assert problems(page) == []


@pytest.mark.parametrize("over", ["http", "file"])
def test_results_page_with_filters(built, page, serve_site, over):
    site = built / "site"
    query = "?q=sp%C3%B3%C5%82dzielnia&section=scenariusze"
    page.goto(serve_site(site) + "szukaj.html" + query if over == "http" else file_url(site / "szukaj.html", query))
    page.wait_for_selector(".wiedza-search-results li")
    titles = page.eval_on_selector_all(".wiedza-search-results h2", "els => els.map(e => e.innerText)")
    assert titles == ["Zakładamy spółdzielnię"]
    assert page.locator("#wiedza-search-page-input").input_value() == "spółdzielnia"
    assert page.locator("#wiedza-filter-section").input_value() == "scenariusze"
    with page.expect_navigation():
        page.select_option("#wiedza-filter-section", "")
    page.wait_for_selector(".wiedza-search-results li")
    assert page.locator(".wiedza-search-results li").count() >= 2
    with page.expect_navigation():
        page.select_option("#wiedza-filter-audience", "sp-4-6")
    page.wait_for_selector(".wiedza-search-results li")
    assert page.locator(".wiedza-search-results li").count() == 1
    with page.expect_navigation():
        page.locator(".wiedza-search-results a").first.click()
    assert page.url.endswith(LESSON)
    assert problems(page) == []


def test_nothing_found(built, page):
    page.goto(file_url(built / "site" / "szukaj.html", "?q=zzzyxq"))
    page.wait_for_function("document.querySelector('[data-wiedza-search-status]').innerText.includes('Nic nie znaleziono')")
    page.goto(file_url(built / "site" / "index.html"))
    page.locator("#wiedza-search-input").fill("qqqzzz")
    page.wait_for_function("document.querySelector('[data-wiedza-status]').innerText === 'Nic nie znaleziono'")
    assert problems(page) == []


def test_script_in_content_shows_as_text(built, page, serve_site):
    page.goto(serve_site(built / "site") + "index.html")
    page.locator("#wiedza-search-input").fill("gwiazdozbiór znaczników")
    page.wait_for_selector("#wiedza-search-listbox [role=option]")
    text = page.inner_text("#wiedza-search-listbox")
    assert "<script>window.__xss = 1</script>" in text
    html = page.inner_html("#wiedza-search-listbox")
    assert "&lt;script&gt;" in html
    assert page.locator("#wiedza-search-listbox script").count() == 0
    page.goto(serve_site(built / "site") + "szukaj.html?q=gwiazdozbioru+przykladem")
    page.wait_for_selector(".wiedza-search-results li")
    assert "<script>window.__xss = 2</script>" in page.inner_text(".wiedza-search-results")
    assert page.evaluate("window.__xss") is None
    assert problems(page) == []


@pytest.fixture
def damaged(built, tmp_path):
    """A copy of the built site whose index part for "kas…" is removed and for "ucz…" is corrupt."""
    site = tmp_path / "site"
    shutil.copytree(built / "site", site)
    parts = site / "szukaj" / "t"
    kas = [p for p in parts.iterdir() if "kas" in p.read_text(encoding="utf-8")]
    assert kas
    for p in kas:
        p.unlink()
    ucz = [p for p in parts.iterdir() if "uczniowsk" in p.read_text(encoding="utf-8")]
    for p in ucz:
        p.write_text("window.wiedzaIndex.part('u', {{{ to nie jest JavaScript", encoding="utf-8")
    return site


@pytest.mark.parametrize("over", ["http", "file"])
def test_missing_or_corrupt_part_is_reported(damaged, page, serve_site, over):
    start = serve_site(damaged) + "index.html" if over == "http" else file_url(damaged / "index.html")
    page.goto(start)
    box = page.locator("#wiedza-search-input")
    box.fill("kasy")
    page.wait_for_function(f"document.querySelector('[data-wiedza-status]').innerText.includes('{LOAD_ERROR}')")
    assert page.locator(".wiedza-search__popup").is_visible()
    box.fill("uczniowskie")
    page.wait_for_function(f"document.querySelector('[data-wiedza-status]').innerText.includes('{LOAD_ERROR}')")
    rejected = page.evaluate("() => window.wiedza.search('kasy').then(() => 'ok', e => e.name)")
    assert rejected == "WiedzaIndexError"
    page.goto(start.replace("index.html", "szukaj.html") + "?q=kasy")
    page.wait_for_function(
        f"document.querySelector('[data-wiedza-search-status]').innerText.includes('{LOAD_ERROR}')")


def test_slow_part_times_out_with_the_message(built, page):
    """A part that never arrives (a stalled server) ends in the same message, after the timeout."""
    import functools
    import http.server
    import threading
    import time

    from browser import QuietHandler

    class Stalling(QuietHandler):
        def do_GET(self):
            if "/szukaj/t/" in self.path:
                time.sleep(3)
            try:
                return super().do_GET()
            except (BrokenPipeError, ConnectionResetError):   # the page gave up long ago
                return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Stalling, directory=str(built / "site")))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.add_init_script("window.wiedzaSearchTimeoutMs = 700;")
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        page.locator("#wiedza-search-input").fill("kasy")
        page.wait_for_function(
            f"document.querySelector('[data-wiedza-status]').innerText.includes('{LOAD_ERROR}')", timeout=2_500)
    finally:
        server.shutdown()
        server.server_close()


def test_stale_cached_manifest_is_reloaded(built, page):
    """After a rebuild a browser may hold an old manifest.js: parts of the new build are refused,
    the manifest is loaded once more (past the cache) and the search goes on."""
    import functools
    import http.server
    import threading

    from browser import QuietHandler

    site = built / "site"
    current = (site / "szukaj" / "manifest.js").read_text(encoding="utf-8")
    hashes = re.search(r'"hashes":"([A-Za-z0-9_-]+)"', current).group(1)
    old = current.replace(hashes, "A" * len(hashes))     # every part's hash from another build

    requested = []

    class OldManifestFirst(QuietHandler):
        def do_GET(self):
            requested.append(self.path)
            if self.path == "/szukaj/manifest.js":        # what a stale cache would give
                data = old.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/javascript")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            return super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(OldManifestFirst, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        found = page.evaluate("() => window.wiedza.search('kasy').then(r => r.map(x => x.path))")
        assert found and found[0] == MONOGRAPH
        manifests = [p for p in requested if p.startswith("/szukaj/manifest.js")]
        assert manifests[0] == "/szukaj/manifest.js" and manifests[1].startswith("/szukaj/manifest.js?r=")
        # parts are asked for with their own hash, so unchanged ones stay cached across builds
        assert any(re.fullmatch(r"/szukaj/t/\w+\.js\?v=[A-Za-z0-9_-]{6}", p) for p in requested)
    finally:
        server.shutdown()
        server.server_close()


def test_missing_manifest_is_reported(built, page, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built / "site", site)
    (site / "szukaj" / "manifest.js").unlink()
    page.goto(file_url(site / "index.html"))
    page.locator("#wiedza-search-input").fill("kasy")
    page.wait_for_function(f"document.querySelector('[data-wiedza-status]').innerText.includes('{LOAD_ERROR}')")


BAD = ["", "   ", "i w na z", "x" * 10_000, "spółdzielnia " * 2_000, '*?[](){}<>"\'`', "\\", '"', '"""', "„",
       "🙂 spółdzielnia 🎉", "🙂🙂🙂", "Кооператив spółdzielnia 合作社", "\x00\x01", "e-mail", "-", "ż" * 100,
       "\u200b\u2028", "𝐬𝐩𝐨𝐥𝐝𝐳𝐢𝐞𝐥𝐧𝐢𝐚 kasy"]


def test_bad_input_in_the_browser(built, page, serve_site):
    page.goto(serve_site(built / "site") + "index.html")
    results = page.evaluate("""async qs => { const out = [];
        for (const q of qs) { const r = await window.wiedza.search(q, {limit: 5}); out.push(r.map(x => x.path)); }
        return out; }""", BAD)
    for query, found in zip(BAD, results):
        assert found == [r.url for r in si.search(built / "search", query, limit=5)], query
    assert results[0] == [] and results[2] == []
    box = page.locator("#wiedza-search-input")
    box.fill("x" * 10_000)
    box.fill('*?[](){}<>"\'`')
    page.wait_for_function("document.querySelector('[data-wiedza-status]').innerText === 'Nic nie znaleziono'")
    assert problems(page) == []


AGREEMENT = ["spółdzielnia", "spoldzielnie uczniowskie", "kasy stef", "uczeń współpraca", '"spółdzielnie uczniowskie"',
             "zakładanie", "gwiazdozbior", "monografia kas", "spółdzielczość historia ruchu", "kar",
             '"kasy stefczyka" spółdzielnie', "Stefczyk"]


def test_browser_ranks_like_whoosh(built, page, serve_site):
    page.goto(serve_site(built / "site") + "publikacje/monografia-testowa/index.html")
    for query in AGREEMENT:
        js = page.evaluate("q => window.wiedza.search(q, {limit: 10})", query)
        py = si.search(built / "search", query, limit=10)
        assert [r["path"] for r in js] == [r.url for r in py], query
        assert [r["score"] for r in js] == pytest.approx([r.score for r in py], abs=1e-6), query
        assert [r["matched"] for r in js] == [r.matched for r in py], query
    # the same query rules
    for query in [*AGREEMENT, *BAD]:
        js = page.evaluate("q => window.wiedza.parseQuery(q)", query)
        py = [{"kind": c.kind, "terms": list(c.terms), "prefix": c.prefix} for c in si.parse_query(query)]
        assert js == py, query
    # URLs are relative to the page (file:// works), paths to the site root
    first = page.evaluate("() => window.wiedza.search('kasy').then(r => r[0])")
    assert first["url"] == "../../" + MONOGRAPH and first["path"] == MONOGRAPH
    assert "<mark>" in first["snippet"] and first["section"] == "Publikacje"
    assert problems(page) == []


def test_filters_in_the_api(built, page, serve_site):
    page.goto(serve_site(built / "site") + "index.html")
    only = page.evaluate("() => window.wiedza.search('spółdzielnia', {filters: {section: 'scenariusze'}})")
    assert [r["path"] for r in only] == [LESSON]
    assert [r["path"] for r in page.evaluate(
        "() => window.wiedza.search('spółdzielnia kasy', {filters: {topic: 'historia-spoldzielczosci'}})")] == [MONOGRAPH]
    assert page.evaluate("() => window.wiedza.search('spółdzielnia', {limit: 1})").__len__() == 1
    assert page.evaluate("() => window.wiedza.search('spółdzielnia', {limit: 0})") == []


def test_material_search_is_not_loaded(built, page, serve_site):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(serve_site(built / "site") + "index.html")
    page.wait_for_load_state("load")
    assert not [u for u in requested if "workers/search" in u or "/szukaj/" in u]   # index loads on demand
    assert page.locator("[data-md-component=search]").count() == 0
    assert problems(page) == []
