"""Search: what both search engines index, the query language they share, and the Whoosh index
behind `wiedza search`.

Both engines (Whoosh here, `theme/assets/js/search.js` in the browser, fed by
`outputs/search_static.py`) rank the same way, from the same numbers:

* Analysis: `wiedza.analysis.analyze` for index terms, `analyze_query` for query terms; the browser
  runs the same analyser (`analysis.js`).
* Ranking: BM25F. For each document and index term a pseudo term frequency combines the fields,
  each normalised by its own length (Robertson & Zaragoza's BM25F):
  ``tf~ = sum_f W_f * tf_f / (1 - B_f + B_f * len_f / avglen_f)``, quantised to
  ``q = max(1, round(tf~ * SCALE))`` and stored as the weight of the posting (Whoosh field
  ``terms``; in the browser index the posting's ``q``). A term scores
  ``idf * w * (K1 + 1) / (w + K1)`` with ``w = q / SCALE`` and
  ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``.
* Query: a query is a list of clauses: words (OR), quoted phrases (all words adjacent within one
  title, topics line or paragraph; they score as the sum of their words), and the last word, when
  the query ends in it, also as a prefix (the `MAX_EXPANSIONS` most frequent index terms starting
  with it, each scoring `PREFIX_WEIGHT` times; a word clause scores its best term). Documents
  matching more clauses come first, then by score (rounded to 9 decimals), then by document number
  (documents are numbered in URL order).

The Whoosh index has one indexed text field, `terms` (positions for phrases, the BM25F weight on
each posting), stored fields for display and ID/KEYWORD fields for filters. It is written with a
fixed segment name and without a compound file (which records modification times), so the same
content gives byte-identical files. Whoosh traps avoided here: an OR with prefix terms can hang
under the default search optimisation (searches pass optimize=False); DisjunctionMaxMatcher gives a
document the score of another one (BestOf); ConstantScoreQuery is bypassed when matched terms are
collected (a phrase filter uses boost 0 instead).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from whoosh import analysis as wa, fields as wf, formats, scoring
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.matching import DisjunctionMaxMatcher

from .analysis import analyze, analyze_query, fold, tokenize

# --- shared constants (the browser index's manifest carries them to search.js) -------------------
# (name, weight W_f, length normalisation B_f)
FIELDS: tuple[tuple[str, float, float], ...] = (
    ("title", 4.0, 0.5),
    ("topics", 2.0, 0.5),
    ("abstract", 1.5, 0.75),
    ("body", 1.0, 0.75),
)
K1 = 1.2
SCALE = 16                # q = round(tf~ * SCALE): weights are multiples of 1/16 (exact in float32)
PREFIX_WEIGHT = 0.5       # an expansion of the last word counts half of the word itself
MIN_PREFIX = 3            # shorter last words are not expanded (too many terms)
MAX_EXPANSIONS = 40       # most frequent expansions kept, ties by term
MAX_QUERY_CHARS = 256     # longer queries are cut (code points)
MAX_CLAUSES = 12
CHUNK_CHARS = 2000        # snippet text is split into chunks of about this size...
MAX_CHUNKS = 30           # ... and at most this many per document (a 31-bit mask in the browser)
SNIPPET_CHARS = 220

SECTION_LABELS = {"publikacje": "Publikacje", "scenariusze": "Scenariusze zajęć", "strony": "Strony informacyjne"}
LESSON_TYPE = ("scenariusz", "Scenariusz zajęć")
PAGE_TYPE = ("strona", "Strona informacyjna")
# Free pages whose text is shown on another page (see outputs/pages_site.py).
PAGE_PATHS = {"o-programie": "program/index.html"}

QUOTES = "\"„”“"
# One whitespace class for Python and JS alike (str.split() and JS \s differ at the edges).
_SPACE_CLASS = "\\t\\n\\x0b\\x0c\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_SPACES = re.compile(f"[{_SPACE_CLASS}]+")


# --- documents -----------------------------------------------------------------------------------
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


class Memo:
    """Per-document analysis kept between builds (in the cache folder): the plain text of a body
    and the term counts of a document depend only on their own text, so an unchanged document is
    not analysed again. Global statistics (lengths, document frequencies) are always recomputed."""

    VERSION = 1

    def __init__(self, path: Path | None = None):
        self.path = path
        self.old: dict = {}
        self.used: dict = {}
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    data = pickle.load(handle)
                if isinstance(data, dict) and data.get("version") == self.VERSION:
                    self.old = data["entries"]
            except Exception:  # noqa: BLE001 - a damaged cache is only slower, never wrong
                self.old = {}

    def get(self, kind: str, source: str, compute):
        key = kind + ":" + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        if key not in self.used:
            self.used[key] = self.old[key] if key in self.old else compute()
        return self.used[key]

    def save(self) -> None:
        if self.path is None or self.used.keys() == self.old.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".search-memo-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"version": self.VERSION, "entries": self.used}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            pass


def collect_documents(index, memo: Memo | None = None) -> list[SearchDoc]:
    """Every searchable page of the site (research items, lessons, free pages), numbered in URL order."""
    from .content.models import Lesson, ResearchItem

    vocab = index.vocab
    raw: list[dict] = []
    for doc in (*index.research, *index.lessons, *index.pages):
        html = index.bodies.get(doc.id, "")
        body = memo.get("text", html, lambda: html_to_text(html)) if memo else html_to_text(html)
        authors = [index.authors[a].name for a in getattr(doc, "authors", ()) if a in index.authors]
        common = dict(id=doc.id, title=doc.title, topic_keys=tuple(getattr(doc, "topics", ())))
        if isinstance(doc, ResearchItem):
            title = doc.title
            if doc.subtitle:   # "Spółdzielnia – co to jest? Wkładka…", "Bank czasu: Wzajemność…"
                title += f" {doc.subtitle}" if title.rstrip()[-1:] in "?!.:" else f": {doc.subtitle}"
            kind = vocab.types.get(doc.type)
            entry = dict(common, path=index.path_of(doc), title=title, section="publikacje", type=doc.type,
                         type_label=kind.name if kind else doc.type, date=doc.date.date().isoformat(),
                         actions=tuple(doc.actions), abstract=doc.abstract,
                         topics="\n".join([*_names(vocab.topics, doc.topics), *doc.keywords, *authors]),
                         body=body)
        elif isinstance(doc, Lesson):
            extra = [*doc.objectives, *doc.materials, *doc.methods, *(c.text for c in doc.curriculum)]
            entry = dict(common, path=index.path_of(doc), section="scenariusze", type=LESSON_TYPE[0],
                         type_label=LESSON_TYPE[1], date=doc.date.date().isoformat(),
                         audience=tuple(doc.audience), actions=tuple(a for a in doc.actions if a),
                         abstract=doc.summary,
                         topics="\n".join([*_names(vocab.topics, doc.topics), *authors]),
                         body="\n".join([body, *extra]).strip())
        else:
            entry = dict(common, path=PAGE_PATHS.get(doc.slug, index.path_of(doc)), section="strony",
                         type=PAGE_TYPE[0], type_label=PAGE_TYPE[1], date="",
                         abstract=getattr(doc, "description", "") or "", body=body)
        raw.append(entry)
    raw.sort(key=lambda e: e["path"])
    docs = []
    for num, entry in enumerate(raw):
        paragraphs = [*entry["abstract"].split("\n"), *entry["body"].split("\n")]
        docs.append(SearchDoc(num=num, chunks=make_chunks(paragraphs), **entry))
    return docs


# --- positions: terms of running text, one position per word ------------------------------------
def split_spaces(text: str) -> list[str]:
    return [c for c in _SPACES.split(text) if c]


@lru_cache(maxsize=1 << 18)
def _chunk_terms(chunk: str) -> tuple[tuple[int, str], ...]:
    """(offset, term) of one whitespace-separated chunk; a word's variants share its position,
    stop words take none, a hyphenated compound's joined form sits at its first part."""
    terms = analyze(chunk)
    if not terms:
        return ()
    tokens = tokenize(chunk)
    if len(tokens) == 1:
        return tuple((0, t) for t in terms)
    out: list[tuple[int, str]] = []
    left = Counter(terms)
    pos = 0
    for token in tokens:
        own = analyze(token)
        if not own:
            continue
        for t in own:
            out.append((pos, t))
            left[t] -= 1
        pos += 1
    for t in terms:
        if left[t] > 0:
            left[t] -= 1
            out.append((0, t))
    out.sort(key=lambda pair: pair[0])
    return tuple(out)


