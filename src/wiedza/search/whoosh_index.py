"""The Whoosh index behind `wiedza search`: its schema, and its build in BUCKETS segments.

A document goes to the bucket of a stable hash of its URL; each non-empty bucket is one segment,
written in bucket order with the bucket's documents in URL order. A segment's id is made of its
bucket and a digest of its documents' content keys (and of the code that writes it), so equal
content gives equal ids and equal bytes. A rebuild hard-links the files of segments whose id is
already in the previous index and writes only the others; the table of contents (TOC) is written
by us, from the ids alone, so the result is byte for byte the one of a clean build.

Whoosh doc numbers therefore do not follow URL order; ties in ranking are broken by URL (a column),
as the browser breaks them by document number (= URL order).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

from whoosh import analysis as wa, fields as wf, formats
from whoosh.codec.whoosh3 import W3Codec, W3Segment

from ..analysis import analyze_query
from .documents import DocSource, SearchDoc, sources
from .memo import Memo, analysed, code_fingerprint
from .weights import SCALE, DocWeights, doc_weights, positioned_terms

INDEX_NAME = "wiedza"
BUCKETS = 32
TOC_NAME = f"_{INDEX_NAME}_1.toc"


def phrase_texts(doc: SearchDoc) -> list[str]:
    """The texts a phrase must lie within: the title, each line of the topics field, and each
    paragraph of the snippet chunks (abstract, body). search.js checks phrases on the same pieces."""
    return [doc.title, *doc.topics.split("\n"), *(p for chunk in doc.chunks for p in chunk)]


def prepared_terms(doc: SearchDoc, q: dict[str, int]) -> list[tuple[int, str, float]]:
    """(position, term, boost) tokens of the `terms` field: every word of every phrase text at its
    position (texts two positions apart, so no phrase spans two), and the first occurrence of a
    term carries its whole BM25F weight q / SCALE (later ones 0), so the posting's weight is exact."""
    out: list[tuple[int, str, float]] = []
    seen: set[str] = set()
    base = 0
    for text in phrase_texts(doc):
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


