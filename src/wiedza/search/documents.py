"""The searchable documents: what both engines index, from the site's content.

A document is described first (`sources`: its fields and body HTML, and a key naming that content),
and analysed only when needed (`materialise`: plain text and snippet chunks), so a rebuild can tell
unchanged documents by their key without analysing them again.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Iterable, Sequence

CHUNK_CHARS = 2000        # snippet text is split into chunks of about this size...
MAX_CHUNKS = 30           # ... and at most this many per document (a 31-bit mask in the browser)

SECTION_LABELS = {"publikacje": "Publikacje", "scenariusze": "Scenariusze zajęć", "strony": "Strony informacyjne"}
LESSON_TYPE = ("scenariusz", "Scenariusz zajęć")
PAGE_TYPE = ("strona", "Strona informacyjna")
# Free pages whose text is shown on another page (see outputs/pages_site.py).
PAGE_PATHS = {"o-programie": "program/index.html"}


@dataclass(frozen=True)
class SearchDoc:
    """One searchable page, as both engines index it."""

    num: int
    id: str
    path: str                 # output path, e.g. "publikacje/x/index.html"
    title: str
    section: str              # key of SECTION_LABELS
    type: str                 # type key
    type_label: str
    date: str                 # "YYYY-MM-DD" or ""
    audience: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    topic_keys: tuple[str, ...] = ()
    topics: str = ""          # topic names, keywords and authors: the "topics" field
    abstract: str = ""
    body: str = ""
    chunks: tuple[tuple[str, ...], ...] = ()   # snippet source: chunks of paragraphs (abstract, body)

    @property
    def section_label(self) -> str:
        return SECTION_LABELS.get(self.section, self.section)

    def field_text(self, name: str) -> str:
        return getattr(self, name)


class _TextParser(HTMLParser):
    BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "br",
              "blockquote", "pre", "dt", "dd", "dl", "figure", "figcaption", "section", "hr", "td", "th"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """Plain text of sanitised body HTML: one paragraph per line, spaces collapsed."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.out).split("\n"))
    return "\n".join(line for line in lines if line)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _pieces(paragraph: str, size: int) -> list[str]:
    """A paragraph cut at sentence ends (or spaces) into pieces of at most `size` characters."""
    if len(paragraph) <= size:
        return [paragraph]
    units: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > size:
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > 0 else size
            units.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if sentence:
            units.append(sentence)
    pieces, current = [], ""
    for unit in units:
        if current and len(current) + 1 + len(unit) > size:
            pieces.append(current)
            current = unit
        else:
            current = f"{current} {unit}" if current else unit
    if current:
        pieces.append(current)
    return pieces