def positioned_terms(text: str) -> Iterator[tuple[int, str]]:
    """Index terms of `text` (the multiset of analyze(text)) with word positions for phrases."""
    base = 0
    for chunk in split_spaces(text):
        pairs = _chunk_terms(chunk)
        if pairs:
            for offset, term in pairs:
                yield base + offset, term
            base += pairs[-1][0] + 1


# --- BM25F weights ------------------------------------------------------------------------------
@dataclass
class Weighted:
    """Per document: term -> q (quantised BM25F pseudo frequency) and term -> chunk mask."""

    q: list[dict[str, int]]
    masks: list[dict[str, int]]
    avglen: dict[str, float]


def _doc_terms(doc: SearchDoc) -> tuple[dict[str, Counter], dict[str, int]]:
    """Term counts per field, and for each term the chunks it occurs in (a bit mask)."""
    per_field = {name: Counter(analyze(doc.field_text(name))) for name, _, _ in FIELDS}
    mask: dict[str, int] = {}
    for k, chunk in enumerate(doc.chunks):
        for term in set(analyze("\n".join(chunk))):
            mask[term] = mask.get(term, 0) | (1 << k)
    return per_field, mask


def weigh(docs: Sequence[SearchDoc], memo: Memo | None = None) -> Weighted:
    counts: list[dict[str, Counter]] = []
    masks: list[dict[str, int]] = []
    totals = {name: 0 for name, _, _ in FIELDS}
    for doc in docs:
        if memo is None:
            per_field, mask = _doc_terms(doc)
        else:
            source = "\0".join([doc.field_text(name) for name, _, _ in FIELDS] + ["\1".join(c) for c in doc.chunks])
            per_field, mask = memo.get("terms", source, lambda doc=doc: _doc_terms(doc))
        for name in totals:
            totals[name] += sum(per_field[name].values())
        counts.append(per_field)
        masks.append(mask)
    n = max(1, len(docs))
    avglen = {name: totals[name] / n for name in totals}
    qs = []
    for per_field in counts:
        tilde: dict[str, float] = {}
        for name, weight, b in FIELDS:
            c = per_field[name]
            if not c:
                continue
            length = sum(c.values())
            norm = (1 - b + b * length / avglen[name]) if avglen[name] else 1.0
            for term, tf in c.items():
                tilde[term] = tilde.get(term, 0.0) + weight * tf / norm
        qs.append({t: max(1, round(v * SCALE)) for t, v in tilde.items()})
    return Weighted(qs, masks, avglen)


def idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def term_score(idf_value: float, q: float) -> float:
    """Score of one posting; `q` is the stored weight (tf~). search.js computes it in this order."""
    w = q
    return idf_value * w * (K1 + 1) / (w + K1)


# --- the query language ---------------------------------------------------------------------------
@dataclass
class Clause:
    kind: str                       # "word" or "phrase"
    terms: tuple[str, ...]          # word: its term (or none: a stop word being typed); phrase: its terms
    prefix: str = ""                # word: the last word, folded, expanded as a prefix

    @property
    def key(self):
        return (self.kind, self.terms) if self.terms else ("prefix", self.prefix)


def _is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LMN"


def parse_query(text: str) -> list[Clause]:
    """Clauses of a query. search.js implements the same rules (parseQuery)."""
    text = unicodedata.normalize("NFC", text or "")[:MAX_QUERY_CHARS]
    quotes = [i for i, c in enumerate(text) if c in QUOTES]
    if len(quotes) % 2:
        quotes = quotes[:-1]            # an unmatched quote is ignored
    segments: list[tuple[bool, str]] = []
    start = 0
    for open_at, close_at in zip(quotes[::2], quotes[1::2]):
        segments.append((False, text[start:open_at]))
        segments.append((True, text[open_at + 1:close_at]))
        start = close_at + 1
    segments.append((False, text[start:]))
    ends_in_word = bool(text) and _is_word_char(text[-1]) and start <= len(text) - 1
    clauses: list[Clause] = []
    seen: dict = {}
    for index, (quoted, segment) in enumerate(segments):
        tokens = [t for t in tokenize(segment.replace("\"", " ")) if t]
        if quoted:
            terms = tuple(t for tok in tokens for t in analyze_query(tok))
            if not terms:
                continue
            clause = Clause("phrase", terms) if len(terms) > 1 else Clause("word", terms)
            if clause.key not in seen:
                seen[clause.key] = clause
                clauses.append(clause)
            continue
        last_segment = index == len(segments) - 1
        for position, token in enumerate(tokens):
            terms = tuple(analyze_query(token))[:1]
            prefix = ""
            if last_segment and ends_in_word and position == len(tokens) - 1:
                folded = fold(token)
                if len(folded) >= MIN_PREFIX:
                    prefix = folded
            if not terms and not prefix:
                continue
            clause = Clause("word", terms, prefix)
            if clause.key in seen:
                if prefix:
                    seen[clause.key].prefix = prefix
                continue
            seen[clause.key] = clause
            clauses.append(clause)
    return clauses[:MAX_CLAUSES]


