"""Atom 1.0 and RSS 2.0 feeds, their autodiscovery, the feeds page and the OPML list.

Built with the real pipeline (and MkDocs) from tests/fixtures/mini and from a copy of it with
hostile text (`&`, `<`, `]]>`, control characters, emoji), a renamed file, a PDF and an image."""
from __future__ import annotations

import email.utils
import re
import shutil
import struct
import subprocess
import zlib
from datetime import datetime
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest
from lxml import etree

from conftest import MINI, edit
from wiedza import urls
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid
from wiedza.outputs import feeds, feeds_page
from wiedza.pipeline import build_site

A = "{http://www.w3.org/2005/Atom}"
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
TRICKY_TITLE = "Spółdzielnie & <kooperacja> ]]> koniec 🐝"
TRICKY_ABSTRACT = "Abstrakt & <b>bez pogrubienia</b> ]]> emoji 🙂."
CONTROL_TITLE = 'Tytuł\\v ze\\x01 sterującymi 🐝'          # as written in YAML: \v and \x01 escapes
CONTROL_TITLE_CLEAN = "Tytuł ze sterującymi 🐝"
CONTROL_ABSTRACT = "Abstrakt\\x0b & <i>\\x1f</i> ]]>."
CONTROL_ABSTRACT_CLEAN = "Abstrakt & <i></i> ]]>."
ART = "articles/artykul-w-kwartalniku.md"
MONO = "articles/monografia-testowa/index.md"
LESSON = "lessons/zestaw-testowy/index.md"


