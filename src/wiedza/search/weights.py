"""BM25F weights: per document and index term a pseudo term frequency that combines the fields,
each normalised by its length against a fixed reference length (see the package docstring), and
the positions of terms in running text (for phrases)."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence

from ..analysis import analyze, tokenize
from .documents import SearchDoc

# (name, weight W_f, length normalisation B_f)
FIELDS: tuple[tuple[str, float, float], ...] = (
    ("title", 4.0, 0.5),
    ("topics", 2.0, 0.5),
    ("abstract", 1.5, 0.75),
    ("body", 1.0, 0.75),
)
# Typical field lengths in index terms, in place of the corpus averages of textbook BM25F, so that a
# document's weights depend on itself alone (an edit re-weighs one document, not all of them).
# Chosen from the sample content (title 7, topics 14, abstract 50, body 500 terms on average) and
# the benchmark corpora (title 5-10, abstract 13-25, body about 1,100).
REFERENCE_LENGTHS: dict[str, float] = {"title": 8.0, "topics": 12.0, "abstract": 40.0, "body": 800.0}
K1 = 1.2
SCALE = 16                # q = round(tf~ * SCALE): weights are multiples of 1/16 (exact in float32)

# One whitespace class for Python and JS alike (str.split() and JS \s differ at the edges).
_SPACE_CLASS = "\\t\\n\\x0b\\x0c\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_SPACES = re.compile(f"[{_SPACE_CLASS}]+")


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
@dataclass(frozen=True)
class DocWeights:
    """One document's postings: term -> q (quantised BM25F pseudo frequency), term -> chunk mask."""

    q: dict[str, int]
    masks: dict[str, int]


@dataclass
class Weighted:
    """Per document (by number): term -> q and term -> chunk mask."""

    q: list[dict[str, int]]
    masks: list[dict[str, int]]


def chunk_masks(doc: SearchDoc) -> dict[str, int]:
    """For each term, the snippet chunks it occurs in (a bit mask)."""
    mask: dict[str, int] = {}
    for k, chunk in enumerate(doc.chunks):
        for term in set(analyze("\n".join(chunk))):
            mask[term] = mask.get(term, 0) | (1 << k)
    return mask


def doc_weights(doc: SearchDoc) -> DocWeights:
    """tf~ = sum_f W_f * tf_f / (1 - B_f + B_f * len_f / REFERENCE_LENGTHS[f]), q = max(1, round(tf~ * SCALE))."""
    tilde: dict[str, float] = {}
    for name, weight, b in FIELDS:
        counts = Counter(analyze(doc.field_text(name)))
        if not counts:
            continue
        norm = 1 - b + b * sum(counts.values()) / REFERENCE_LENGTHS[name]
        for term, tf in counts.items():
            tilde[term] = tilde.get(term, 0.0) + weight * tf / norm
    return DocWeights({t: max(1, round(v * SCALE)) for t, v in tilde.items()}, chunk_masks(doc))


def weigh(docs: Sequence[SearchDoc]) -> Weighted:
    each = [doc_weights(doc) for doc in docs]
    return Weighted([w.q for w in each], [w.masks for w in each])


def idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def term_score(idf_value: float, q: float) -> float:
    """Score of one posting; `q` is the stored weight (tf~). search.js computes it in this order."""
    w = q
    return idf_value * w * (K1 + 1) / (w + K1)
