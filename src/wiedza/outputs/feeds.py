"""Atom 1.0 and RSS 2.0 feeds (feedgen) for the site, its sections, topics, programme actions,
periodicals and authors. Autodiscovery links, the feeds page and the OPML list are in
feeds_page.py.

Rules kept here: an entry's id is a tag: URI from the document's permanent id (it survives slug
and title changes); times come from content (aware, Europe/Warsaw), never from the clock, so two
builds give the same bytes; every URL is absolute, also inside the content; text that XML cannot
carry (control characters) is dropped. feedgen 1.0.0 writes only `href` on Atom entry links (its
issue #135: enclosures lose type and length, the page link its rel and type) and its RSS enclosure
goes through the same links, so entry links are written by the small extension `_EntryExtras`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape, unescape
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .. import urls
from . import feeds_cache
from ..content.models import Lesson
from ..content.render import ALLOWED_ATTRIBUTES
from .context import BuildContext, FeedLink

OWNER = "kanały RSS i Atom"
MIME = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
LABEL = {"atom": "Atom", "rss": "RSS 2.0"}
ICON, LOGO = "assets/wiedza/favicon.svg", "assets/wiedza/logo.svg"
GROUPS = {"site": "Cały serwis", "section": "Działy", "topic": "Tematy", "action": "Działania programu",
          "periodical": "Czasopisma", "author": "Autorki i autorzy"}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Everything XML 1.0 cannot carry: C0 controls except tab/newline/return, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The URL attribute of a start tag, in sanitised (nh3) HTML: the allow-list decides which tags have
# one (a href, img src: one each); text '<' is always escaped, attribute values always double-quoted.
_URL_TAGS = sorted(t for t, attrs in ALLOWED_ATTRIBUTES.items() if t != "*" and attrs & {"href", "src"})
_URL_ATTR = re.compile(rf'(<(?:{"|".join(_URL_TAGS)})(?=\s)[^>"]*(?:"[^"]*"[^>"]*)*?\s(?:href|src)=")([^"]*)"')
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")

try:
    GENERATOR_VERSION = version("wiedza")
except PackageNotFoundError:  # running from a source tree without installing
    GENERATOR_VERSION = ""


def clean(text: str) -> str:
    """Text safe for XML: characters XML 1.0 forbids (e.g. \\x0b) are removed."""
    return _NOT_XML.sub("", text)


def absolute_url(base: str, value: str) -> str:
    """Resolve a link found on the page whose absolute URL is `base`, as urljoin does; the common
    forms ('file.pdf', '../../x/index.html#a') without its cost."""
    value = value.strip()
    if not value or _SCHEME.match(value):
        return value or base
    if value.startswith("#"):
        return base.partition("#")[0] + value
    origin = base.find("/", base.find("//") + 2) + 1 if "//" in base else 0   # after "https://host/"
    folder, rest = base[: base.rfind("/") + 1], value
    while rest.startswith("../") and len(folder) > origin:
        folder, rest = folder[: folder.rstrip("/").rfind("/") + 1], rest[3:]
    if rest.startswith(("/", "?", "../")) or "/." in "/" + rest or not origin:   # the general rule
        return urljoin(base, value)
    return folder + rest


def absolutize(html: str, base: str) -> str:
    """Make every href and src in sanitised HTML absolute (relative ones are relative to `base`)."""
    if "href=" not in html and "src=" not in html:
        return html
    done: dict[str, str] = {}

    def fix(match: re.Match) -> str:
        value = match.group(2)
        if value not in done:
            done[value] = escape(absolute_url(base, unescape(value) if "&" in value else value), quote=True)
        return f'{match.group(1)}{done[value]}"'
    return _URL_ATTR.sub(fix, html)


def tag_uri(settings, specific: str) -> str:
    return f"tag:{settings.tag_authority}:{specific}"


def enclosures(ctx: BuildContext, doc) -> tuple[list, object]:
    """(all downloads for Atom, the one main download for RSS or None); pages (.html) are not files."""
    files = list({d.path: d for d in ctx.downloads.get(doc.id, []) if d.extension != "html"}.values())
    main = None
    if isinstance(doc, Lesson):
        main = next((d for d in files if d.kind == "kit"), None)
    main = main or next((d for d in files if d.main), None) or next((d for d in files if d.extension == "pdf"), None)
    if main is not None:
        files = [main] + [d for d in files if d is not main]
    return files, main


class _EntryExtras(BaseEntryExtension):
    """Writes entry links with all their attributes: Atom <link>s (the page and every file, replacing
    feedgen's href-only ones) and the single RSS <enclosure>; and xml:lang of a non-Polish entry."""

    def __init__(self):
        self.atom: list[dict] = []      # attributes of each Atom link, in order
        self.rss: dict | None = None    # attributes of the RSS enclosure
        self.lang: str | None = None

    def extend_atom(self, entry):
        if self.lang:
            entry.set(XML_LANG, self.lang)
        broken = entry.findall("link")
        position = entry.index(broken[0]) if broken else len(entry)
        for element in broken:
            entry.remove(element)
        for offset, attrs in enumerate(self.atom):
            entry.insert(position + offset, etree.Element("link", **attrs))
        return entry

    def extend_rss(self, item):
        if self.rss:
            etree.SubElement(item, "enclosure", **self.rss)
        return item


class _Entry(FeedEntry):
    """A feedgen entry that builds its XML once per format. Feeds are serialised one after another,
    so the element simply moves into the next feed's tree (an item is in several feeds)."""

    _atom = _rss = None

    def atom_entry(self, extensions=True):
        if self._atom is None:
            self._atom = super().atom_entry(extensions)
        return self._atom

    def rss_entry(self, extensions=True):
        if self._rss is None:
            self._rss = super().rss_entry(extensions)
        return self._rss


class _FeedExtras(BaseExtension):
    """Atom <logo> only: feedgen's logo() would also make an RSS <image>, which may not be SVG."""

    logo: str = ""

    def extend_atom(self, feed):
        if self.logo:
            etree.SubElement(feed, "logo").text = self.logo
        return feed


@dataclass(frozen=True)
class FeedSpec:
    name: str           # file stem: kanaly/<name>.atom.xml, kanaly/<name>.rss.xml
    group: str          # a key of GROUPS
    label: str          # short name on the feeds page, e.g. the topic's name
    title: str
    subtitle: str
    page: str           # the matching HTML page (output path)
    docs: tuple         # newest first, at most settings.feed_limit
    total: int          # documents in scope before the limit

    def path(self, kind: str) -> str:
        return urls.feed(self.name, kind)


def feed_specs(index) -> list[FeedSpec]:
    """Every feed of the site, in the order the feeds page lists them."""
    s, vocab = index.settings, index.vocab
    short = s.short_title
    def spec(name, group, label, title, subtitle, page, docs):
        docs = tuple(docs)
        return FeedSpec(name, group, clean(label), clean(title), clean(subtitle), page, docs[: s.feed_limit], len(docs))

    out = [
        spec(urls.feed_name_site(), "site", "Wszystkie nowości", f"{short}: wszystkie nowości",
             f"Nowe publikacje i scenariusze zajęć w serwisie {s.title}.", "index.html", index.items),
        spec(urls.feed_name_research(), "section", "Publikacje", f"{short}: publikacje",
             "Nowe badania, monografie, raporty, artykuły z czasopism i wkładki do prasy.",
             f"{urls.RESEARCH}/index.html", index.research),
        spec(urls.feed_name_lessons(), "section", "Scenariusze zajęć", f"{short}: scenariusze zajęć",
             "Nowe scenariusze zajęć z kartami pracy dla szkół i edukacji pozaformalnej.",
             f"{urls.LESSONS}/index.html", index.lessons),
    ]
    for key, term in vocab.topics.items():
        out.append(spec(urls.feed_name_topic(key), "topic", term.name, f"{short}: temat „{term.name}”",
                        term.description or f"Nowe materiały w temacie „{term.name}”.", urls.topic(key), index.by_topic(key)))
    for key, action in vocab.actions.items():
        out.append(spec(urls.feed_name_action(key), "action", f"{key} {action.name}", f"{short}: działanie {key} {action.name}",
                        action.description or f"Nowe materiały działania {key}.", urls.action(key), index.by_action(key)))
    for key, periodical in sorted(index.periodicals.items()):
        out.append(spec(urls.feed_name_periodical(key), "periodical", periodical.title, f"{short}: {periodical.title}",
                        f"Nowe artykuły z czasopisma „{periodical.title}” (ISSN {periodical.issn}).",
                        urls.periodical(key), index.in_periodical(key)))
    for key, author in sorted(index.authors.items(), key=lambda kv: (kv[1].family, kv[1].given, kv[0])):
        out.append(spec(urls.feed_name_author(key), "author", author.name, f"{short}: {author.name}",
                        f"Nowe publikacje i scenariusze zajęć, autorstwo lub współautorstwo: {author.name}.",
                        urls.author(key), index.by_author(key)))
    return out


def build_entry(ctx: BuildContext, doc) -> FeedEntry:
    """One entry, shared by every feed that lists the document (feedgen entries can be reused)."""
    index = ctx.index
    s, vocab = index.settings, index.vocab
    site = s.url
    page_url = index.url_of(doc)
    fe = _Entry()
    fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    fe.register_extension("wiedza", _EntryExtras, atom=True, rss=True)
    fe.id(tag_uri(s, doc.id))                       # also the RSS guid, isPermaLink="false"
    fe.title(clean(doc.title))
    fe.link(href=page_url, rel="alternate", type="text/html")   # the RSS <link>; Atom links: _EntryExtras
    fe.published(doc.date)
    fe.updated(doc.modified)
    authors = [index.authors[k] for k in doc.authors]
    fe.author([{"name": clean(a.name), "uri": urls.absolute(site, urls.author(a.key))} for a in authors])
    fe.dc.dc_creator([clean(a.name) for a in authors])   # RSS <author> must be an e-mail address
    kind = ("Scenariusz zajęć", f"{urls.LESSONS}/index.html") if isinstance(doc, Lesson) else \
        (vocab.types[doc.type].name, f"{urls.RESEARCH}/index.html")
    categories = [{"term": clean(vocab.topics[t].name), "scheme": urls.absolute(site, "tematy/index.html")}
                  for t in doc.topics]
    categories.append({"term": clean(kind[0]), "scheme": urls.absolute(site, kind[1])})
    fe.category(categories)
    summary = clean(doc.summary)
    fe.description(escape(summary, quote=False))    # RSS <description> is HTML: escape the plain text
    fe.summary(summary, type="text")                # Atom <summary> is plain text
    fe.content(clean(absolutize(index.bodies[doc.id], page_url)), type="html")
    licence = vocab.licences[doc.licence]
    fe.rights(clean(f"{licence.name} ({licence.short}): {licence.url}"))
    files, main = enclosures(ctx, doc)
    fe.wiedza.atom = [{"rel": "alternate", "href": page_url, "type": "text/html"}] + [
        {"rel": "enclosure", "href": urls.absolute(site, d.path), "type": d.mime_type, "length": str(d.size),
         "title": clean(d.title)} for d in files]
    if getattr(doc, "language", "pl") != "pl":
        fe.wiedza.lang = doc.language
    if main is not None:
        fe.wiedza.rss = {"url": urls.absolute(site, main.path), "length": str(main.size), "type": main.mime_type}
    return fe


def render(ctx: BuildContext, spec: FeedSpec, entries: dict, empty_date: datetime) -> dict[str, bytes]:
    """Both files of one feed: {"atom": bytes, "rss": bytes}. `entries` caches entries by document id;
    `empty_date` dates a feed without entries (the site's newest change)."""
    index = ctx.index
    s = index.settings
    docs = spec.docs
    fg = FeedGenerator()
    fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
    fg.register_extension("wiedza", _FeedExtras, _EntryExtras, atom=True, rss=True)
    fg.id(tag_uri(s, f"kanal/{spec.name}"))
    fg.title(spec.title)
    fg.subtitle(spec.subtitle)                      # also the RSS channel <description>
    fg.language("pl")
    fg.author({"name": clean(s.operator)})
    fg.icon(urls.absolute(s.url, ICON))
    fg.wiedza.logo = urls.absolute(s.url, LOGO)
    fg.rights(clean(f"© {s.operator}. Treści na licencjach Creative Commons, o ile przy materiale "
                    "nie zaznaczono inaczej."))
    fg.generator("Wiedza", version=GENERATOR_VERSION or None)
    fg.docs("https://www.rssboard.org/rss-specification")
    # feedgen defaults both to "now": the newest content decides, so two builds give equal bytes.
    fg.updated(max((d.modified for d in docs), default=empty_date))   # also RSS <lastBuildDate>
    fg.pubDate(max((d.date for d in docs), default=empty_date))
    for doc in docs:
        if doc.id not in entries:
            entries[doc.id] = build_entry(ctx, doc)
        fg.add_entry(entries[doc.id], order="append")   # feedgen prepends by default
    page = urls.absolute(s.url, spec.page)
    out = {}
    for kind in urls.FEED_KINDS:
        # The RSS channel <link> is the last link added: the HTML page goes last.
        fg.link([{"href": urls.absolute(s.url, spec.path(kind)), "rel": "self", "type": MIME[kind]},
                 {"href": page, "rel": "alternate", "type": "text/html"}], replace=True)
        out[kind] = fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)
    return out


def write(ctx: BuildContext) -> None:
    specs = feed_specs(ctx.index)
    entries: dict = {}
    empty_date = ctx.index.newest_date or EPOCH
    keys = feeds_cache.FeedKeys(ctx)
    for spec in specs:
        key = keys.feed(spec, empty_date)
        rendered: dict[str, bytes] = {}

        def make(kind: str, spec=spec, rendered=rendered) -> bytes:
            if not rendered:   # both files at once: they share the entries
                rendered.update(render(ctx, spec, entries, empty_date))
            return rendered[kind]

        for kind in urls.FEED_KINDS:
            ctx.stage.write_keyed(spec.path(kind), f"{key}:{kind}", functools.partial(make, kind), OWNER)
            ctx.feeds.append(FeedLink(spec.path(kind), f"{spec.title} ({LABEL[kind]})", kind,
                                      f"{spec.group}:{spec.name}", spec.subtitle))
    from . import feeds_page   # it imports this module
    feeds_page.write(ctx, specs, OWNER)
