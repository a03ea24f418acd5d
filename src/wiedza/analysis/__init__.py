"""Polish text analysis shared by the search index (Python) and the browser.

The same pipeline is implemented in ``theme/assets/js/analysis.js``; the
equivalence test runs both over the vectors of ``wiedza.analysis.vectors`` and
requires identical output for every word, so any change here must be made
there too.

Pipeline
--------
1. ``tokenize``: NFC-normalise; a word is a run of Unicode letters, marks and
   digits (categories L, M, N; so ``_``, apostrophes, punctuation, symbols and
   emoji separate words). Words joined by a hyphen (``-``, U+2010, U+2011) form
   a compound: each part is a token. Tokens are lower-cased
   (``str.lower`` / ``String.prototype.toLowerCase``). Numbers are kept as
   tokens (``3.14`` gives ``3`` and ``14``).
2. Tokens longer than ``MAX_WORD_LENGTH`` code points (hashes, base64) and stop
   words are dropped. A token is a stop word if it is in ``STOPWORDS``, or if
   it has no diacritics and equals a stop word with its diacritics folded
   (a query ``sie`` is ``się``). See ``stopwords.py`` for how collisions were
   avoided.
3. Each remaining token ``w`` becomes ``fold(stem(w))``: Snowball Polish
   (``snowballstemmer.stemmer("polish")``) on the real word, then diacritics
   folded.
4. Index side only (``analyze``): when ``stem(fold(w))`` differs, it is
   emitted as a second term right after the first, and a hyphenated compound
   with at least one letter also gives its joined form (``e-mail`` ->
   ``e``, ``mail`` and ``email``; ``społeczno-ekonomiczny`` -> both parts and
   ``spolecznoekonomiczn``). The query side (``analyze_query``) emits only
   ``fold(stem(w))`` per part, without duplicates, so a hyphenated query
   matches the hyphenated and the spaced spelling alike.

Folding vs stemming
-------------------
Someone typing without diacritics gives the stemmer ``fold(w)`` instead of
``w``. The Snowball rules read diacritics (``-ów``, ``-ać``, ``-ał``, ``-ą``,
``-ę``, ``-ość``...), so ``stem(fold(w))`` often differs from
``fold(stem(w))``: ``domów`` -> ``dom`` but ``domow`` -> ``domow``. Measured
with ``python -m wiedza.analysis.vectors --measure``:

* Debian wpolish word list (4,327,699 forms, 3,539,302 of them with
  diacritics): ``fold(stem(w)) == stem(fold(w))`` for 71.7% of the words with
  diacritics (77.7% of all words). The generated vectors: 73.0% / 83.7%.
* Stemming only folded text (``stem(fold(w))`` everywhere) agrees by
  construction but loses the diacritic rules: on the 219 generated
  paradigms it leaves 3.77 distinct terms per lemma against 2.67 for
  ``fold(stem(w))``, and distinct terms over wpolish grow from 1,144,937 to
  1,464,305.
* Chosen: index both ``fold(stem(w))`` and ``stem(fold(w))``, query with
  ``fold(stem(w))``. For a query typed without diacritics
  ``fold(stem(q)) == stem(q) == stem(fold(w))``, so agreement is 100% by
  construction (checked over every vector word), while a query with
  diacritics keeps the full Snowball quality. Cost: a second term for 26.3% of
  the generated words with diacritics, about 10-15% more postings on running
  text (``--measure`` prints the figure for the content).

``stem`` is cached; ``analyze`` caches the terms of each raw token, so a corpus
of 5,000 documents of 1,500 words is mostly dictionary look-ups.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

import snowballstemmer

from .stopwords import STOPWORDS

__all__ = [
    "MAX_WORD_LENGTH",
    "STOPWORDS",
    "analyze",
    "analyze_query",
    "fold",
    "is_stopword",
    "stem",
    "tokenize",
]

# Longer tokens are not words anyone searches for (hashes, base64, URLs glued).
MAX_WORD_LENGTH = 64

# Latin letters with diacritics (Polish first, then Latin-1 and Latin
# Extended-A) and their base letters. Kept one-to-one and explicit so the
# JavaScript copy is byte-for-byte the same table.
FOLD_FROM = (
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòôõöùúûüýÿ"
    "ĀāĂăĈĉĊċČčĎďĒēĔĕĖėĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľ"
    "ŅņŇňŌōŎŏŐőŔŕŖŗŘřŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŽž"
    "øØđĐħĦŧŦıŀĿ"
)
FOLD_TO = (
    "acelnoszzACELNOSZZ"
    "AAAAAACEEEEIIIINOOOOUUUUYaaaaaaceeeeiiiinoooouuuuyy"
    "AaAaCcCcCcDdEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLl"
    "NnNnOoOoOoRrRrRrSsSsSsTtTtUuUuUuUuUuUuWwYyYZz"
    "oOdDhHtTilL"
)
_FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)

_HYPHENS = "-\u2010\u2011"
_stemmer = snowballstemmer.stemmer("polish")


def fold(s: str) -> str:
    """Replace Latin letters with diacritics by their base letter (ł -> l)."""
    return s.translate(_FOLD_TABLE)


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Snowball Polish stem of ``word`` (expects lower-case NFC text)."""
    return _stemmer.stemWord(word)


