"""`wiedza index` and `wiedza search`: the Whoosh index of tests/fixtures/mini, queries in Polish
(inflected, without diacritics, unfinished, phrases), filters, bad input, atomic and deterministic
builds, and Whoosh traps (OR + prefix hang, DisjunctionMax scoring)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import MINI, ROOT
from wiedza import search_index as si
from wiedza.analysis import analyze_query
from wiedza.cli import main

ARTICLE = "publikacje/artykul-w-kwartalniku/index.html"
MONOGRAPH = "publikacje/monografia-testowa/index.html"
LESSON = "scenariusze/zestaw-testowy/index.html"


@pytest.fixture(scope="module")
def search_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("whoosh") / "search"
    assert main(["index", "--content", str(MINI), "--search-dir", str(target)]) == 0
    return target


def run(search_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wiedza.cli", "search", *args, "--search-dir", str(search_dir)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def urls(search_dir: Path, query: str, **kw) -> list[str]:
    return [r.url for r in si.search(search_dir, query, **kw)]


def test_index_command_writes_an_index(search_dir, capsys):
    assert (search_dir / "_wiedza_1.toc").is_file()
    assert not list(search_dir.parent.glob(".search-*")), "the scratch folder is removed"


@pytest.mark.parametrize("query, first", [
    ("spółdzielniach uczniowskich", ARTICLE),       # inflected forms of the abstract's words
    ("spoldzielnie uczniowskie", ARTICLE),            # without diacritics
    ("kasa Stefczyk", MONOGRAPH),                     # other forms: "kas Stefczyka" in the text
    ("kasy stefcz", MONOGRAPH),                       # the last word unfinished
    ("zakładanie spółdzielni", LESSON),
    ("KASY STEFCZYKA", MONOGRAPH),
])
def test_polish_queries_find_the_right_document_first(search_dir, query, first):
    assert urls(search_dir, query)[0] == first


def test_documents_matching_every_word_come_first(search_dir):
    results = si.search(search_dir, "spółdzielnie flamastry")
    # the article is about cooperatives (title, abstract, body); only the lesson has both words
    assert [(r.url, r.matched) for r in results] == [(LESSON, 2), (ARTICLE, 1)]


def test_quoted_phrases(search_dir):
    # the article's text, and the lesson's topic "Spółdzielnie uczniowskie"; not the monograph
    assert sorted(urls(search_dir, '"spółdzielnie uczniowskie"')) == [ARTICLE, LESSON]
    assert urls(search_dir, '"uczniowskie spółdzielnie"') == []      # order matters
    assert urls(search_dir, '„kasy Stefczyka”') == [MONOGRAPH]         # Polish quotes too
    # a phrase does not span two fields or paragraphs: the title ends, the topics begin
    assert urls(search_dir, '"kooperacja spółdzielnie"') == []


def test_snippet_marks_matched_words(search_dir):
    result = si.search(search_dir, "kasy stefczyka")[0]
    marked = [result.snippet[s:e] for s, e in result.marks]
    assert "Stefczyka" in marked and ("kas" in marked or "Kasy" in marked)
    assert "**Stefczyka**" in si.mark(result.snippet, result.marks)


def test_cli_prints_title_url_and_marked_snippet(search_dir):
    out = run(search_dir, "kasy stefczyka")
    assert out.returncode == 0, out.stderr
    assert "1. Monografia testowa" in out.stdout
    assert MONOGRAPH in out.stdout
    assert "**Stefczyka**" in out.stdout


def test_cli_json(search_dir):
    out = run(search_dir, "spółdzielnia", "--json", "--limit", "2")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data) == 2
    assert set(data[0]) >= {"rank", "url", "title", "section", "section_label", "type", "score", "snippet",
                            "highlights", "matched"}
    assert data[0]["rank"] == 1 and data[0]["score"] >= data[1]["score"]


def test_cli_filters(search_dir):
    data = json.loads(run(search_dir, "spółdzielnia", "--json", "--section", "scenariusze").stdout)
    assert [d["url"] for d in data] == [LESSON]
    data = json.loads(run(search_dir, "spółdzielczość kasy", "--json", "--type", "monograph").stdout)
    assert [d["url"] for d in data] == [MONOGRAPH]
    assert urls(search_dir, "spółdzielnia", audience="sp-4-6") == [LESSON]
    assert urls(search_dir, "spółdzielnia kasy", topic="historia-spoldzielczosci") == [MONOGRAPH]


def test_cli_nothing_found_is_friendly(search_dir):
    out = run(search_dir, "zzzyxq")
    assert out.returncode == 0
    assert "Nic nie znaleziono" in out.stdout


def test_cli_without_index_says_what_to_do(tmp_path):
    out = run(tmp_path / "brak", "spółdzielnia")
    assert out.returncode == 2
    assert "wiedza build" in out.stderr and "Traceback" not in out.stderr


BAD = ["", "   ", "i w na z", "się oraz", "x" * 10_000, "spółdzielnia " * 2_000, '*?[](){}<>"\'`',
       "\\", '"', '"""', "„", "🙂 spółdzielnia 🎉", "🙂🙂🙂", "Кооператив spółdzielnia 合作社", "%s %d {0}",
       "\x00\x01\x02", "AND OR NOT", "title:spółdzielnia", "spółdz*", "e-mail", "-", "ż" * 100, "\u200b\u2028"]