def pick_expansions(prefix: str, exact: Sequence[str], candidates: Iterable[tuple[str, int]]) -> list[str]:
    """The MAX_EXPANSIONS most frequent terms (term, df) starting with `prefix`, ties by term."""
    found = [(df, t) for t, df in candidates if t.startswith(prefix) and t not in exact]
    found.sort(key=lambda pair: (-pair[0], pair[1]))
    return [t for _, t in found[:MAX_EXPANSIONS]]


# --- snippets (search.js: makeSnippet) ----------------------------------------------------------
_WORDS = re.compile(r"\S+")
_INNER = re.compile(r"[^\W_].*[^\W_]|[^\W_]", re.S)


@lru_cache(maxsize=1 << 16)
def _word_terms(word: str) -> frozenset[str]:
    return frozenset(analyze(word))


def best_chunk(chunk_count: int, clause_masks: Sequence[int]) -> int:
    """The chunk holding the most clauses (the first such); clause_masks: per clause, its chunks."""
    best, best_count = 0, 0
    for k in range(chunk_count):
        count = sum(1 for m in clause_masks if m >> k & 1)
        if count > best_count:
            best, best_count = k, count
    return best


def make_snippet(paragraphs: Sequence[str], terms: set[str] | frozenset[str]) -> tuple[str, list[tuple[int, int]]]:
    """About SNIPPET_CHARS of text around the densest matches, and the (start, end) of each match."""
    best = None   # (distinct terms, -paragraph, -start, paragraph index, start)
    found: list[list[tuple[int, int, frozenset]]] = []
    for p, text in enumerate(paragraphs):
        hits = []
        for m in _WORDS.finditer(text):
            matched = _word_terms(m.group()) & terms
            if matched:
                inner = _INNER.search(m.group())
                s = m.start() + (inner.start() if inner else 0)
                e = m.start() + (inner.end() if inner else len(m.group()))
                hits.append((s, e, matched))
        found.append(hits)
        for i, (s, _e, _m) in enumerate(hits):
            window_start = max(0, s - 40)
            distinct = set()
            for _s2, e2, m2 in hits[i:]:
                if e2 > window_start + SNIPPET_CHARS:
                    break
                distinct |= m2
            key = (len(distinct), -p, -window_start)
            if best is None or key > best[0]:
                best = (key, p, window_start)
    if best is None:
        text = next((p for p in paragraphs if p), "")
        p, window_start, hits = 0, 0, []
        paragraphs = [text]
    else:
        _, p, window_start = best
        text, hits = paragraphs[p], found[p]
    # move the window to word boundaries
    if window_start > 0:
        space = text.rfind(" ", 0, window_start + 1)
        window_start = space + 1 if space >= 0 else 0
    end = window_start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", window_start, end)
        end = space if space > window_start else end
    else:
        end = len(text)
    lead = "…" if window_start > 0 else ""
    tail = "…" if end < len(text) else ""
    snippet = lead + text[window_start:end] + tail
    marks = [(s - window_start + len(lead), e - window_start + len(lead)) for s, e, _ in hits
             if s >= window_start and e <= end]
    return snippet, marks


