"""No request leaves the site and nothing is stored as a cookie: every page type loaded in headless
Chromium over HTTP from 127.0.0.1 and from file://, with every request checked before it is sent."""
from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.register_assert_rewrite("site_build")   # before importing it: it is loaded as a plugin too
from site_build import PAGE_TYPES, find_page  # noqa: E402


SETTLE_MS = 700   # Material fetches sitemaps after the page has loaded; give late requests time to start
PARALLEL = 4      # tabs loaded before one shared settling pause
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def visit_all(browser, base: str, allowed_prefix: str, sample_site) -> tuple[list[str], list[str], int]:
    """Load every page type, PARALLEL tabs at a time, and let each settle; (refused requests, cookies, pages)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guards: dict = {}
    refused: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(allowed_prefix) or url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            frame = route.request.frame
            refused.append(f"{guards.get(frame.page, '?') if frame else '?'}: {route.request.resource_type} {url}")
            route.abort("blockedbyclient")

    context.route("**/*", route)
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    cookies: list[str] = []
    pages = [context.new_page() for _ in range(PARALLEL)]
    for page in pages:
        page.on("websocket", lambda ws, page=page: refused.append(f"{guards.get(page)}: websocket {ws.url}"))
    kinds = [(kind, path) for kind in PAGE_TYPES if (path := find_page(sample_site, kind))]
    try:
        for batch in (kinds[i:i + PARALLEL] for i in range(0, len(kinds), PARALLEL)):
            for page, (_, path) in zip(pages, batch):
                guards[page] = path
                page.goto(base + quote(path, safe="/?=&"), wait_until="load")
            pages[0].wait_for_timeout(SETTLE_MS)
            for page, (_, path) in zip(pages, batch):
                document_cookie = page.evaluate("document.cookie")
                if document_cookie:
                    cookies.append(f"{path}: document.cookie = {document_cookie!r}")
        cookies += [f"cookie {c['name']} for {c['domain']}" for c in context.cookies()]
    finally:
        context.close()
    outside = [u for u in seen if not (u.startswith(allowed_prefix) or u.startswith(LOCAL_SCHEMES))]
    assert set(outside) <= {r.rsplit(" ", 1)[-1] for r in refused}, "a request escaped the route guard"
    return refused, cookies, len(kinds)


def test_no_third_party_request_and_no_cookie_over_http(browser, http_root, sample_site):
    refused, cookies, visited = visit_all(browser, http_root, http_root, sample_site)
    assert visited >= 15
    assert not refused, f"requests to other hosts from {visited} pages loaded over HTTP:\n" + "\n".join(refused)
    assert not cookies, "cookies were set:\n" + "\n".join(cookies)


def test_no_request_outside_the_files_when_opened_from_disk(browser, sample_site):
    base = sample_site.as_uri() + "/"
    refused, cookies, visited = visit_all(browser, base, "file:", sample_site)
    assert visited >= 15
    assert not refused, f"requests that are not local files from {visited} pages opened from disk:\n" + "\n".join(refused)
    assert not cookies, "cookies were set:\n" + "\n".join(cookies)