@pytest.mark.parametrize("query", BAD)
def test_bad_input_never_raises(search_dir, query):
    results = si.search(search_dir, query)
    assert isinstance(results, list)
    assert len(results) <= 10


def test_bad_input_gives_sensible_results(search_dir):
    assert si.search(search_dir, "") == []
    assert si.search(search_dir, "i w na z") == []          # only stop words
    assert urls(search_dir, "🙂 spółdzielnia 🎉")            # emoji are separators
    assert urls(search_dir, "spółdzielnia " * 2_000)         # cut to MAX_QUERY_CHARS
    assert urls(search_dir, '*?[](){}<>"\'`') == []


def test_parse_query_rules():
    parse = si.parse_query
    assert [(c.kind, c.terms, c.prefix) for c in parse("spółdzielnie uczn")] == [
        ("word", ("spoldzieln",), ""), ("word", tuple(analyze_query("uczn")), "uczn")]
    assert parse("spółdzielnie uczn ")[-1].prefix == ""                 # finished word: no prefix
    assert parse("ab")[0].prefix == ""                                  # too short to expand
    assert parse('"spółdzielnia uczniowska" szkoła')[0].kind == "phrase"
    assert parse('"spółdzielnia')[0].kind == "word"                      # unmatched quote ignored
    assert len(parse("a " * 1000 + "spółdzielnia")) == 0                 # cut before the word
    assert len(parse(" ".join(f"słowo{i}" for i in range(50)))) == si.MAX_CLAUSES
    # the same word twice is one clause; a stop word being typed is only a prefix
    assert len(parse("szkoła szkoły")) == 1
    assert [(c.terms, c.prefix) for c in parse("przez")] == [((), "przez")]


def test_build_is_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    subprocess.run([sys.executable, "-m", "wiedza.cli", "index", "--content", str(MINI), "--search-dir", str(first)],
                   check=True, capture_output=True, env=env, cwd=ROOT)
    env["PYTHONHASHSEED"] = "2"
    subprocess.run([sys.executable, "-m", "wiedza.cli", "index", "--content", str(MINI), "--search-dir", str(second)],
                   check=True, capture_output=True, env=env, cwd=ROOT)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert not any("tmp" in n or len(n) > 60 for n in names)            # no random segment names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_rebuild_replaces_the_index_atomically(tmp_path, mini):
    target = tmp_path / "search"
    assert main(["index", "--content", str(mini), "--search-dir", str(target)]) == 0
    assert urls(target, "flamastry") == [LESSON]
    lesson = mini / "lessons" / "zestaw-testowy" / "index.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("flamastry", "kredki"), encoding="utf-8")
    assert main(["index", "--content", str(mini), "--search-dir", str(target)]) == 0
    assert urls(target, "flamastry") == [] and urls(target, "kredki") == [LESSON]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".search-")) == []


