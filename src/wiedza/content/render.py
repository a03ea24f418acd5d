"""Markdown bodies to safe HTML, once, for pages, feeds, search and PDFs alike.

Relative links are resolved here: a link to another content file becomes a link to its page, a
link to an attachment stays as it is (attachments are published beside the page); anything else
is a content error with its line. Raw HTML is sanitised with an allow-list (nh3).
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .. import urls
from ..errors import Report
from ..slugs import safe_slug

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"slugify": safe_slug}}


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


class _LinkCollector(Treeprocessor):
    """Rewrites relative links to content files and records every link and heading id."""

    def __init__(self, md, resolve):
        super().__init__(md)
        self.resolve = resolve
        self.links: list[str] = []

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    self.links.append(value)
                    element.set(attribute, self.resolve(value))


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True,
                     filter_style_properties={"text-align"})


def render_markdown(text: str) -> str:
    """Plain rendering for snippets such as worksheets (no link resolution)."""
    return sanitize(_markdown().convert(text))


def _line_of(doc, needle: str) -> int:
    for number, line in enumerate(doc.body.split("\n")):
        if needle in line:
            return doc.body_line + number
    return doc.body_line


def render_bodies(index, report: Report) -> dict[str, str]:
    """Render every document body; report broken internal links and anchors."""
    by_source: dict[Path, str] = {d.source.resolve(): index.path_of(d) for d in index.items + index.pages}
    doc_of_source = {d.source.resolve(): d for d in index.items + index.pages}
    out: dict[str, str] = {}
    foreign_anchors: list[tuple[object, str, object, str]] = []  # (doc, link, target doc, anchor)
    for doc in index.items + index.pages:
        page_path = index.path_of(doc)
        folder = doc.source.parent
        attachment_files = {a.file for a in getattr(doc, "attachments", ())}
        problems: list[tuple[str, str]] = []

        def resolve(link: str) -> str:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//") or not link:
                return link
            if not parts.path:
                return link  # same-page anchor, checked below
            target = posixpath.normpath(unquote(parts.path))
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            if target in attachment_files:
                # Markdown attachments are published as pages (see outputs/attachments.py).
                return (urls.relative("x", target[:-3] + ".html") + fragment) if target.endswith(".md") else link
            source = (folder / target).resolve()
            if source.is_dir():
                source = source / "index.md"
            if source in by_source:
                if parts.fragment:
                    foreign_anchors.append((doc, link, doc_of_source[source], unquote(parts.fragment)))
                return urls.relative(page_path, by_source[source]) + fragment
            problems.append((link, "link prowadzi do pliku, którego nie ma w serwisie"))
            return link

        md = _markdown()
        collector = _LinkCollector(md, resolve)
        md.treeprocessors.register(collector, "wiedza_links", 1)
        html = sanitize(md.convert(doc.body))
        for link in collector.links:
            if link.startswith("#") and len(link) > 1 and unquote(link[1:]) not in _ids(html):
                problems.append((link, "w tym dokumencie nie ma takiej kotwicy (nagłówka)"))
        for link, why in problems:
            _broken(report, doc, link, why)
        out[doc.id] = html
    for doc, link, target, anchor in foreign_anchors:
        if anchor not in _ids(out[target.id]):
            _broken(report, doc, link, "w dokumencie docelowym nie ma takiej kotwicy (nagłówka)")
    return out


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _broken(report: Report, doc, link: str, why: str) -> None:
    report.error(doc.source, f"zepsuty link „{link}”: {why}.", line=_line_of(doc, link), field="treść",
                 hint="Popraw adres: do innego tekstu linkuj jego plik .md (z #kotwicą nagłówka), do załącznika jego nazwę.")