def mark(snippet: str, marks: Sequence[tuple[int, int]], before: str = "**", after: str = "**") -> str:
    out, last = [], 0
    for s, e in marks:
        out.append(snippet[last:s] + before + snippet[s:e] + after)
        last = e
    return "".join(out) + snippet[last:]


# --- Whoosh --------------------------------------------------------------------------------------
INDEX_NAME = "wiedza"
SEGMENT_ID = "wiedza0000000000"


def segments(doc: SearchDoc) -> list[str]:
    """The texts a phrase must lie within: the title, each line of the topics field, and each
    paragraph of the snippet chunks (abstract, body). search.js checks phrases on the same pieces."""
    return [doc.title, *doc.topics.split("\n"), *(p for chunk in doc.chunks for p in chunk)]


def prepared_terms(doc: SearchDoc, q: dict[str, int]) -> list[tuple[int, str, float]]:
    """(position, term, boost) tokens of the `terms` field: every word of every segment at its
    position (segments two positions apart, so no phrase spans two), and the first occurrence of a
    term carries its whole BM25F weight q / SCALE (later ones 0), so the posting's weight is exact."""
    out: list[tuple[int, str, float]] = []
    seen: set[str] = set()
    base = 0
    for text in segments(doc):
        last = -1
        for pos, term in positioned_terms(text):
            if term in q:
                boost = 0.0 if term in seen else q[term] / SCALE
                seen.add(term)
                out.append((base + pos, term, boost))
                last = pos
        base += last + 3
    for term in sorted(set(q) - seen):      # a term of text the snippet chunks left out
        out.append((base, term, q[term] / SCALE))
        base += 2
    return out


class Prepared(str):
    """A field value whose tokens were computed already (see prepared_terms)."""

    tokens: list[tuple[int, str, float]] = []

    @classmethod
    def of(cls, tokens: list[tuple[int, str, float]]) -> "Prepared":
        value = cls(" ".join(t for _, t, _ in tokens))
        value.tokens = tokens
        return value


class PreparedTokenizer(wa.Tokenizer):
    """Whoosh tokenizer of the `terms` field. At index time it yields the prepared tokens (our
    analyser's terms, wiedza.analysis.analyze); a query string is analysed with analyze_query."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = wa.Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        prepared = getattr(value, "tokens", None)
        if prepared is None:
            terms = analyze_query(value) if tokenize else [value]
            prepared = [(i, t, 1.0) for i, t in enumerate(terms)]
        for pos, term, boost in prepared:
            token.text, token.boost, token.stopped = term, boost, False
            if positions:
                token.pos = start_pos + pos
            yield token


class _Scorer(scoring.BaseScorer):
    def __init__(self, idf_value: float):
        self.idf_value = idf_value

    def supports_block_quality(self):
        return False

    def score(self, matcher):
        return term_score(self.idf_value, matcher.weight())


class _Zero(scoring.BaseScorer):
    def supports_block_quality(self):
        return False

    def score(self, matcher):
        return 0.0


class _BestOfMatcher(DisjunctionMaxMatcher):
    """DisjunctionMaxMatcher whose score only looks at the side(s) on the current document: in
    whoosh-reloaded 2.7.5 it takes max(a.score(), b.score()) even when a and b are on different
    documents, giving a document the score of another one."""

    def score(self):
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        a_id, b_id = a.id(), b.id()
        if a_id != b_id:
            return a.score() if a_id < b_id else b.score()
        return max(a.score(), b.score())


class BestOf(wq.DisjunctionMax):
    """A word clause: the best of its terms (the word, its prefix expansions)."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(subs, _BestOfMatcher, searcher, context, lambda q: q.estimate_size(reader),
                                  tiebreak=0.0)


