"""Markdown bodies to safe HTML, once, for pages, feeds, search and PDFs alike.

Relative links are resolved here: a link to another content file becomes a link to its page, a
link to an attachment stays as it is (attachments are published beside the page); anything else
is a content error with its line. Raw HTML is sanitised with an allow-list (nh3).
"""
from __future__ import annotations

import hashlib
import json
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
from . import memo
from .paths import RealPaths

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
    """Passes every href and src through `resolve`, which rewrites it and remembers it."""

    def __init__(self, md, resolve):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self.resolve(value))


IFRAME_ATTRIBUTES = {"src", "title", "width", "height", "allowfullscreen", "loading"}
EMPTY_IFRAME = re.compile(r"<iframe\b(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)


def sanitize(html: str, iframe_hosts: tuple[str, ...] = ()) -> str:
    """Allow-list sanitising. An <iframe> survives only with an https src on a host listed in
    site.yml `iframe_hosts` (e.g. a video platform the editors chose); any other is removed."""
    def keep_src(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            parts = urlsplit(value)
            return value if parts.scheme == "https" and parts.hostname in iframe_hosts else None
        return value

    tags = ALLOWED_TAGS | ({"iframe"} if iframe_hosts else set())
    attributes = {**ALLOWED_ATTRIBUTES, **({"iframe": IFRAME_ATTRIBUTES} if iframe_hosts else {})}
    clean = nh3.clean(html, tags=tags, attributes=attributes, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer", strip_comments=True,
                      filter_style_properties={"text-align"}, attribute_filter=keep_src)
    return EMPTY_IFRAME.sub("", clean) if iframe_hosts else clean


def render_markdown(text: str) -> str:
    """Plain rendering for snippets such as worksheets (no link resolution)."""
    return sanitize(_markdown().convert(text))


def _line_of(doc, needle: str) -> int:
    for number, line in enumerate(doc.body.split("\n")):
        if needle in line:
            return doc.body_line + number
    return doc.body_line


class _Resolver:
    """How one document's relative links map to output URLs; a pure function of the site's files,
    so a cached rendering stays valid exactly while its links resolve the same way."""

    def __init__(self, index, doc, by_source: dict[Path, str], real: RealPaths):
        self.page_path = index.path_of(doc)
        self.folder = doc.source.parent
        self.attachment_files = {a.file for a in getattr(doc, "attachments", ())}
        self.by_source = by_source
        self.real = real

    def __call__(self, link: str) -> tuple[str, str | None, str | None]:
        """(rewritten link, problem or None, target source path if the link has a #fragment)."""
        parts = urlsplit(link)
        if parts.scheme or link.startswith("//") or not link or not parts.path:
            return link, None, None  # external, or a same-page anchor (checked after rendering)
        target = posixpath.normpath(unquote(parts.path))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target in self.attachment_files:
            # Markdown attachments are published as pages (see outputs/attachments.py).
            return (urls.relative("x", target[:-3] + ".html") + fragment) if target.endswith(".md") else link, None, None
        source = self.real(self.folder / target)
        if source.is_dir():
            source = source / "index.md"
        if source in self.by_source:
            return urls.relative(self.page_path, self.by_source[source]) + fragment, None, \
                (str(source) if parts.fragment else None)
        return link, "link prowadzi do pliku, którego nie ma w serwisie", None


RENDER_VERSION = "1"  # bump when the Markdown settings or sanitiser change


def _render(doc, resolver: _Resolver, iframe_hosts: tuple[str, ...]) -> tuple[str, list]:
    resolved: dict[str, tuple] = {}

    def rewrite(link: str) -> str:
        resolved[link] = resolver(link)
        return resolved[link][0]

    md = _markdown()
    md.treeprocessors.register(_LinkCollector(md, rewrite), "wiedza_links", 1)
    html = sanitize(md.convert(doc.body), iframe_hosts)
    return html, [[link, list(result)] for link, result in resolved.items()]


def render_bodies(index, report: Report, cache_dir: Path | None = None, real: RealPaths | None = None,
                  digests: dict[Path, str] | None = None) -> dict[str, str]:
    """Render every document body; report broken internal links and anchors. With `cache_dir`,
    a body whose text and link resolutions are unchanged is not rendered again. `digests` (the
    SHA-256 of each source file's bytes, which decide its body) spares hashing the bodies."""
    real = real or RealPaths()
    digests = digests or {}
    docs = index.items + index.pages
    resolved = [real(d.source) for d in docs]
    by_source: dict[Path, str] = {source: index.path_of(d) for source, d in zip(resolved, docs)}
    doc_of_source = {str(source): d for source, d in zip(resolved, docs)}
    cache = _load_cache(cache_dir)
    fresh: dict[str, dict] = {}
    out: dict[str, str] = {}
    foreign_anchors: list[tuple[object, str, object, str]] = []  # (doc, link, target doc, anchor)
    for doc in docs:
        resolver = _Resolver(index, doc, by_source, real)
        key = _key(doc, resolver.page_path, index.settings.iframe_hosts, digests.get(doc.source))
        hit = cache.get(key)
        if hit and all(list(resolver(link)) == result for link, result in hit["links"]):
            html, links = hit["html"], hit["links"]
        else:
            html, links = _render(doc, resolver, index.settings.iframe_hosts)
        fresh[key] = {"html": html, "links": links}
        problems = [(link, result[1]) for link, result in links if result[1]]
        problems += [(link, "w tym dokumencie nie ma takiej kotwicy (nagłówka)") for link, _ in links
                     if link.startswith("#") and len(link) > 1 and unquote(link[1:]) not in _ids(html)]
        for link, result in links:
            if result[2]:
                foreign_anchors.append((doc, link, doc_of_source[result[2]], unquote(urlsplit(link).fragment)))
        for link, why in problems:
            _broken(report, doc, link, why)
        out[doc.id] = html
    for doc, link, target, anchor in foreign_anchors:
        if anchor not in _ids(out[target.id]):
            _broken(report, doc, link, "w dokumencie docelowym nie ma takiej kotwicy (nagłówka)")
    if cache_dir is not None:
        _save_cache(cache_dir, fresh, cache)
    return out


def _key(doc, page_path: str, iframe_hosts: tuple[str, ...], source_digest: str | None) -> str:
    """What a rendering depends on besides its links: the body (by the digest of the file it was
    read from, with the code that read it, when known) and where the page lies."""
    if source_digest:
        return memo.digest(RENDER_VERSION, memo.code_digest(*BODY_CODE), page_path, repr(iframe_hosts), source_digest)
    return hashlib.sha256(f"{RENDER_VERSION}\0{page_path}\0{iframe_hosts}\0{doc.body}".encode()).hexdigest()


BODY_CODE = ("wiedza.content.frontmatter",)   # how a file's bytes become its body


# The cache is split into SHARDS files by the first hex digit of the key, so that an edit rewrites
# one sixteenth of it (the whole would be megabytes for a large site). A shard is one line of JSON,
# [[key, links, length of html], ...], then the entries' HTML one after another: JSON would escape
# every quote of the HTML, and reading those escapes cost more than the rest of an unchanged load.
SHARDS = "0123456789abcdef"


def _shard(data: dict, digit: str) -> dict:
    return {k: v for k, v in data.items() if k[:1] == digit}


def _load_cache(folder: Path | None) -> dict:
    out: dict = {}
    for digit in SHARDS if folder is not None else ():
        out.update((k, v) for k, v in _read_shard(folder / f"{digit}.txt").items() if k[:1] == digit)
    return out


def _read_shard(path: Path) -> dict:
    """The shard's entries; a damaged shard is empty (only slower, never wrong)."""
    try:
        head, _, html = path.read_bytes().decode("utf-8").partition("\n")
        index = json.loads(head)
    except (OSError, ValueError):
        return {}
    out, position = {}, 0
    for item in index if isinstance(index, list) else [None]:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                and isinstance(item[2], int) and item[2] >= 0):
            return {}
        entry = {"html": html[position:position + item[2]], "links": item[1]}
        position += item[2]
        if _valid_entry(entry):
            out[item[0]] = entry
    return out if position == len(html) else {}


def _valid_entry(entry) -> bool:
    return isinstance(entry["links"], list) and all(
        isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) and isinstance(x[1], list) and len(x[1]) == 3
        for x in entry["links"])


def _save_cache(folder: Path, fresh: dict, old: dict) -> None:
    """Rewrite the shards whose entries changed (atomically: two builds may save at once)."""
    for digit in SHARDS:
        mine = _shard(fresh, digit)
        path = folder / f"{digit}.txt"
        if mine != _shard(old, digit) or not path.is_file():
            memo.write_text(path, lambda: json.dumps([[k, e["links"], len(e["html"])] for k, e in mine.items()],
                                                     ensure_ascii=False) + "\n" + "".join(e["html"] for e in mine.values()))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _broken(report: Report, doc, link: str, why: str) -> None:
    report.error(doc.source, f"zepsuty link „{link}”: {why}.", line=_line_of(doc, link), field="treść",
                 hint="Popraw adres: do innego tekstu linkuj jego plik .md (z #kotwicą nagłówka), do załącznika jego nazwę.")
