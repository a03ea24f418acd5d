"""`wiedza search`: ranked results from the Whoosh index, scored like the browser engine.

Whoosh traps avoided here: an OR with prefix terms can hang under the default search optimisation
(searches pass optimize=False); DisjunctionMaxMatcher gives a document the score of another one
(BestOf); ConstantScoreQuery is bypassed when matched terms are collected (a phrase filter uses
boost 0 instead); a scorer sees one segment, so document counts come from its parent searcher.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from whoosh import query as wq, scoring
from whoosh.matching import DisjunctionMaxMatcher

from .query import PREFIX_WEIGHT, best_chunk, make_snippet, mark, parse_query, pick_expansions
from .weights import idf, term_score
from .whoosh_index import INDEX_NAME


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
    phrases and filters) score nothing. Use one instance per searcher: it keeps the idf of each
    term (asked for once per segment, and a document frequency sums over every segment)."""

    def __init__(self):
        self._idf: dict[bytes, float] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        if fieldname != "terms":
            return _Zero()
        value = self._idf.get(text)
        if value is None:
            index = searcher.get_parent()      # the whole index, not the segment being searched
            value = self._idf[text] = idf(index.doc_count_all(), index.doc_frequency(fieldname, text))
        return _Scorer(value)



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


def sort_key(matched: int, score: float, url: str):
    """More clauses first, then the higher score, then URL order (the browser's document order)."""
    return (-matched, -round(score, 9), url)


def _prefix_frequencies(reader, prefix: str) -> dict[str, int]:
    """term -> document frequency of the index terms starting with `prefix`: one sequential scan
    per segment, not a look-up of each term in every segment."""
    found: dict[str, int] = {}
    for leaf, _base in reader.leaf_readers():
        for text, info in leaf.iter_prefix("terms", prefix):
            term = text.decode("utf-8")
            found[term] = found.get(term, 0) + info.doc_frequency()
    return found


def _url_of(reader):
    """docnum -> URL, from the url column (indexes written before it existed: stored fields)."""
    if reader.has_column("url"):
        return reader.column_reader("url").__getitem__
    return lambda docnum: reader.stored_fields(docnum)["url"]


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
                candidates = _prefix_frequencies(reader, clause.prefix).items()
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
        url_of = _url_of(reader)
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
            ranked.append((sort_key(matched, hit.score, url_of(hit.docnum)), hit.docnum, matched, hit.score, used))
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