class WiedzaBM25F(scoring.WeightingModel):
    """BM25F over the precomputed pseudo frequencies of the `terms` field; the other fields (for
    phrases and filters) score nothing."""

    def scorer(self, searcher, fieldname, text, qf=1):
        if fieldname != "terms":
            return _Zero()
        return _Scorer(idf(searcher.doc_count_all(), searcher.doc_frequency(fieldname, text)))


def make_schema() -> wf.Schema:
    """One indexed text field, `terms`: title, topics, abstract and body together, each term
    weighted by BM25F (title boosted, see FIELDS), with positions for phrases. The field texts are
    stored for display; the rest are filters."""
    return wf.Schema(
        id=wf.ID(stored=True, unique=True),
        url=wf.ID(stored=True),
        terms=wf.FieldType(formats.Positions(), PreparedTokenizer(), scorable=False),
        title=wf.STORED(),
        abstract=wf.STORED(),
        topics=wf.STORED(),
        type=wf.ID(stored=True),
        section=wf.ID(stored=True),
        audience=wf.KEYWORD(stored=True, commas=True),
        action=wf.KEYWORD(stored=True, commas=True),
        topic=wf.KEYWORD(stored=True, commas=True),
        date=wf.ID(stored=True, sortable=True),
        meta=wf.STORED(),        # JSON: labels, the body as snippet chunks, and their term masks
    )


class FixedCodec(W3Codec):
    """Whoosh's default codec, but a new segment gets a fixed id instead of a random one, so the
    same content gives the same index bytes (we always write one segment into a new folder), and
    no per-posting field lengths: our scorer does not use them, and looking them up cost a file
    system check per posting."""

    length_stats = False

    def new_segment(self, storage, indexname):
        return W3Segment(self, indexname, segid=SEGMENT_ID)


def build_whoosh(docs: Sequence[SearchDoc], target: Path, weighted: Weighted | None = None) -> None:
    """Write the Whoosh index of `docs` into the empty or new folder `target`."""
    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    weighted = weighted or weigh(docs)
    schema = make_schema()
    target.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(target), schema, indexname=INDEX_NAME)
    writer = SegmentWriter(ix, codec=FixedCodec(), compound=False)  # compound files record mtimes
    try:
        for doc, q in zip(docs, weighted.q):
            meta = {"section_label": doc.section_label, "type_label": doc.type_label,
                    "chunks": [list(c) for c in doc.chunks], "masks": weighted.masks[doc.num]}
            writer.add_document(
                id=doc.id, url=doc.path, title=doc.title, abstract=doc.abstract, topics=doc.topics,
                terms=Prepared.of(prepared_terms(doc, q)),
                type=doc.type, section=doc.section, audience=",".join(doc.audience),
                action=",".join(doc.actions), topic=",".join(doc.topic_keys), date=doc.date,
                meta=json.dumps(meta, ensure_ascii=False, sort_keys=True))
        writer.commit(optimize=False, merge=False)
    except BaseException:
        writer.cancel()
        raise


def build_search_dir(docs: Sequence[SearchDoc], search_dir: Path, weighted: Weighted | None = None) -> None:
    """Build the index beside `search_dir` and swap it in atomically, under a lock."""
    from .atomic import build_lock, remove_leftovers, replace_dir, scratch_dir

    search_dir = search_dir.resolve()
    with build_lock(search_dir):
        remove_leftovers(search_dir)
        with scratch_dir(search_dir, search_dir.name) as work:
            build_whoosh(docs, work / "index", weighted)
            replace_dir(work / "index", search_dir)


