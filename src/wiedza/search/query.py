"""The query language both engines share (search.js implements the same rules: parseQuery,
expansions, makeSnippet) and the snippets of results."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from ..analysis import analyze, analyze_query, fold, tokenize

PREFIX_WEIGHT = 0.5       # an expansion of the last word counts half of the word itself
MIN_PREFIX = 3            # shorter last words are not expanded (too many terms)
MAX_EXPANSIONS = 40       # most frequent expansions kept, ties by term
MAX_QUERY_CHARS = 256     # longer queries are cut (code points)
MAX_CLAUSES = 12
SNIPPET_CHARS = 220
QUOTES = "\"„”“"


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
