"""Unit tests of the Polish analyser (wiedza.analysis)."""

from __future__ import annotations

import time

import pytest

from wiedza.analysis import (
    MAX_WORD_LENGTH,
    STOPWORDS,
    analyze,
    analyze_query,
    fold,
    is_stopword,
    stem,
    stem_folded,
    stem_plain,
    tokenize,
)
from wiedza.analysis.vectors import MIN_WORDS, build_texts, build_words


@pytest.fixture(scope="module")
def words() -> list[str]:
    return build_words()


def one(text: str) -> str:
    terms = analyze_query(text)
    assert len(terms) == 1, (text, terms)
    return terms[0]


# --- folding and case ------------------------------------------------------


def test_fold_polish_letters_both_cases():
    assert fold("ąćęłńóśźż") == "acelnoszz"
    assert fold("ĄĆĘŁŃÓŚŹŻ") == "ACELNOSZZ"
    assert fold("Zażółć gęślą jaźń") == "Zazolc gesla jazn"
    assert fold("Müller, Dvořák, café") == "Muller, Dvorak, cafe"
    assert fold("abc 123 Москва") == "abc 123 Москва"


def test_case_and_diacritics_meet():
    assert one("ŻÓŁW") == one("żółw") == one("Żółw") == one("zolw") == one("ZOLW")


def test_nfd_input_is_composed():
    assert one("s\u0301wiat") == one("świat")
    assert tokenize("spo\u0301\u0142dzielnia") == ["spółdzielnia"]


# --- stemming ----------------------------------------------------------------


def test_spoldzielnia_forms_share_a_term():
    forms = ["spółdzielnia", "spółdzielniach", "spoldzielnie", "Spółdzielnie", "spółdzielnię",
             "spółdzielnią", "SPOLDZIELNIA", "spoldzielniami"]
    assert {one(f) for f in forms} == {"spoldzieln"}


def test_szkola_forms():
    # Nouns meet whether typed with diacritics or not; the adjective
    # "szkolnej" keeps its -n- suffix (Snowball does not derive across
    # parts of speech), so it is a different term.
    assert one("Szkoła") == one("szkoły") == one("szkoly") == one("szkołą") == one("szkole") == "szkol"
    assert one("szkolnej") == one("szkolny") == one("szkolnych") == "szkoln"
    assert one("szkolnej") != one("szkoła")


@pytest.mark.parametrize(
    "forms",
    [
        ["czytać", "czytac", "czytał", "czytal", "czytaliście", "czytaliscie", "czytałbym"],
        ["dom", "domów", "domow", "domem", "domach"],
        ["organizacja", "organizacji", "organizację", "organizacje"],
        ["wspólnota", "wspolnoty", "wspólnotą", "wspólnot"],
    ],
)
def test_inflected_forms_meet(forms):
    assert len({one(f) for f in forms}) == 1, {f: one(f) for f in forms}


def test_stem_is_snowball_and_own_engine_matches(words):
    # stem() is snowballstemmer; stem_plain() is this module's table engine,
    # the same one that runs the folded tables.
    checked = 0
    for w in words:
        for v in {w, w.lower()}:
            assert stem_plain(v) == stem(v), v
            checked += 1
    assert checked >= MIN_WORDS


def test_engine_tables_match_snowballstemmer():
    polish = pytest.importorskip("snowballstemmer.polish_stemmer")
    from wiedza.analysis import _CONDITIONAL, _ENDING_GROUPS, _PARTICIPLE_GROUPS

    cls = polish.PolishStemmer
    if not all(hasattr(cls, a) for a in ("a_0", "a_1", "a_2")):
        pytest.skip("snowballstemmer internals changed; the vector test still compares outputs")
    ours = sorted(e for g, _, _ in _ENDING_GROUPS for e in g.split())
    assert ours == sorted(a.s for a in cls.a_2)
    r1 = {e for g, _, only_r1 in _ENDING_GROUPS if only_r1 for e in g.split()}
    assert r1 == {a.s for a in cls.a_2 if a.method is not None}
    assert sorted(e for g, _ in _PARTICIPLE_GROUPS for e in g.split()) == sorted(a.s for a in cls.a_1)
    assert sorted(_CONDITIONAL) == sorted(a.s for a in cls.a_0)


def test_stem_folded_ignores_diacritics(words):
    for w in words:
        lw = w.lower()
        assert stem_folded(lw) == stem_folded(fold(lw)), w


def test_query_without_diacritics_reaches_same_terms(words):
    # 100% agreement, except where the undiacritised word is a stop word
    # (zęby -> zeby reads as żeby).
    checked = 0
    for w in words:
        f = fold(w)
        if any(is_stopword(t) for t in tokenize(f)):
            continue
        assert analyze_query(w) == analyze_query(f), w
        assert analyze(w) == analyze(f), w
        checked += 1
    assert checked >= MIN_WORDS


def test_apostrophe_before_ending_in_stem():
    assert stem("kennedy'ego") == stem_plain("kennedy'ego") == "kennedy"


# --- stop words ----------------------------------------------------------------


def test_stopwords_list():
    assert 150 <= len(STOPWORDS) <= 260
    assert all(w == w.lower() and w.isalpha() for w in STOPWORDS)
    for w in ["się", "i", "w", "z", "że", "nie", "jest", "oraz", "który"]:
        assert w in STOPWORDS


