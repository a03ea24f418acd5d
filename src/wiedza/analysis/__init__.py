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
3. Each remaining token ``w`` becomes ``stem_folded(w)``: diacritics folded
   (``fold``), then the Snowball Polish algorithm run with its ending tables
   folded too (see below). So a term depends only on ``fold(w)``.
4. ``analyze`` (index side) returns one term per token, in order, with
   repeats; a hyphenated compound with at least one letter also gives its
   joined form after its parts (``e-mail`` -> terms of ``e``, ``mail`` and
   ``email``; ``społeczno-ekonomiczny`` -> ``spoleczn``, ``ekonomiczn``,
   ``spolecznoekonomiczn``), so a query ``email`` finds ``e-mail``.
   ``analyze_query`` gives the parts only, each term once, so a hyphenated
   query matches the hyphenated and the spaced spelling alike.

Folding vs stemming
-------------------
Someone typing without diacritics gives the stemmer ``fold(w)`` instead of
``w``, and Snowball's endings carry diacritics (``-ów``, ``-ać``, ``-ał``,
``-ą``, ``-ę``...): ``domów`` -> ``dom`` but ``domow`` -> ``domow``. Strategies
measured with ``python -m wiedza.analysis.vectors --measure`` (the numbers
below are its output):

* A ``fold(stem(w))`` and B ``stem(fold(w))`` agree on only 56.6% of the
  2,171,626 forms with diacritics in Debian's wpolish list (55.7% of the
  vector words with diacritics when this was written), so with A a query typed without diacritics misses half
  the time; B alone is consistent but loses every diacritic rule.
* F ``stem_folded(w)``: Snowball Polish with every ending folded (``-ów`` ->
  ``-ow``, ``-ał`` -> ``-al``; where two endings fold alike the one that was
  already ASCII wins), run on ``fold(w)``. It reproduces A on 98.9% of the
  wpolish forms with diacritics (97.7% of those vector words) and changes only 0.3%
  of the words written without diacritics (``-al``/``-ic``/``-iec`` nouns such
  as ``szpital``, ``ulic``, ``koniec``).
* Pair recall (a form finds a document with another form of the same lemma)
  over 20,000 hunspell-pl lemmas (357,136 forms), query typed with / without
  diacritics: A 43.6% / 26.2%; B 27.2% / 27.2%; D, indexing A and B and
  querying A, 43.8% / 30.8% with 1.7x the index terms; F 43.7% / 43.7%. The
  generated paradigms give A 57.4% / 29.1%, F 57.7% / 57.7%.

Chosen: F. Typing with or without diacritics reaches the same stem by
construction; the tests check it for every vector word, the only exceptions
being undiacritised spellings of stop words (``zeby`` is read as ``żeby``, so
``zęby`` typed that way is dropped). Snowball's quality is kept and each word
gives one term. ``stem`` stays the installed snowballstemmer and
``stem_plain`` is this module's engine with the original tables; the tests
require them equal on every vector word, which vouches for the folded variant
(same engine, mechanically folded tables). Known cost: a few ASCII words
ending like a folded ending now lose it (``mail`` -> ``ma``, ``szpital`` ->
``szpit``), which splits them from their other forms.

Terms are cached per token (``_compound_terms``, ``_term``): 5,000 documents
of 1,500 content words (7.5 million tokens) take about 3 s here.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from itertools import chain

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
    "stem_folded",
    "stem_plain",
    "tokenize",
]

# Longer tokens are not words anyone searches for (hashes, base64, URLs glued).
MAX_WORD_LENGTH = 64

# Latin letters with diacritics (Polish first, then Latin-1 and Latin
# Extended-A) and their base letters. Kept one-to-one and explicit so the
# JavaScript copy is byte-for-byte the same table. İ is left out: it
# lower-cases to i + U+0307, so folding it first would change the result.
FOLD_FROM = (
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòôõöùúûüýÿ"
    "ĀāĂăĈĉĊċČčĎďĒēĔĕĖėĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįĴĵĶķĹĺĻļĽľ"
    "ŅņŇňŌōŎŏŐőŔŕŖŗŘřŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŽž"
    "øØđĐħĦŧŦıŀĿ"
)
FOLD_TO = (
    "acelnoszzACELNOSZZ"
    "AAAAAACEEEEIIIINOOOOUUUUYaaaaaaceeeeiiiinoooouuuuyy"
    "AaAaCcCcCcDdEeEeEeEeGgGgGgGgHhIiIiIiIiJjKkLlLlLl"
    "NnNnOoOoOoRrRrRrSsSsSsTtTtUuUuUuUuUuUuWwYyYZz"
    "oOdDhHtTilL"
)
_FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)

_HYPHENS = "-\u2010\u2011"
_snowball = snowballstemmer.stemmer("polish")


def fold(s: str) -> str:
    """Replace Latin letters with diacritics by their base letter (ł -> l)."""
    return s.translate(_FOLD_TABLE)


