"""Site-wide files and tags, written after every page exists: robots.txt, and the OpenGraph tags every
page should carry (og:site_name, og:locale, og:title, og:url, og:type, og:description) wherever an
earlier writer (the scholarly metadata of publications) has not already set them."""
from __future__ import annotations

import re

from .. import urls
from .context import BuildContext
from .html import esc

OWNER = "pliki serwisu"
OG_PROPERTY = re.compile(r'<meta\s[^>]*property="(og:[a-z_:]+)"')


def robots_txt(site_url: str) -> str:
    """Everything may be crawled; the sitemap MkDocs writes lists every page."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(site_url, 'sitemap.xml')}\n"


def og_tags(ctx: BuildContext, path: str, page) -> str:
    """The OpenGraph tags this page still lacks."""
    s = ctx.index.settings
    stage = ctx.stage
    site = [render(path) for render in stage.site_head]
    present = set(OG_PROPERTY.findall("\n".join([*site, page.head_html, *stage.head_extra.get(path, [])])))
    wanted = [
        ("og:site_name", s.title),
        ("og:locale", "pl_PL"),
        ("og:type", "website"),
        ("og:title", page.title),
        ("og:url", urls.absolute(s.url, path)),
        ("og:description", page.description or s.description),
    ]
    return "\n".join(f'<meta property="{prop}" content="{esc(value)}">'
                     for prop, value in wanted if prop not in present and value)


def write(ctx: BuildContext) -> None:
    stage = ctx.stage
    stage.write_text("robots.txt", robots_txt(ctx.index.settings.url), OWNER)
    for path, page in sorted(stage.pages.items()):
        tags = og_tags(ctx, path, page)
        if tags:
            stage.add_head(path, tags)