# -- helpers ---------------------------------------------------------------------------------
def tiny_pdf() -> bytes:
    """A valid one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def make_tricky(target: Path) -> Path:
    """The mini fixture with hostile text, a renamed (re-slugged) article, a PDF and an image."""
    shutil.copytree(MINI, target)
    edit(target / "site.yml", "feed_limit: 50", "feed_limit: 2")
    edit(target / ART, "title: Spółdzielnie w szkołach & <kooperacja>", f'title: "{TRICKY_TITLE}"')
    edit(target / ART, "abstract: Krótki abstrakt o spółdzielniach uczniowskich.", f'abstract: "{TRICKY_ABSTRACT}"')
    text = (target / ART).read_text(encoding="utf-8")
    (target / ART).write_text(text + "\nTekst z ]]> w środku, emoji 🐝 i znakiem sterującym \x0b tutaj.\n"
                              "Poczta: [napisz](mailto:redakcja@example.pl), [zewnętrzny](https://example.org/a?b=1&c=2).\n",
                              encoding="utf-8")
    (target / ART).rename(target / "articles" / "artykul-nowy-adres.md")   # a new slug, the same id
    folder = target / "articles" / "monografia-testowa"
    (folder / "pelny-tekst.pdf").write_bytes(tiny_pdf())
    (folder / "wykres.png").write_bytes(tiny_png())
    edit(target / MONO, "attachments:\n", "attachments:\n  - file: pelny-tekst.pdf\n    title: Pełny tekst\n"
         "    kind: fulltext\n  - file: wykres.png\n    title: Wykres\n    kind: image\n")
    text = (target / MONO).read_text(encoding="utf-8")
    (target / MONO).write_text(text + "\n![Wykres liczby kas](wykres.png)\n\n[Pełny tekst](pelny-tekst.pdf#page=2)\n",
                               encoding="utf-8")
    return target


def site_file(site: Path, site_url: str, url: str) -> Path:
    """The built file an absolute URL of our site points to."""
    assert url.startswith(site_url), url
    path = unquote(urlsplit(url).path)[len(urlsplit(site_url).path):]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return site / path


def feed_files(site: Path) -> list[Path]:
    return sorted((site / urls.FEEDS).glob("*.xml"))


def xml(path: Path):
    return etree.fromstring(path.read_bytes())


def content_urls(html: str) -> list[str]:
    return [unescape(u) for u in re.findall(r'\s(?:href|src)="([^"]*)"', html)]


def shown(detail) -> str:
    """The text a reader shows: feedparser hands HTML (RSS <description>) over as markup."""
    return unescape(detail.value) if detail.type == "text/html" else detail.value


def rfc822(text: str) -> datetime:
    assert RFC822.match(text), text
    moment = email.utils.parsedate_to_datetime(text)
    assert moment.tzinfo is not None
    return moment


def rfc3339(text: str) -> datetime:
    assert RFC3339.match(text), text
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    """(content, site, index) for the tricky copy, built with the real pipeline."""
    root = tmp_path_factory.mktemp("tricky")
    content = make_tricky(root / "content")
    site = root / "site"
    build_site(content, site, cache_dir=root / "cache")
    return content, site, load_site(content)


@pytest.fixture(scope="module")
def plain(mini_site):
    return MINI, mini_site, load_site(MINI)


@pytest.fixture(params=["plain", "tricky"])
def built(request):
    return request.getfixturevalue(request.param)


# -- the set of feeds ------------------------------------------------------------------------
def test_every_feed_exists_in_both_formats(built):
    _, site, index = built
    names = ({"wszystko", "publikacje", "scenariusze"}
             | {f"temat-{k}" for k in index.vocab.topics}
             | {f"dzialanie-{k.lower().replace('.', '-')}" for k in index.vocab.actions}
             | {f"czasopismo-{k}" for k in index.periodicals}
             | {f"autor-{k}" for k in index.authors})
    expected = {f"{n}.{kind}.xml" for n in names for kind in ("atom", "rss")}
    assert {p.name for p in feed_files(site)} == expected


def test_feedparser_reads_every_feed_without_complaint(built):
    _, site, _ = built
    for path in feed_files(site):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.name.endswith(".atom.xml") else "rss20"), path.name


def _expected_docs(index, name: str):
    """The documents a feed must list, computed from the index independently of feeds.py."""
    everything = index.items
    if name == "wszystko":
        docs = everything
    elif name == "publikacje":
        docs = index.research
    elif name == "scenariusze":
        docs = index.lessons
    else:
        kind, _, key = name.partition("-")
        docs = {
            "temat": lambda: [d for d in everything if key in d.topics],
            "dzialanie": lambda: [d for d in everything if any(a.lower().replace(".", "-") == key for a in d.actions)],
            "czasopismo": lambda: [d for d in everything if getattr(d, "periodical", None) == key],
            "autor": lambda: [d for d in everything if key in d.authors],
        }[kind]()
    return list(docs)[: index.settings.feed_limit]


# -- Atom (RFC 4287) -------------------------------------------------------------------------
def test_atom_feeds_follow_rfc_4287(built):
    _, site, index = built
    s = index.settings
    by_id = {feeds.tag_uri(s, d.id): d for d in index.items}
    for path in site.joinpath(urls.FEEDS).glob("*.atom.xml"):
        root = xml(path)
        name = path.name[: -len(".atom.xml")]
        assert root.tag == f"{A}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "pl"
        for tag in ("id", "title", "updated", "subtitle", "icon", "logo", "rights", "generator"):
            assert len(root.findall(f"a:{tag}", ATOM_NS)) == 1, (path.name, tag)
        assert root.findtext("a:id", namespaces=ATOM_NS) == f"tag:{s.tag_authority}:kanal/{name}"
        links = {link.get("rel"): link for link in root.findall("a:link", ATOM_NS)}
        assert links["self"].get("href") == urls.absolute(s.url, f"{urls.FEEDS}/{path.name}")
        assert site_file(site, s.url, links["self"].get("href")) == path
        assert links["self"].get("type") == "application/atom+xml"
        assert site_file(site, s.url, links["alternate"].get("href")).is_file()
        assert links["alternate"].get("type") == "text/html"
        for tag in ("icon", "logo"):
            assert site_file(site, s.url, root.findtext(f"a:{tag}", namespaces=ATOM_NS)).is_file()

        entries = root.findall("a:entry", ATOM_NS)
        ids = [e.findtext("a:id", namespaces=ATOM_NS) for e in entries]
        assert len(ids) == len(set(ids))
        expected = _expected_docs(index, name)
        assert ids == [feeds.tag_uri(s, d.id) for d in expected], path.name   # newest first, at most N
        updated = []
        for entry, entry_id in zip(entries, ids):
            doc = by_id[entry_id]
            for tag in ("title", "updated", "published", "summary", "content", "rights"):
                assert len(entry.findall(f"a:{tag}", ATOM_NS)) == 1, (path.name, entry_id, tag)
            assert entry.findall("a:author/a:name", ATOM_NS)
            moment = rfc3339(entry.findtext("a:updated", namespaces=ATOM_NS))
            published = rfc3339(entry.findtext("a:published", namespaces=ATOM_NS))
            assert (published, moment) == (doc.date, doc.modified)
            assert published <= moment
            updated.append(moment)
            alternates = [l for l in entry.findall("a:link", ATOM_NS) if l.get("rel", "alternate") == "alternate"]
            assert len(alternates) == 1 and alternates[0].get("type") == "text/html"
            assert alternates[0].get("href") == index.url_of(doc)
            assert all(l.get("rel") in ("alternate", "enclosure") for l in entry.findall("a:link", ATOM_NS))
            assert entry.find("a:content", ATOM_NS).get("type") == "html"
        feed_updated = rfc3339(root.findtext("a:updated", namespaces=ATOM_NS))
        if updated:
            assert feed_updated == max(updated), path.name
        else:   # an empty feed is dated by the site's newest change, never by the clock
            assert feed_updated == index.newest_date


def test_atom_entry_ids_come_from_the_permanent_id_not_slug_or_title(plain, tricky):
    """The tricky copy renamed the article file (new slug, new URL) and changed its title."""
    def entry_of(site, doc_id, settings):
        root = xml(site / urls.feed("publikacje", "atom"))
        return next(e for e in root.findall("a:entry", ATOM_NS)
                    if e.findtext("a:id", namespaces=ATOM_NS) == feeds.tag_uri(settings, doc_id))
    before = entry_of(plain[1], "test-art-1", plain[2].settings)
    after = entry_of(tricky[1], "test-art-1", tricky[2].settings)
    assert before.findtext("a:id", namespaces=ATOM_NS) == "tag:test.example.pl,2025:test-art-1"
    assert after.findtext("a:id", namespaces=ATOM_NS) == before.findtext("a:id", namespaces=ATOM_NS)
    link = "a:link[@rel='alternate']"
    assert before.find(link, ATOM_NS).get("href") != after.find(link, ATOM_NS).get("href")
    assert after.find(link, ATOM_NS).get("href").endswith("/publikacje/artykul-nowy-adres/index.html")
    rss = xml(tricky[1] / urls.feed("publikacje", "rss"))
    guids = rss.findall("channel/item/guid")
    assert "tag:test.example.pl,2025:test-art-1" in [g.text for g in guids]
    assert all(g.get("isPermaLink") == "false" for g in guids)


# -- RSS 2.0 ---------------------------------------------------------------------------------
def test_rss_feeds_follow_rss_2(built):
    _, site, index = built
    s = index.settings
    by_guid = {feeds.tag_uri(s, d.id): d for d in index.items}
    for path in site.joinpath(urls.FEEDS).glob("*.rss.xml"):
        root = xml(path)
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        for tag in ("title", "link", "description", "language", "lastBuildDate", "pubDate", "copyright", "generator"):
            assert len(channel.findall(tag)) == 1, (path.name, tag)
        assert channel.findtext("language") == "pl"
        atom = xml(path.with_name(path.name.replace(".rss.", ".atom.")))
        page = atom.find("a:link[@rel='alternate']", ATOM_NS).get("href")
        assert channel.findtext("link") == page           # the channel link is the HTML page
        self_links = channel.findall(f"{A}link[@rel='self']")
        assert len(self_links) == 1
        assert self_links[0].get("href") == urls.absolute(s.url, f"{urls.FEEDS}/{path.name}")
        assert site_file(site, s.url, self_links[0].get("href")) == path
        assert channel.find("image") is None               # RSS images must be GIF/JPEG/PNG, ours is SVG
        items = channel.findall("item")
        guids = [i.findtext("guid") for i in items]
        assert len(guids) == len(set(guids))
        for item in items:
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith(f"tag:{s.tag_authority}:")
            doc = by_guid[guid.text]
            assert rfc822(item.findtext("pubDate")) == doc.date
            assert item.findtext("link") == index.url_of(doc)
            assert item.find("author") is None              # RSS <author> must be an e-mail address
            assert [c.text for c in item.findall("{http://purl.org/dc/elements/1.1/}creator")] == \
                [index.authors[k].name for k in doc.authors]
            assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded") is not None
            assert len(item.findall("enclosure")) <= 1
        # lastBuildDate comes from content: the newest change among the entries, as the Atom <updated>
        assert rfc822(channel.findtext("lastBuildDate")) == rfc3339(atom.findtext("a:updated", namespaces=ATOM_NS))


# -- URLs ------------------------------------------------------------------------------------
def test_every_url_is_absolute_and_our_own_urls_exist(built):
    _, site, index = built
    s = index.settings
    checked = 0
    for path in [*feed_files(site), site / urls.feeds_opml()]:
        root = xml(path)
        found = []
        for element in root.iter():
            for attribute in ("href", "url", "src", "xmlUrl", "htmlUrl", "domain", "scheme", "uri"):
                if element.get(attribute) is not None:
                    found.append(element.get(attribute))
            local = etree.QName(element).localname
            if local in ("icon", "logo", "uri") or (local == "link" and element.text and element.text.strip()):
                found.append(element.text.strip())
            if local in ("content", "encoded"):
                found += content_urls(element.text or "")
        for url in found:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https", "mailto", "tel"), (path.name, url)
            if parts.scheme.startswith("http"):
                assert parts.netloc, (path.name, url)
            if url.startswith(s.url):
                assert site_file(site, s.url, url).is_file(), (path.name, url)
                checked += 1
    assert checked > 100


def test_relative_links_in_content_resolve_against_the_item_page(tricky):
    _, site, index = tricky
    mono = next(d for d in index.research if d.id == "test-mono-1")
    root = xml(site / urls.feed("publikacje", "atom"))
    entry = next(e for e in root.findall("a:entry", ATOM_NS) if e.findtext("a:id", namespaces=ATOM_NS).endswith(":test-mono-1"))
    found = content_urls(entry.findtext("a:content", namespaces=ATOM_NS))
    page = index.url_of(mono)
    folder = page[: page.rfind("/") + 1]
    assert folder + "wykres.png" in found
    assert folder + "dane.csv" in found
    assert folder + "pelny-tekst.pdf#page=2" in found
    article = next(e for e in root.findall("a:entry", ATOM_NS) if e.findtext("a:id", namespaces=ATOM_NS).endswith(":test-art-1"))
    found = content_urls(article.findtext("a:content", namespaces=ATOM_NS))
    assert page + "#rozdzial-pierwszy" in found
    assert "mailto:redakcja@example.pl" in found
    assert "https://example.org/a?b=1&c=2" in found


@pytest.mark.parametrize("value", [
    "dane.csv", "dane.csv#s", "../x/index.html#a", "../../y.html", "../../../../z", "./a", "#x", "?q=1", "/abs",
    "//host/x", "a/b/../c", "x/", "..", "../", "", "a?b=../c#../d", "a#/./x", "mailto:a@b.pl", "https://e.org/x",
    "tel:+48123", "zażółć gęślą.pdf", "a%20b.pdf", "../..", "....//x", ".hidden",
])
@pytest.mark.parametrize("base", ["https://s.pl/publikacje/x/index.html", "https://s.pl/kanaly.html", "https://s.pl/",
                                  "https://s.pl/a/b/c.html", "https://s.pl/sub/site/x/index.html", "https://s.pl"])
def test_absolute_url_agrees_with_urljoin(base, value):
    assert feeds.absolute_url(base, value) == (urljoin(base, value) if value else base)


def test_absolutize_rewrites_only_real_attributes():
    html = ('<p>Tekst href="a.html" zostaje. <a href="x.pdf">x</a> <a title="q>r &quot;" href="../b/index.html#c" '
            'rel="noopener">b</a><img src="r.png" alt="s src=&quot;x"><abbr title="href">a</abbr> '
            '<a href="https://e.org/?a=1&amp;b=2">e</a><a id="bez">n</a></p>')
    out = feeds.absolutize(html, "https://s.pl/publikacje/x/index.html")
    assert out == ('<p>Tekst href="a.html" zostaje. <a href="https://s.pl/publikacje/x/x.pdf">x</a> '
                   '<a title="q>r &quot;" href="https://s.pl/publikacje/b/index.html#c" rel="noopener">b</a>'
                   '<img src="https://s.pl/publikacje/x/r.png" alt="s src=&quot;x"><abbr title="href">a</abbr> '
                   '<a href="https://e.org/?a=1&amp;b=2">e</a><a id="bez">n</a></p>')


# -- hostile text ----------------------------------------------------------------------------
def test_clean_drops_only_what_xml_cannot_carry():
    assert feeds.clean("a\x0bb\x00c\x1f\ud800d\ufffe") == "abcd"
    assert feeds.clean("tab\tnl\ncr\r 🐝 ąę & < ]]>") == "tab\tnl\ncr\r 🐝 ąę & < ]]>"


def test_hostile_text_survives_in_both_formats(tricky):
    _, site, _ = tricky
    for kind in ("atom", "rss"):
        raw = (site / urls.feed("publikacje", kind)).read_bytes()
        assert b"\x0b" not in raw and b"\x01" not in raw
        parsed = feedparser.parse(raw)
        assert not parsed.bozo
        entry = next(e for e in parsed.entries if e.id.endswith(":test-art-1"))
        assert entry.title == TRICKY_TITLE
        assert shown(entry.summary_detail) == TRICKY_ABSTRACT
        content = entry.content[0].value
        assert "Tekst z ]]&gt; w środku, emoji 🐝 i znakiem sterującym  tutaj." in content
    root = xml(site / urls.feed("publikacje", "atom"))
    entry = next(e for e in root.findall("a:entry", ATOM_NS) if e.findtext("a:id", namespaces=ATOM_NS).endswith(":test-art-1"))
    assert entry.findtext("a:title", namespaces=ATOM_NS) == TRICKY_TITLE
    assert entry.find("a:summary", ATOM_NS).get("type") == "text"
    rss = xml(site / urls.feed("publikacje", "rss"))
    item = next(i for i in rss.findall("channel/item") if i.findtext("guid").endswith(":test-art-1"))
    # RSS <description> is HTML: the plain-text abstract is escaped once more, so readers show it as written
    assert item.findtext("description") == TRICKY_ABSTRACT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_control_characters_are_dropped(mini, tmp_path):
    """XML 1.0 cannot carry most control characters: the loader drops them once for every output
    (YAML escapes like \\v silently, raw ones in a file with a warning naming the line)."""
    from wiedza.pipeline import build_site

    edit(mini / ART, "title: Spółdzielnie w szkołach & <kooperacja>", f'title: "{CONTROL_TITLE}"')
    edit(mini / ART, "abstract: Krótki abstrakt o spółdzielniach uczniowskich.", f'abstract: "{CONTROL_ABSTRACT}"')
    edit(mini / ART, "Spółdzielnie uczniowskie uczą współpracy.", "Spółdzielnie\x0b uczniowskie\x1b uczą współpracy.")
    edit(mini / "authors.yml", "given: Ewa", 'given: "E\\vwa"')
    index = load_site(mini)
    assert next(d for d in index.research if d.id == "test-art-1").title == CONTROL_TITLE_CLEAN
    assert [w.path.endswith(ART) and "sterujące" in w.message for w in index.warnings] == [True]
    site = tmp_path / "site"
    build_site(mini, site)
    for kind in ("atom", "rss"):
        raw = (site / urls.feed("wszystko", kind)).read_bytes()
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
        parsed = feedparser.parse(raw)
        assert not parsed.bozo
        entry = next(e for e in parsed.entries if e.id.endswith(":test-art-1"))
        assert entry.title == CONTROL_TITLE_CLEAN
        assert shown(entry.summary_detail) == CONTROL_ABSTRACT_CLEAN
        assert "Spółdzielnie uczniowskie uczą współpracy." in entry.content[0].value
    raw = (site / urls.feed("autor-ewa-nowak", "atom")).read_bytes()
    assert b"<title>Wiedza: Ewa Nowak</title>" in raw


# -- enclosures ------------------------------------------------------------------------------
def test_enclosures_have_exact_length_and_type(built):
    _, site, index = built
    s = index.settings
    mime = {"pdf": "application/pdf", "zip": "application/zip", "csv": "text/csv", "txt": "text/plain",
            "png": "image/png", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "odt": "application/vnd.oasis.opendocument.text"}
    count = 0
    for path in feed_files(site):
        root = xml(path)
        links = root.findall(".//a:entry/a:link[@rel='enclosure']", ATOM_NS) + root.findall("channel/item/enclosure")
        for link in links:
            url = link.get("href") or link.get("url")
            target = site_file(site, s.url, url)
            assert target.is_file(), url
            assert int(link.get("length")) == target.stat().st_size, url
            assert link.get("type") == mime[target.suffix.lstrip(".")], url
            assert not url.endswith(".html")          # worksheets published as pages are not files
            count += 1
    assert count > 0


def test_atom_carries_every_file_and_rss_the_main_one(tricky):
    """feedgen 1.0.0 would drop type and length (its issue #135); our extension writes them."""
    _, site, index = tricky
    s = index.settings

    def entry_and_item(feed, doc_id):
        atom, rss = xml(site / urls.feed(feed, "atom")), xml(site / urls.feed(feed, "rss"))
        entry = next(e for e in atom.findall("a:entry", ATOM_NS)
                     if e.findtext("a:id", namespaces=ATOM_NS) == feeds.tag_uri(s, doc_id))
        item = next(i for i in rss.findall("channel/item") if i.findtext("guid") == feeds.tag_uri(s, doc_id))
        return entry, item

    for feed, doc_id, main in (("publikacje", "test-mono-1", "pelny-tekst.pdf"),
                               ("scenariusze", "test-zestaw-1", "zestaw-testowy-zestaw.zip")):
        entry, item = entry_and_item(feed, doc_id)
        enclosures = entry.findall("a:link[@rel='enclosure']", ATOM_NS)
        names = [e.get("href").rsplit("/", 1)[1] for e in enclosures]
        assert names[0] == main
        assert all(e.get("type") and e.get("length") and e.get("title") for e in enclosures)
        assert not [n for n in names if n.endswith(".html")]      # worksheets published as pages
        (enclosure,) = item.findall("enclosure")
        assert enclosure.get("url").endswith("/" + main)
        assert enclosure.get("url") == enclosures[0].get("href")
        assert (enclosure.get("length"), enclosure.get("type")) == (enclosures[0].get("length"), enclosures[0].get("type"))
    mono, _ = entry_and_item("publikacje", "test-mono-1")
    assert {e.get("href").rsplit("/", 1)[1] for e in mono.findall("a:link[@rel='enclosure']", ATOM_NS)} == \
        {"pelny-tekst.pdf", "dane.csv", "wykres.png"}
    parsed = feedparser.parse((site / urls.feed("publikacje", "atom")).read_bytes())
    entry = next(e for e in parsed.entries if e.id.endswith(":test-mono-1"))
    assert {(e.type, int(e.length)) for e in entry.enclosures} == {
        ("application/pdf", len(tiny_pdf())), ("image/png", len(tiny_png())), ("text/csv", 27)}


def test_feedgen_still_drops_atom_link_attributes():
    """Why _EntryExtras exists. If this fails, feedgen fixed its issue #135 and the workaround may go."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id("tag:x,2025:f")
    fg.title("t")
    fg.updated(datetime.fromisoformat("2025-01-01T00:00:00+01:00"))
    fe = fg.add_entry()
    fe.id("tag:x,2025:e")
    fe.title("e")
    fe.updated(datetime.fromisoformat("2025-01-01T00:00:00+01:00"))
    fe.content("c")
    fe.enclosure("https://x.pl/a.pdf", "123", "application/pdf")
    link = etree.fromstring(fg.atom_str()).find("a:entry/a:link", ATOM_NS)
    assert link.get("length") is None and link.get("rel") is None


# -- determinism -----------------------------------------------------------------------------
def test_two_builds_give_identical_feeds(tricky, tmp_path):
    content, site, _ = tricky
    again = tmp_path / "site"
    build_site(content, again, cache_dir=tmp_path / "cache")   # a cold cache: everything made anew
    for path in [*feed_files(site), site / urls.feeds_opml(), site / urls.feeds_page()]:
        assert (again / path.relative_to(site)).read_bytes() == path.read_bytes(), path.name


def test_reused_entries_serialise_like_fresh_ones(tricky, tmp_path):
    """Entries are built once and their XML moves from feed to feed: the bytes must not change."""
    from wiedza.outputs.context import BuildContext
    from wiedza.stage import Stage

    _, _, index = tricky
    ctx = BuildContext(index=index, stage=Stage(tmp_path), cache_dir=tmp_path)
    specs = feeds.feed_specs(index)
    shared: dict = {}
    first = [feeds.render(ctx, spec, shared, feeds.EPOCH) for spec in specs]
    second = [feeds.render(ctx, spec, shared, feeds.EPOCH) for spec in specs]
    fresh = [feeds.render(ctx, spec, {}, feeds.EPOCH) for spec in specs]
    assert first == second == fresh


def test_section_feeds_keep_the_newest_n(tricky):
    _, site, index = tricky
    assert index.settings.feed_limit == 2
    ids = [e.findtext("a:id", namespaces=ATOM_NS) for e in xml(site / urls.feed("wszystko", "atom")).findall("a:entry", ATOM_NS)]
    assert ids == [feeds.tag_uri(index.settings, d.id) for d in index.items[:2]]
    assert len(index.items) == 3


# -- OPML, autodiscovery, the feeds page -----------------------------------------------------
def test_opml_lists_every_feed_once(built):
    _, site, index = built
    s = index.settings
    root = xml(site / urls.feeds_opml())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    rfc822(root.findtext("head/dateCreated"))
    outlines = root.findall("body/outline/outline")
    assert all(o.get("type") == "rss" and o.get("text") and o.get("title") for o in outlines)
    listed = [o.get("xmlUrl") for o in outlines]
    assert len(listed) == len(set(listed))
    atom = {urls.absolute(s.url, f"{urls.FEEDS}/{p.name}") for p in site.joinpath(urls.FEEDS).glob("*.atom.xml")}
    assert set(listed) == atom      # each feed once, as Atom: importing both formats would double every item
    for outline in outlines:
        assert site_file(site, s.url, outline.get("htmlUrl")).is_file()


def _head_feeds(page: Path, site: Path, site_url: str) -> set[str]:
    """Autodiscovery links of a page, resolved as a feed reader would against the page's live URL."""
    head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
    hrefs = re.findall(r'<link rel="alternate" type="application/(?:atom|rss)\+xml" title="[^"]*" href="([^"]+)"', head)
    assert not [h for h in hrefs if "//" in h], "relative links: the theme fetches beside absolute ones"
    base = urls.absolute(site_url, page.relative_to(site).as_posix())
    return {urljoin(base, h) for h in hrefs}


def test_autodiscovery_on_every_page_and_section_feeds_where_they_belong(plain):
    _, site, index = plain
    s = index.settings

    def feed(name):
        return {urls.absolute(s.url, urls.feed(name, kind)) for kind in ("atom", "rss")}

    site_feeds = feed("wszystko")
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 30
    for page in pages:
        assert site_feeds <= _head_feeds(page, site, s.url), page
    expectations = {
        "publikacje/artykul-w-kwartalniku/index.html": feed("publikacje") | feed("temat-spoldzielnie-uczniowskie")
        | feed("czasopismo-kwartalnik-testowy"),
        "scenariusze/zestaw-testowy/index.html": feed("scenariusze") | feed("temat-spoldzielnie-uczniowskie"),
        "scenariusze/zestaw-testowy/karta-pracy.html": feed("scenariusze"),
        "publikacje/index.html": feed("publikacje"),
        "publikacje/typ/monograph.html": feed("publikacje"),
        "scenariusze/index.html": feed("scenariusze"),
        "scenariusze/tematy/spoldzielnie-uczniowskie.html": feed("scenariusze") | feed("temat-spoldzielnie-uczniowskie"),
        "tematy/spoldzielczosc.html": feed("temat-spoldzielczosc"),
        "program/iii-2.html": feed("dzialanie-iii-2"),
        "autorzy/ewa-nowak.html": feed("autor-ewa-nowak"),
        "czasopisma/kwartalnik-testowy/index.html": feed("czasopismo-kwartalnik-testowy"),
        "czasopisma/kwartalnik-testowy/1-1.html": feed("czasopismo-kwartalnik-testowy"),
    }
    for path, wanted in expectations.items():
        found = _head_feeds(site / path, site, s.url)
        assert wanted <= found, path
        for link in found:
            assert site_file(site, s.url, link).is_file()


def test_feeds_page_lists_every_feed_with_a_copy_button(plain):
    _, site, index = plain
    s = index.settings
    html = (site / urls.feeds_page()).read_text(encoding="utf-8")
    for path in feed_files(site):
        url = urls.absolute(s.url, f"{urls.FEEDS}/{path.name}")
        assert f'data-copy="{url}"' in html, path.name
        assert f">{url}</a>" in html, path.name
    assert f'data-copy="{urls.absolute(s.url, urls.feeds_opml())}"' in html
    for words in ("czytnik", "OPML", "Importuj", "Ctrl+C", "Ctrl+V", "Feedly", "Thunderbird", "Atom czy RSS"):
        assert words in html, words
    script = re.search(r'<script src="([^"]+)" defer>', html).group(1)
    js = (site / script).read_text(encoding="utf-8")
    assert "http" not in js and "fetch(" not in js and "import" not in js      # nothing from the network
    assert 'role="status"' in html
    # the footer's link target exists
    assert (site / "kanaly.html").is_file()


NODE_HARNESS = r"""
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
function run(withClipboard) {
  const log = [];
  const button = { hidden: true, handlers: {}, getAttribute: () => "https://s.pl/kanaly/wszystko.atom.xml",
                   addEventListener(type, fn) { this.handlers[type] = fn; } };
  const status = { textContent: "" };
  const document = {
    querySelectorAll: () => [button], getElementById: () => status,
    createElement: () => ({ style: {}, setAttribute() {}, select() { log.push("select"); }, value: "" }),
    body: { appendChild: (el) => log.push("append:" + el.value), removeChild: () => log.push("remove") },
    execCommand: (cmd) => { log.push("exec:" + cmd); return true; },
  };
  const navigator = withClipboard ? { clipboard: { writeText: (t) => { log.push("clipboard:" + t); return Promise.resolve(); } } } : {};
  const window = { isSecureContext: withClipboard };
  new Function("document", "navigator", "window", source)(document, navigator, window);
  button.handlers.click();
  return new Promise((resolve) => setTimeout(() => resolve({ hidden: button.hidden, log, status: status.textContent }), 10));
}
Promise.all([run(true), run(false)]).then((r) => console.log(JSON.stringify(r)));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_copy_script_copies_with_and_without_the_clipboard_api(tmp_path):
    import json

    script = tmp_path / "kopiuj.js"
    script.write_text(feeds_page.COPY_SCRIPT, encoding="utf-8")
    harness = tmp_path / "harness.js"
    harness.write_text(NODE_HARNESS, encoding="utf-8")
    out = subprocess.run(["node", str(harness), str(script)], capture_output=True, text=True, check=True, timeout=30)
    with_api, without_api = json.loads(out.stdout)
    url = "https://s.pl/kanaly/wszystko.atom.xml"
    assert with_api["hidden"] is False and with_api["log"] == [f"clipboard:{url}"]
    assert "Skopiowano adres" in with_api["status"]
    assert without_api["log"] == [f"append:{url}", "select", "exec:copy", "remove"]
    assert "Skopiowano adres" in without_api["status"]


# -- a lesson without a date is a content error ----------------------------------------------
def test_lesson_without_date_is_a_content_error(mini):
    edit(mini / LESSON, "date: 2025-09-01\n", "")
    with pytest.raises(ContentInvalid) as caught:
        load_site(mini)
    errors = caught.value.report.errors
    assert any(e.path.endswith("lessons/zestaw-testowy/index.md") and e.field == "date" for e in errors), \
        [e.format() for e in errors]
