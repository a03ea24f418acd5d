"""Shared session fixtures over the full sample site (content/): one build and one local HTTP server
per test session (loaded by conftest.py): `sample_site` (the built site/), `site_url` (the public URL
from content/site.yml), `http_root` (http://127.0.0.1:PORT/ serving the site). The browser is
conftest's session `browser`.
`PAGE_TYPES` names one representative page of every kind, found in whatever the build produced."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
ARTIFACTS = ROOT / "test-artifacts"

# kind -> (glob patterns in the built site, required?, query string). The largest matching file is
# taken (the page with the most on it). Optional kinds belong to features that may not exist yet.
PAGE_TYPES: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "strona-glowna": (("index.html",), True, ""),
    "katalog-publikacji": (("publikacje/index.html",), True, ""),
    "katalog-scenariuszy": (("scenariusze/index.html",), True, ""),
    "czasopisma": (("czasopisma/index.html",), True, ""),
    "tematy": (("tematy/index.html",), True, ""),
    "autorzy": (("autorzy/index.html",), True, ""),
    "program": (("program/index.html",), True, ""),
    "zestaw-zajec": (("scenariusze/*/index.html",), True, ""),
    "karta-pracy": (("scenariusze/*/*.html",), False, ""),
    "publikacja": (("publikacje/*/index.html",), True, ""),
    "publikacje-rodzaj": (("publikacje/typ/*.html",), True, ""),
    "publikacje-rok": (("publikacje/rok/*.html",), True, ""),
    "czasopismo": (("czasopisma/*/index.html",), True, ""),
    "numer-czasopisma": (("czasopisma/*/*-*.html",), True, ""),
    "autor": (("autorzy/*.html",), True, ""),
    "temat": (("tematy/*.html",), True, ""),
    "dzialanie-programu": (("program/*.html",), True, ""),
    "scenariusze-filtr": (("scenariusze/odbiorcy/*.html",), True, ""),
    "tekst-latwy": (("tekst-latwy-do-czytania.html",), True, ""),
    "kanaly": (("kanaly.html",), False, ""),
    "wyszukiwanie": (("szukaj.html",), False, "?q=spółdzielnia"),
    "deklaracja-dostepnosci": (("deklaracja-dostepnosci.html",), True, ""),
    "404": (("404.html",), True, ""),
}
# The pages whose screenshots are kept as test artefacts.
MAIN_PAGES = ("strona-glowna", "katalog-publikacji", "katalog-scenariuszy", "zestaw-zajec", "publikacja",
              "numer-czasopisma", "wyszukiwanie", "kanaly", "deklaracja-dostepnosci", "404")


def _fits(path: Path, pattern: str) -> bool:
    """`x/*.html` means pages beside an index, not the index; `a/*/b.html` a page of an item folder."""
    if pattern.endswith("index.html"):
        return True
    if path.name == "index.html":
        return False
    return "/*/" not in pattern or (path.parent / "index.html").is_file()


def find_page(site: Path, kind: str) -> str | None:
    """The site-relative path (with query) of the page representing `kind`, or None if there is none."""
    patterns, _, query = PAGE_TYPES[kind]
    found = [p for pattern in patterns for p in site.glob(pattern) if p.is_file() and _fits(p, pattern)]
    if not found:
        return None
    best = max(sorted(found), key=lambda p: p.stat().st_size)
    return best.relative_to(site).as_posix() + query


def page_or_skip(site: Path, kind: str) -> str:
    path = find_page(site, kind)
    if path is None:
        required = PAGE_TYPES[kind][1]
        if required:
            pytest.fail(f"the built sample site has no page of kind {kind!r} ({PAGE_TYPES[kind][0]})")
        pytest.skip(f"no {PAGE_TYPES[kind][0][0]} in the built site yet (that feature is not there yet)")
    return path


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """content/ built once with the real pipeline and MkDocs."""
    from wiedza.pipeline import build_site

    base = tmp_path_factory.mktemp("sample")
    build_site(SAMPLE, base / "site", cache_dir=base / "cache")
    return base / "site"


@pytest.fixture(scope="session")
def site_url() -> str:
    url = yaml.safe_load((SAMPLE / "site.yml").read_text(encoding="utf-8"))["url"]
    return url if url.endswith("/") else url + "/"


# Test tools the server also offers (outside the site, under a path the site never uses), so the
# browser caches them between pages: /__tests__/axe.min.js
TOOLS = {"/__tests__/axe.min.js": ROOT / "node_modules" / "axe-core" / "axe.min.js"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static server like the real one: files as they are, 404.html for anything missing."""

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        tool = TOOLS.get(self.path)
        if tool is None:
            return super().do_GET()
        data = tool.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(data)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        data = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


@pytest.fixture(scope="session")
def http_root(sample_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(sample_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