# --- Snowball Polish, table driven -------------------------------------------
#
# The algorithm of snowball's polish.sbl (Snowball 3.x), restated as tables
# so that it can also run on folded text. Steps, for a word of length >= 2:
#   * R1 starts after the first non-vowel that follows the first vowel;
#   * a conditional ending (-by, -bym, ...) lying inside R1 is deleted;
#   * the longest ending from ENDINGS that starts at index >= 2 (and inside R1
#     where marked) is removed or replaced; adjectival endings then also drop
#     a participle/comparative ending (-ąc, -ając, -sz, -iejsz; -sząc -> s);
#   * an apostrophe just before the removed ending goes too (Kennedy'ego);
#   * if no ending matched, a final ć/ń/ś/ź (not the first letter) loses its
#     accent.
# ``stem`` is the installed snowballstemmer itself; the tests check that this
# engine with the plain tables gives the same result for every vector word.

DELETE, TO_S, S_OR_DELETE, TO_L, ADJECTIVE = "delete", "s", "s-or-delete", "l", "adjective"

# (endings, action, only inside R1)
_ENDING_GROUPS: list[tuple[str, str, bool]] = [
    # noun and short adjective endings; only inside R1
    ("a ia e ie ach iach i ami iami owi iowi em iem om iom o u iu ów ą ią", DELETE, True),
    # verb forms, participles, comparatives
    (
        "ąca ająca sza iejsza ała iała iła ąc ając ące ające cie acie ecie icie ajcie "
        "aliście ieliście iliście ałyście iałyście iłyście sze iejsze ali ieli ili aj am "
        "ałam iałam iłam ałem iałem iłem ało iało iło amy emy imy aliśmy ieliśmy iliśmy "
        "ałyśmy iałyśmy iłyśmy ały iały iły asz esz isz ącą ającą ają iejszą ać ieć ić "
        "ąć aść eść ę ał iał ił ałaś iałaś iłaś ałeś iałeś iłeś",
        DELETE,
        False,
    ),
    # pisząca -> pis
    ("sząca szące szącą szę", TO_S, False),
    # piszą -> pis, but inside R1 just deleted
    ("szą", S_OR_DELETE, False),
    # czytaliście -> czytał
    ("liście łyście liśmy łyśmy łaś łeś", TO_L, False),
    # adjective endings: deleted, then the participle/comparative step
    ("ich ych imi ymi ej iej im ym ego iego emu iemu y", ADJECTIVE, False),
]
_PARTICIPLE_GROUPS: list[tuple[str, str]] = [("ąc ając sz iejsz", DELETE), ("sząc", TO_S)]
_CONDITIONAL = "byście bym by byśmy byś".split()
_CONSONANTS = {"ć": "c", "ń": "n", "ś": "s", "ź": "z"}
_VOWELS = "aeiouyóąę"


class _Rules:
    """Ending tables indexed by length, longest first."""

    def __init__(self, endings, participles, conditional, consonants, vowels, to_l):
        self.endings = self._by_length(endings)
        self.participles = self._by_length(participles)
        self.conditional = self._by_length({c: None for c in conditional})
        self.consonants = consonants
        self.vowels = frozenset(vowels)
        self.to_l = to_l

    @staticmethod
    def _by_length(table: dict) -> list[tuple[int, dict]]:
        lengths = sorted({len(k) for k in table}, reverse=True)
        return [(n, {k: v for k, v in table.items() if len(k) == n}) for n in lengths]


def _plain_rules() -> _Rules:
    endings = {e: (action, r1) for group, action, r1 in _ENDING_GROUPS for e in group.split()}
    parts = {e: action for group, action in _PARTICIPLE_GROUPS for e in group.split()}
    return _Rules(endings, parts, _CONDITIONAL, _CONSONANTS, _VOWELS, "ł")


def _folded_rules() -> _Rules:
    """The same tables with every ending folded (-ów -> -ow, -ać -> -ac).

    Where two endings fold to the same string the one that was already ASCII
    wins (e vs ę, sza vs szą, sze vs szę); the other collisions (a/ą, ąc/ać/ąć,
    ...) carry the same rule anyway.
    """
    endings: dict[str, tuple[str, bool]] = {}
    for group, action, r1 in _ENDING_GROUPS:
        for e in group.split():
            f = fold(e)
            if f not in endings or f == e:
                endings[f] = (action, r1)
    parts = {fold(e): action for group, action in _PARTICIPLE_GROUPS for e in group.split()}
    consonants = {fold(k): fold(v) for k, v in _CONSONANTS.items() if fold(k) != fold(v)}
    vowels = "".join(dict.fromkeys(fold(_VOWELS)))
    return _Rules(endings, parts, [fold(c) for c in _CONDITIONAL], consonants, vowels, fold("ł"))