def _child_build(docs_source, target: Path, conn) -> None:
    try:
        build_whoosh(collect_documents(docs_source), target)
        conn.send(None)
    except BaseException as exc:  # reported by the parent as a build error
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


@contextmanager
def parallel_build(index, search_dir: Path | None, timings: dict | None = None):
    """Build the Whoosh index of `index` on the second core while the block runs (the site build);
    on success swap it into `search_dir` (atomically, under its lock); on failure leave search/ as
    it was. With search_dir None this does nothing."""
    if search_dir is None:
        yield None
        return
    import multiprocessing
    import time

    from .atomic import build_lock, remove_leftovers, replace_dir, scratch_dir
    from .errors import BuildError

    search_dir = search_dir.resolve()
    # the lock is held throughout, so `wiedza index` never removes our scratch folder as a leftover
    with build_lock(search_dir):
        remove_leftovers(search_dir)
        with scratch_dir(search_dir, search_dir.name) as work:
            target = work / "index"
            try:
                ctx = multiprocessing.get_context("fork")
            except ValueError:       # no fork here: build after the site instead
                ctx = None
            process = receiver = None
            if ctx is not None:
                receiver, sender = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_child_build, args=(index, target, sender), daemon=True)
                process.start()
                sender.close()
            try:
                yield process
            except BaseException:
                if process is not None:
                    process.terminate()
                    process.join()
                raise
            start = time.perf_counter()
            if process is None:
                build_whoosh(collect_documents(index), target)
            else:
                try:
                    error = receiver.recv()
                except EOFError:
                    error = "proces przerwany"
                process.join()
                if error or process.exitcode:
                    raise BuildError(f"indeks wyszukiwania Whoosh nie powstał ({error or process.exitcode}); "
                                     f"poprzedni {search_dir} pozostał bez zmian.")
            replace_dir(target, search_dir)
            if timings is not None:
                timings["indeks Whoosh (oczekiwanie)"] = time.perf_counter() - start


def build_from_content(content: Path, search_dir: Path, *, strict: bool = False) -> int:
    """`wiedza index`: load the content and (re)build search/ alone. Returns the document count."""
    from .content.loader import load_site

    docs = collect_documents(load_site(content, strict=strict))
    build_search_dir(docs, search_dir)
    return len(docs)


# --- Whoosh search -------------------------------------------------------------------------------
@dataclass
class Result:
    rank: int
    url: str
    title: str
    section: str
    section_label: str
    type: str
    type_label: str
    date: str
    score: float
    matched: int                # clauses matched
    snippet: str
    marks: list[tuple[int, int]] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"rank": self.rank, "url": self.url, "title": self.title, "section": self.section,
                "section_label": self.section_label, "type": self.type, "type_label": self.type_label,
                "date": self.date, "score": self.score, "matched": self.matched, "snippet": self.snippet,
                "highlights": [list(m) for m in self.marks]}


class SearchIndexMissing(Exception):
    pass


def sort_key(matched: int, score: float, num: int):
    return (-matched, -round(score, 9), num)