def make_chunks(paragraphs: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Group paragraphs into chunks of about CHUNK_CHARS (at most MAX_CHUNKS chunks)."""
    paragraphs = [p for p in paragraphs if p.strip()]
    total = sum(len(p) + 1 for p in paragraphs)
    size = max(CHUNK_CHARS, math.ceil(total / (MAX_CHUNKS - 2)))
    chunks: list[list[str]] = []
    used = size + 1
    for paragraph in paragraphs:
        for piece in _pieces(paragraph, size):
            if used + len(piece) > size and used > 0:
                chunks.append([])
                used = 0
            chunks[-1].append(piece)
            used += len(piece) + 1
    return tuple(tuple(c) for c in chunks[:MAX_CHUNKS]) or ((),)


def _names(vocab: dict, keys: Iterable[str]) -> list[str]:
    return [vocab[k].name for k in keys if k in vocab]


@dataclass(frozen=True)
class DocSource:
    """A document before analysis: SearchDoc's fields with `html` (the body as HTML) and `extra`
    (lines appended to the body text) instead of body and chunks. `key` names this content: an
    equal key means an equal document, whatever else changed in the site."""

    path: str
    key: str
    fields: dict = field(compare=False, repr=False)

    @property
    def section(self) -> str:
        return self.fields["section"]

    @property
    def type(self) -> str:
        return self.fields["type"]

    @property
    def type_label(self) -> str:
        return self.fields["type_label"]

    @property
    def audience(self) -> tuple[str, ...]:
        return tuple(self.fields["audience"])

    @property
    def topic_keys(self) -> tuple[str, ...]:
        return tuple(self.fields["topic_keys"])


def _source(entry: dict) -> DocSource:
    # repr of str, list and sorted items is exact and unambiguous (and faster than JSON); the
    # body HTML, the bulk, is hashed apart, not quoted
    fields = sorted((k, v) for k, v in entry.items() if k != "html")
    digest = hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass"))
    digest.update(b"\0" + entry["html"].encode("utf-8", "surrogatepass"))
    return DocSource(path=entry["path"], key=digest.hexdigest()[:32], fields=entry)


def sources(index) -> list[DocSource]:
    """Every searchable page of the site (research items, lessons, free pages), in URL order: a
    document's number is its position here."""
    from ..content.models import Lesson, ResearchItem

    vocab = index.vocab
    out: list[DocSource] = []
    for doc in (*index.research, *index.lessons, *index.pages):
        html = index.bodies.get(doc.id, "")
        authors = [index.authors[a].name for a in getattr(doc, "authors", ()) if a in index.authors]
        common = dict(id=doc.id, title=doc.title, topic_keys=list(getattr(doc, "topics", ())), audience=[],
                      actions=[], topics="", abstract="", html=html, extra=[])
        if isinstance(doc, ResearchItem):
            title = doc.title
            if doc.subtitle:   # "Spółdzielnia – co to jest? Wkładka…", "Bank czasu: Wzajemność…"
                title += f" {doc.subtitle}" if title.rstrip()[-1:] in "?!.:" else f": {doc.subtitle}"
            kind = vocab.types.get(doc.type)
            entry = dict(common, path=index.path_of(doc), title=title, section="publikacje", type=doc.type,
                         type_label=kind.name if kind else doc.type, date=doc.date.date().isoformat(),
                         actions=list(doc.actions), abstract=doc.abstract,
                         topics="\n".join([*_names(vocab.topics, doc.topics), *doc.keywords, *authors]))
        elif isinstance(doc, Lesson):
            extra = [*doc.objectives, *doc.materials, *doc.methods, *(c.text for c in doc.curriculum)]
            entry = dict(common, path=index.path_of(doc), section="scenariusze", type=LESSON_TYPE[0],
                         type_label=LESSON_TYPE[1], date=doc.date.date().isoformat(),
                         audience=list(doc.audience), actions=[a for a in doc.actions if a],
                         abstract=doc.summary, topics="\n".join([*_names(vocab.topics, doc.topics), *authors]),
                         extra=list(extra))
        else:
            entry = dict(common, path=PAGE_PATHS.get(doc.slug, index.path_of(doc)), section="strony",
                         type=PAGE_TYPE[0], type_label=PAGE_TYPE[1], date="",
                         abstract=getattr(doc, "description", "") or "")
        out.append(_source(entry))
    out.sort(key=lambda s: s.path)
    return out


def materialise(source: DocSource, num: int = 0) -> SearchDoc:
    """The SearchDoc of a source: its body as plain text, and the snippet chunks."""
    entry = dict(source.fields)
    html, extra = entry.pop("html"), entry.pop("extra")
    body = html_to_text(html)
    if extra:
        body = "\n".join([body, *extra]).strip()
    for name in ("audience", "actions", "topic_keys"):
        entry[name] = tuple(entry[name])
    paragraphs = [*entry["abstract"].split("\n"), *body.split("\n")]
    return SearchDoc(num=num, body=body, chunks=make_chunks(paragraphs), **entry)


def collect_documents(index) -> list[SearchDoc]:
    """Every searchable page of the site, numbered in URL order."""
    return [materialise(s, num) for num, s in enumerate(sources(index))]