def test_broken_content_leaves_the_old_index(tmp_path, mini):
    target = tmp_path / "search"
    assert main(["index", "--content", str(mini), "--search-dir", str(target)]) == 0
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    (mini / "articles" / "zepsuty.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert main(["index", "--content", str(mini), "--search-dir", str(target)]) == 1
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_or_with_prefix_does_not_hang(search_dir):
    """whoosh-reloaded: an OR query with a prefix term could hang under the default optimisation.
    Our search passes optimize=False; run both our search and the raw Whoosh query in a child
    process with a timeout so a hang fails the test instead of blocking it."""
    code = textwrap.dedent(f"""
        from pathlib import Path
        from whoosh import index, query as q
        from wiedza import search_index as si
        d = Path({str(search_dir)!r})
        for text in ["kasy spółdzielnie uczn", "spółdzielnia stefczyka ka", "a b c d e f g h spół"]:
            si.search(d, text, limit=5)
        ix = index.open_dir(str(d), indexname=si.INDEX_NAME)
        with ix.searcher(weighting=si.WiedzaBM25F()) as s:
            query = q.Or([q.Term("terms", "kas"), q.Term("terms", "spoldzieln"), q.Prefix("terms", "ucz")])
            print(len(s.search(query, limit=None, optimize=False)))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) >= 2


def test_best_of_scores_only_the_current_document(search_dir):
    """Whoosh's DisjunctionMaxMatcher gave a document the score of another one; BestOf does not."""
    from whoosh import index, query as q

    ix = index.open_dir(str(search_dir), indexname=si.INDEX_NAME)
    with ix.searcher(weighting=si.WiedzaBM25F()) as s:
        a, b = analyze_query("Stefczyka")[0], analyze_query("flamastry")[0]
        alone = {h.docnum: h.score for h in s.search(q.Term("terms", a), limit=None, optimize=False)}
        other = {h.docnum: h.score for h in s.search(q.Term("terms", b, boost=0.5), limit=None, optimize=False)}
        best = {h.docnum: h.score for h in s.search(si.BestOf([q.Term("terms", a), q.Term("terms", b, boost=0.5)]),
                                                     limit=None, optimize=False)}
    assert alone and other and not set(alone) & set(other)
    assert best == {**alone, **other}


def test_build_site_builds_the_whoosh_index_too(tmp_path):
    from wiedza.pipeline import build_site

    summary = build_site(MINI, tmp_path / "site", cache_dir=tmp_path / "cache", search_dir=tmp_path / "search")
    assert "indeks Whoosh (oczekiwanie)" in summary.timings
    assert urls(tmp_path / "search", "stefczyka") == [MONOGRAPH]
    assert (tmp_path / "site" / "szukaj" / "manifest.js").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".search-", ".site-"))]


def test_failed_site_build_leaves_search_dir_alone(tmp_path, mini, monkeypatch):
    from wiedza import pipeline
    from wiedza.errors import BuildError

    target = tmp_path / "search"
    assert main(["index", "--content", str(mini), "--search-dir", str(target)]) == 0
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(ctx):
        raise BuildError("zepsuty zapis")

    monkeypatch.setattr(pipeline, "WRITERS", [*pipeline.WRITERS, ("zepsuty", broken)])
    (mini / "lessons" / "zestaw-testowy" / "index.md").write_text(
        (mini / "lessons" / "zestaw-testowy" / "index.md").read_text(encoding="utf-8").replace("flamastry", "kredki"),
        encoding="utf-8")
    with pytest.raises(BuildError):
        pipeline.build_site(mini, tmp_path / "site", cache_dir=tmp_path / "cache", search_dir=target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".search-")]