def _r1(word: str, vowels: frozenset[str]) -> int:
    n = len(word)
    i = 0
    while i < n and word[i] not in vowels:
        i += 1
    i += 1
    while i < n and word[i] in vowels:
        i += 1
    return min(i + 1, n)


_MISSING = object()


def _longest(table: list[tuple[int, dict]], word: str, lowest: int, r1: int, check_r1: bool):
    """(start, value) of the longest ending that starts at >= lowest."""
    end = len(word)
    for n, entries in table:
        start = end - n
        if start < lowest:
            continue
        value = entries.get(word[start:], _MISSING)
        if value is _MISSING:
            continue
        if check_r1 and value[1] and start < r1:
            continue  # Snowball then tries the next shorter ending
        return start, value
    return None


def _apply(rules: _Rules, word: str) -> str:
    if len(word) >= 2:
        r1 = _r1(word, rules.vowels)
        hit = _longest(rules.conditional, word, max(r1, 2), r1, False)
        if hit:
            word = word[: hit[0]]
        hit = _longest(rules.endings, word, 2, r1, True)
        if hit:
            start, (action, _) = hit
            cursor = start
            if action == DELETE:
                word = word[:start]
            elif action == TO_S:
                word = word[:start] + "s"
            elif action == S_OR_DELETE:
                word = word[:start] if start >= r1 else word[:start] + "s"
            elif action == TO_L:
                word = word[:start] + rules.to_l
            else:
                word = word[:start]
                part = _longest(rules.participles, word, 2, r1, False)
                if part:
                    cursor = part[0]
                    word = word[:cursor] + ("s" if part[1] == TO_S else "")
            # the apostrophe test looks just before the rewritten ending
            if cursor > 2 and word[cursor - 1] == "'":
                word = word[: cursor - 1] + word[cursor:]
            return word
    if len(word) >= 2 and word[-1] in rules.consonants:
        word = word[:-1] + rules.consonants[word[-1]]
    return word


_PLAIN = _plain_rules()
_FOLDED = _folded_rules()


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Snowball Polish stem (``snowballstemmer``), for lower-case NFC text."""
    return _snowball.stemWord(word)


def stem_plain(word: str) -> str:
    """This module's own engine with the plain tables: equals ``stem``."""
    return _apply(_PLAIN, word)


@lru_cache(maxsize=1 << 18)
def stem_folded(word: str) -> str:
    """Snowball Polish with folded endings, on ``fold(word)``: the index stemmer.

    Depends only on ``fold(word)``, so ``spółdzielnia`` and ``spoldzielnia``
    always get the same stem.
    """
    return _apply(_FOLDED, fold(word))


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
# Loose: every astral character counts as a word character; its matches that
# contain one are split again with the exact pattern (matches of the exact
# pattern never cross a loose match boundary, so the result is the same).
_WORD_LOOSE = _word_pattern("\\w" + _BMP_MARKS + "\U00010000-\U0010ffff")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _word_exact() -> re.Pattern[str]:
    astral = _ranges(lambda c: unicodedata.category(c)[0] in "LMN", 0x10000, sys.maxunicode)
    return _word_pattern("\\w" + _BMP_MARKS + _class(astral))


def _compounds(text: str) -> list[str]:
    """Runs of word characters, hyphen-joined runs kept together."""
    text = unicodedata.normalize("NFC", text)
    if "_" in text:
        text = text.replace("_", " ")
    if not _ASTRAL.search(text):
        return _WORD_BMP.findall(text)
    out: list[str] = []
    for m in _WORD_LOOSE.findall(text):
        if _ASTRAL.search(m):
            out.extend(_word_exact().findall(m))
        else:
            out.append(m)
    return out


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
def _term(token: str) -> str | None:
    """Term of one raw token (any case), None for a dropped one."""
    w = token.lower()
    if len(w) > MAX_WORD_LENGTH or is_stopword(w):
        return None
    return stem_folded(w)


@lru_cache(maxsize=1 << 18)
def _compound_terms(comp: str) -> tuple[str, ...]:
    """Index terms of one match of the word pattern."""
    if "-" in comp or "\u2010" in comp or "\u2011" in comp:
        parts = _split_hyphens(comp)
        if any(c.isalpha() for c in comp):
            parts.append("".join(parts))
    else:
        parts = [comp]
    return tuple(t for t in map(_term, parts) if t is not None)


def analyze(text: str) -> list[str]:
    """Index terms of ``text``, in order, with repeats (term frequency)."""
    return list(chain.from_iterable(map(_compound_terms, _compounds(text))))


def analyze_query(text: str) -> list[str]:
    """Query terms of ``text``: one per non-stop word, first occurrence only."""
    out: list[str] = []
    seen: set[str] = set()
    for tok in tokenize(text):
        t = _term(tok)
        if t is not None and t not in seen:
            seen.add(t)
            out.append(t)
    return out
