"""sitemap.xml: every page, with the date its content last changed (never the build date).
Written by us rather than the engine, so an incremental build gives the same bytes as a clean one."""
from __future__ import annotations

from xml.sax.saxutils import escape

from .. import urls
from .context import BuildContext

PATH = "sitemap.xml"


def write(ctx: BuildContext) -> None:
    site_url = ctx.index.settings.url
    rows = []
    for path, page in sorted(ctx.stage.pages.items()):
        lastmod = f"<lastmod>{page.modified}</lastmod>" if page.modified else ""
        rows.append(f"  <url><loc>{escape(urls.absolute(site_url, path))}</loc>{lastmod}</url>")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           + "\n".join(rows) + "\n</urlset>\n")
    ctx.stage.write_text(PATH, xml, "mapa serwisu")