def search(search_dir: Path, query: str, *, limit: int = 10, type: str | None = None,
           section: str | None = None, audience: str | None = None, topic: str | None = None) -> list[Result]:
    """Ranked results of `query` from the Whoosh index in `search_dir`."""
    from whoosh import index as whoosh_index

    if not whoosh_index.exists_in(str(search_dir), indexname=INDEX_NAME):
        raise SearchIndexMissing(str(search_dir))
    clauses = parse_query(query)
    if not clauses or limit <= 0:
        return []
    ix = whoosh_index.open_dir(str(search_dir), indexname=INDEX_NAME)
    with ix.searcher(weighting=WiedzaBM25F()) as searcher:
        reader = searcher.reader()
        filters = [wq.Term(name, value) for name, value in
                   (("type", type), ("section", section), ("audience", audience), ("topic", topic)) if value]
        clause_terms: list[set[str]] = []
        subqueries = []
        phrase_docs: dict[int, set[int]] = {}
        for i, clause in enumerate(clauses):
            if clause.kind == "phrase":
                words = list(clause.terms)
                # a filter scoring 0 (boost 0: ConstantScoreQuery is bypassed when terms are collected)
                in_place = wq.Phrase("terms", words, boost=0.0)
                scored = [wq.Term("terms", t) for t in dict.fromkeys(words)]
                q = wq.And([in_place, *scored])
                phrase_docs[i] = set(searcher.docs_for_query(q))
                clause_terms.append(set(words))
                subqueries.append(q)
                continue
            options = [wq.Term("terms", t) for t in clause.terms]
            terms = set(clause.terms)
            if clause.prefix:
                candidates = ((t.decode("utf-8"), reader.doc_frequency("terms", t))
                              for t in reader.expand_prefix("terms", clause.prefix))
                for t in pick_expansions(clause.prefix, clause.terms, candidates):
                    options.append(wq.Term("terms", t, boost=PREFIX_WEIGHT))
                    terms.add(t)
            clause_terms.append(terms)
            if options:
                subqueries.append(BestOf(options) if len(options) > 1 else options[0])
        if not subqueries:
            return []
        filter_q = wq.And(filters) if filters else None
        # optimize=False: with whoosh-reloaded, an OR with a prefix's terms can hang under the
        # default block-quality optimisation (tests/test_search_cli.py checks it with a timeout).
        hits = searcher.search(wq.Or(subqueries), limit=None, optimize=False, terms=True, filter=filter_q)
        ranked = []
        for hit in hits:
            matched_terms = {t.decode("utf-8") if isinstance(t, bytes) else t
                             for f, t in hit.matched_terms() if f == "terms"}
            used: list[set[str]] = []      # per clause, the terms it matched with
            for i, terms in enumerate(clause_terms):
                if i in phrase_docs:
                    used.append(set(terms) if hit.docnum in phrase_docs[i] else set())
                else:
                    used.append(terms & matched_terms)
            matched = sum(1 for u in used if u)
            ranked.append((sort_key(matched, hit.score, hit.docnum), hit.docnum, matched, hit.score, used))
        ranked.sort()
        results = []
        for rank, (_, docnum, matched, score, used) in enumerate(ranked[:limit], 1):
            stored = searcher.stored_fields(docnum)
            meta = json.loads(stored["meta"])
            chunks = meta["chunks"]
            masks = meta["masks"]
            clause_masks = []
            for terms in used:
                m = 0
                for t in terms:
                    m |= masks.get(t, 0)
                clause_masks.append(m)
            k = best_chunk(len(chunks), clause_masks)
            snippet, marks = make_snippet(chunks[k] if chunks else [], frozenset().union(*used))
            results.append(Result(rank=rank, url=stored["url"], title=stored["title"], section=stored["section"],
                                  section_label=meta["section_label"], type=stored["type"],
                                  type_label=meta["type_label"], date=stored.get("date", ""),
                                  score=round(score, 6), matched=matched, snippet=snippet, marks=marks))
        return results


def format_results(results: Sequence[Result], query: str, *, color: bool = False) -> str:
    """Plain-text result list for the terminal (matched words in **bold** or ANSI bold)."""
    if not results:
        return f"Nic nie znaleziono dla zapytania „{query}”."
    before, after = ("\x1b[1m", "\x1b[0m") if color else ("**", "**")
    lines = []
    for r in results:
        lines.append(f"{r.rank}. {r.title}  [{r.section_label}, {r.type_label}{', ' + r.date if r.date else ''}]")
        lines.append(f"   {r.url}")
        if r.snippet:
            lines.append(f"   {mark(r.snippet, r.marks, before, after)}")
        lines.append("")
    return "\n".join(lines).rstrip()