def make_schema() -> wf.Schema:
    """One indexed text field, `terms`: title, topics, abstract and body together, each term
    weighted by BM25F (title boosted, see FIELDS), with positions for phrases. The field texts are
    stored for display; the rest are filters. The URL is a column too: it breaks ties."""
    return wf.Schema(
        id=wf.ID(stored=True, unique=True),
        url=wf.ID(stored=True, sortable=True),
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


def _document_fields(doc: SearchDoc, weights: DocWeights) -> dict:
    meta = {"section_label": doc.section_label, "type_label": doc.type_label,
            "chunks": [list(c) for c in doc.chunks], "masks": weights.masks}
    return dict(id=doc.id, url=doc.path, title=doc.title, abstract=doc.abstract, topics=doc.topics,
                terms=Prepared.of(prepared_terms(doc, weights.q)),
                type=doc.type, section=doc.section, audience=",".join(doc.audience),
                action=",".join(doc.actions), topic=",".join(doc.topic_keys), date=doc.date,
                meta=json.dumps(meta, ensure_ascii=False, sort_keys=True))


# --- segments -------------------------------------------------------------------------------------
class FixedCodec(W3Codec):
    """Whoosh's default codec without per-posting field lengths: our scorer does not use them, and
    looking them up cost a file system check per posting. Segments in the TOC carry this codec."""

    length_stats = False


class _SegmentCodec(FixedCodec):
    """Writes one new segment under the id we chose (Whoosh would pick a random one)."""

    def __init__(self, segid: str):
        super().__init__()
        self.segid = segid

    def new_segment(self, storage, indexname):
        return W3Segment(self, indexname, segid=self.segid)


@dataclass(frozen=True)
class Member:
    """A document of the index: its URL, a key naming its content, and how to get its analysis."""

    path: str
    key: str
    load: Callable[[], tuple[SearchDoc, DocWeights]]


def bucket_of(path: str) -> int:
    return int.from_bytes(hashlib.sha256(path.encode("utf-8", "surrogatepass")).digest()[:4], "big") % BUCKETS


def segment_id(bucket: int, members: Sequence[Member]) -> str:
    """16 characters of [0-9a-f] (Whoosh wants [0-9a-z]): the bucket, then a digest of its content."""
    import whoosh

    digest = hashlib.sha256(f"{code_fingerprint()}\0{whoosh.versionstring()}".encode())
    for m in members:
        digest.update(f"\0{m.path}\0{m.key}".encode("utf-8", "surrogatepass"))
    return f"{bucket:02d}{digest.hexdigest()[:14]}"


def buckets(members: Sequence[Member]) -> list[tuple[str, list[Member]]]:
    """(segment id, members in URL order) of each non-empty bucket, in bucket order."""
    grouped: dict[int, list[Member]] = {}
    for m in sorted(members, key=lambda m: m.path):
        grouped.setdefault(bucket_of(m.path), []).append(m)
    return [(segment_id(b, grouped[b]), grouped[b]) for b in sorted(grouped)]


def _segment_files(folder: Path | None) -> dict[str, list[str]]:
    """segment id -> its file names, in an earlier index folder."""
    found: dict[str, list[str]] = {}
    if folder is None or not folder.is_dir():
        return found
    prefix = f"{INDEX_NAME}_"
    for name in sorted(os.listdir(folder)):
        if name.startswith(prefix) and "." in name:
            found.setdefault(name[len(prefix):].split(".", 1)[0], []).append(name)
    return found


def _reuse(source: Path, target: Path) -> None:
    try:
        os.link(source, target)        # segment files are never changed in place
    except OSError:
        shutil.copyfile(source, target)


def _write_segment(ix, segid: str, members: Sequence[Member]) -> None:
    from whoosh.writing import SegmentWriter

    writer = SegmentWriter(ix, codec=_SegmentCodec(segid), compound=False, _lk=False)  # compound files record mtimes
    try:
        for m in members:
            writer.add_document(**_document_fields(*m.load()))
        writer._finalize_segment()     # close the segment's files; the TOC is ours (see write_index)
    except BaseException:
        writer.cancel()
        raise
    writer._finish()


def write_index(members: Sequence[Member], target: Path, previous: Path | None = None) -> int:
    """Write the index of `members` into the empty or new folder `target`, taking unchanged
    segments from the index folder `previous`. Returns how many segments were written anew."""
    from whoosh import index as whoosh_index
    from whoosh.index import TOC

    target.mkdir(parents=True, exist_ok=True)
    schema = make_schema()
    ix = whoosh_index.create_in(str(target), schema, indexname=INDEX_NAME)   # an empty TOC, generation 0
    old = _segment_files(previous)
    codec = FixedCodec()
    records, written = [], 0
    for segid, group in buckets(members):
        if segid in old:
            for name in old[segid]:
                _reuse(previous / name, target / name)
        else:
            _write_segment(ix, segid, group)
            written += 1
        records.append(W3Segment(codec, INDEX_NAME, doccount=len(group), segid=segid))
    TOC(schema, records, 1).write(ix.storage, INDEX_NAME)
    (target / f"_{INDEX_NAME}_0.toc").unlink()
    return written


def members_of_docs(docs: Sequence[SearchDoc], weights: Sequence[DocWeights] | None = None) -> list[Member]:
    """Members for documents analysed already (the benchmark's generated corpus)."""
    out = []
    for i, doc in enumerate(docs):
        fields = asdict(doc)
        del fields["num"]
        key = hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass"))
        w = weights[i] if weights is not None else None
        out.append(Member(doc.path, key.hexdigest()[:32],
                          (lambda doc=doc, w=w: (doc, w or doc_weights(doc)))))
    return out


def members_of_sources(found: Sequence[DocSource], memo: Memo | None = None) -> list[Member]:
    return [Member(s.path, s.key, (lambda s=s: analysed(s, memo))) for s in found]


def build_whoosh(docs: Sequence[SearchDoc], target: Path, weights: Sequence[DocWeights] | None = None) -> None:
    """Write the Whoosh index of analysed `docs` into the empty or new folder `target`."""
    write_index(members_of_docs(docs, weights), target)


# --- search/ -----------------------------------------------------------------------------------
def build_search_dir(found: Sequence[DocSource], search_dir: Path, memo: Memo | None = None) -> None:
    """Build the index beside `search_dir` (reusing its unchanged segments) and swap it in
    atomically, under a lock."""
    from ..atomic import build_lock, remove_leftovers, replace_dir, scratch_dir

    search_dir = search_dir.resolve()
    with build_lock(search_dir):
        remove_leftovers(search_dir)
        with scratch_dir(search_dir, search_dir.name) as work:
            write_index(members_of_sources(found, memo), work / "index", search_dir)
            replace_dir(work / "index", search_dir)


def build_from_content(content: Path, search_dir: Path, *, strict: bool = False) -> int:
    """`wiedza index`: load the content and (re)build search/ alone. Returns the document count."""
    from ..content.loader import load_site

    found = sources(load_site(content, strict=strict))
    build_search_dir(found, search_dir)
    return len(found)