def test_stopwords_removed_with_or_without_diacritics():
    assert analyze("się") == analyze("sie") == analyze("SIĘ") == []
    assert analyze_query("co sie stalo") == analyze_query("co się stało") == [one("stało")]
    assert analyze("że ze") == []
    assert analyze("w i z na do") == []


def test_folded_stop_word_does_not_swallow_diacritised_word():
    # "zęby" (teeth) is not "żeby"; only the undiacritised spelling is ambiguous.
    assert analyze("zęby") == ["zeb"]
    assert analyze("zeby") == []
    # "więc", "mają", "między" are left out of the list: "wiec", "maja" are words.
    assert analyze("wiec") and analyze("3 maja") == ["3", "maj"]


# --- tokenising --------------------------------------------------------------


def test_hyphenated_words():
    assert tokenize("społeczno-ekonomiczny") == ["społeczno", "ekonomiczny"]
    assert analyze("społeczno-ekonomiczny") == ["spoleczn", "ekonomiczn", "spolecznoekonomiczn"]
    # queries use the parts, so they find the spaced spelling too
    assert analyze_query("społeczno-ekonomiczny") == ["spoleczn", "ekonomiczn"]
    assert set(analyze_query("społeczno ekonomiczny")) <= set(analyze("społeczno-ekonomiczny"))
    # the joined form lets "email" find "e-mail"
    assert one("email") in analyze("e-mail")
    # U+2010 and U+2011 are hyphens; an en dash is not
    assert tokenize("biało\u2010czerwony") == tokenize("biało\u2011czerwony") == ["biało", "czerwony"]
    assert analyze("1918–1939") == ["1918", "1939"]
    assert analyze("-wstęp bank- kot--pies") == ["wstep", "bank", "kot", "pies"]


def test_numbers_kept():
    assert analyze("W 1918 r. 3.14 i 1,5") == ["1918", "3", "14", "1", "5"]
    assert analyze("COVID-19") == ["covid", "19", "covid19"]
    assert analyze("2020-2021") == ["2020", "2021"]  # no joined form without letters
    assert analyze("100zł") == [stem_folded("100zł")]
    assert analyze("٣ ४२ ½") == ["٣", "४२", "½"]


def test_separators_and_symbols():
    assert analyze('*?[](){}<>"\'`') == []
    assert analyze_query('*?[](){}<>"\'`\\|~^$') == []
    assert tokenize("snake_case_word") == ["snake", "case", "word"]
    assert tokenize("O'Neill rock'n'roll") == ["o", "neill", "rock", "n", "roll"]
    assert tokenize("kot😺pies #tag @user") == ["kot", "pies", "tag", "user"]
    assert tokenize("a\u200bb a\u00a0b a\tb\nc") == ["a", "b", "a", "b", "a", "b", "c"]


def test_emoji_and_mixed_scripts_do_not_crash():
    text = "Polska🇵🇱 👩‍👩‍👧 Москва ΣΟΦΟΣ שָׁלוֹם مرحبا नमस्ते 東京 한국어 ภาษาไทย 𝐁𝐨𝐥𝐝 𐐀𐐨 ǅemal İstanbul \x00 \ufeff"
    terms = analyze(text)
    assert all(isinstance(t, str) and t for t in terms)
    assert "москв" not in terms  # no Polish endings applied to Cyrillic...
    assert "москва" in terms  # ...only lower-casing
    assert "σοφος" in terms  # final sigma
    assert "नमस्ते" in tokenize(text)  # marks stay inside the word
    assert "𝐁𝐨𝐥𝐝".lower() in tokenize(text)  # astral letters
    assert analyze_query(text)


def test_long_input():
    long_word = "x" * 10_000
    assert analyze(long_word) == [] and analyze_query(long_word) == []
    assert analyze("a" * MAX_WORD_LENGTH) and not analyze("a" * (MAX_WORD_LENGTH + 1))
    text = ("Spółdzielnie uczniowskie uczą oszczędzania. " * 250)[:10_000]
    assert len(text) == 10_000
    assert len(analyze(text)) > 800
    assert analyze_query(text) == ["spoldzieln", "uczniowsk", "ucz", "oszczedzan"]


def test_analyze_keeps_repeats_query_does_not():
    assert analyze("kot kot Kot") == ["kot", "kot", "kot"]
    assert analyze_query("kot kot Kot") == ["kot"]


def test_empty_and_whitespace():
    for t in ["", " ", "\n\t", "...", "—"]:
        assert tokenize(t) == [] and analyze(t) == [] and analyze_query(t) == []


def test_vectors_deterministic_and_large(words):
    assert len(words) >= MIN_WORDS
    assert words == sorted(set(words))
    assert build_words() == words
    assert build_texts(words) == build_texts(words)


def test_analyze_is_fast():
    text = ("Spółdzielnie mleczarskie w Wielkopolsce rozwijały się szybko, a ich członkowie "
            "wspólnie sprzedawali mleko, masło i sery. ") * 100  # ~1,500 words
    analyze(text)
    start = time.perf_counter()
    for _ in range(200):
        analyze(text)
    elapsed = time.perf_counter() - start
    # 300,000 words; about 0.15 s here. Generous for slow CI machines.
    assert elapsed < 5, elapsed
