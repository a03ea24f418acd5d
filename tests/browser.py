"""Shared Playwright helpers (loaded by conftest.py): built sites served over HTTP from a thread,
and a record of what went wrong in a page. The browser is conftest's session `browser`.

Fixtures
    chromium      conftest's session browser, by a name that says which one
    serve_site    serve_site(folder) -> "http://127.0.0.1:PORT/" serving that folder (python
                  http.server in a thread; one server per folder, stopped at the end of the session)
    new_page      a page in a fresh browser context (no cache, no storage), closed after the test;
                  page.problems (a Watch) records what went wrong in it: problems() lists console
                  errors, uncaught exceptions, failed requests and HTTP errors
Helpers (import them inside a test, after pytest has loaded this plugin)
    watch(page)   start recording a page's problems; returns the Watch
    file_url(path, query="")  file:// URL of a file
"""
from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest



class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files as they are (like a plain web server), without a log line per request."""

    def log_message(self, *args):
        pass




@pytest.fixture(scope="module")
def chromium(browser):
    """The same browser, by a name that says which one."""
    return browser


@pytest.fixture(scope="session")
def serve_site():
    """A function: folder -> base URL of a loopback HTTP server for it."""
    servers: dict[Path, tuple[http.server.ThreadingHTTPServer, str]] = {}

    def serve(folder: Path) -> str:
        folder = Path(folder).resolve()
        if folder not in servers:
            server = http.server.ThreadingHTTPServer(
                ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[folder] = (server, f"http://127.0.0.1:{server.server_address[1]}/")
        return servers[folder][1]

    yield serve
    for server, _ in servers.values():
        server.shutdown()
        server.server_close()


def file_url(path: Path, query: str = "") -> str:
    return "file://" + quote(str(Path(path).resolve())) + (query or "")


@pytest.fixture
def new_page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = watch(page)
    yield page
    context.close()


@dataclass
class Watch:
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    def problems(self, local_only: bool = True, ignore: tuple[str, ...] = ()) -> list[str]:
        """Uncaught exceptions, console errors, failed requests and HTTP errors, each a line. With
        local_only, requests to other hosts (the site's public URL, which does not exist in tests)
        are left out; `ignore` leaves out lines containing any of these strings (e.g. a URL)."""
        lines = [*(f"exception: {e}" for e in self.page_errors), *(f"console: {c}" for c in self.console_errors),
                 *(f"request failed: {u}" for u in self.failed), *(f"HTTP error: {u}" for u in self.http_errors)]
        if local_only:
            lines = [line for line in lines if _is_local(line.rsplit(" ", 1)[-1]) or line.startswith("exception")]
        return [line for line in lines if not any(part in line for part in ignore)]


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("", "file") or parts.hostname in ("127.0.0.1", "localhost", "::1")


def watch(page) -> Watch:
    record = Watch()
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and record.console_errors.append(
        f"{message.text} at {(message.location or {}).get('url') or 'page'}"))
    page.on("requestfailed", lambda request: record.failed.append(request.url))
    page.on("response", lambda response: response.status >= 400
            and record.http_errors.append(f"{response.status} {response.url}"))
    return record