_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


def is_stopword(word: str) -> bool:
    """``word`` is lower-case; undiacritised words also match folded stop words."""
    if word in STOPWORDS:
        return True
    return word in _FOLDED_STOPWORDS and fold(word) == word


def _ranges(pred, lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for cp in range(lo, hi + 2):
        ok = cp <= hi and pred(chr(cp))
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    return out


def _class(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges
    )


def _word_pattern(char_class: str) -> re.Pattern[str]:
    w = f"[{char_class}]"
    return re.compile(f"{w}+(?:[{_HYPHENS}]{w}+)*")


# Python's \w is exactly Unicode L + N plus "_" (checked for every code point
# of this Python's Unicode version); marks are added. "_" is turned into a
# space before matching. Astral ranges make sre scan a long list for every
# non-word character, so the common all-BMP text gets a pattern without them.
_BMP_MARKS = _class(_ranges(lambda c: unicodedata.category(c)[0] == "M", 0, 0xFFFF))
_WORD_BMP = _word_pattern("\\w" + _BMP_MARKS)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _word_full() -> re.Pattern[str]:
    astral = _ranges(
        lambda c: unicodedata.category(c)[0] in "LMN", 0x10000, sys.maxunicode
    )
    return _word_pattern("\\w" + _BMP_MARKS + _class(astral))


def _compounds(text: str) -> list[str]:
    """Runs of word characters, hyphen-joined runs kept together."""
    text = unicodedata.normalize("NFC", text)
    if "_" in text:
        text = text.replace("_", " ")
    rx = _word_full() if _ASTRAL.search(text) else _WORD_BMP
    return rx.findall(text)


def _split_hyphens(compound: str) -> list[str]:
    for h in _HYPHENS[1:]:
        compound = compound.replace(h, "-")
    return compound.split("-")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; a hyphenated compound gives each part."""
    out: list[str] = []
    for comp in _compounds(text):
        if any(h in comp for h in _HYPHENS):
            out.extend(p.lower() for p in _split_hyphens(comp))
        else:
            out.append(comp.lower())
    return out


@lru_cache(maxsize=1 << 18)
def _index_terms(token: str) -> tuple[str, ...]:
    """Index terms of one raw (not yet lower-cased) token."""
    w = token.lower()
    if len(w) > MAX_WORD_LENGTH or is_stopword(w):
        return ()
    t1 = fold(stem(w))
    t2 = stem(fold(w))
    return (t1,) if t1 == t2 else (t1, t2)


@lru_cache(maxsize=1 << 16)
def _query_term(w: str) -> str | None:
    """Query term of one lower-cased token, None for a dropped one."""
    if len(w) > MAX_WORD_LENGTH or is_stopword(w):
        return None
    return fold(stem(w))


def _has_letter(s: str) -> bool:
    return any(c.isalpha() for c in s)


def analyze(text: str) -> list[str]:
    """Index terms of ``text``, in order, with repeats (term frequency)."""
    out: list[str] = []
    extend = out.extend
    for comp in _compounds(text):
        if any(h in comp for h in _HYPHENS):
            parts = _split_hyphens(comp)
            for p in parts:
                extend(_index_terms(p))
            if _has_letter(comp):
                extend(_index_terms("".join(parts)))
        else:
            extend(_index_terms(comp))
    return out


def analyze_query(text: str) -> list[str]:
    """Query terms of ``text``: one per non-stop word, first occurrence only."""
    out: list[str] = []
    seen: set[str] = set()
    for tok in tokenize(text):
        t = _query_term(tok)
        if t is not None and t not in seen:
            seen.add(t)
            out.append(t)
    return out
