"""The browser analyser (analysis.js, run in node) must equal the Python one.

Every vector word and text goes through both; fold, stem, stemFolded,
isStopword, tokenize, analyze and analyzeQuery must give identical output for
every one of them, and the stop word and fold tables must be the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from wiedza.analysis import (
    FOLD_FROM,
    FOLD_TO,
    MAX_WORD_LENGTH,
    STOPWORDS,
    analyze,
    analyze_query,
    fold,
    is_stopword,
    stem,
    stem_folded,
    tokenize,
)
from wiedza.analysis.vectors import MIN_WORDS, build_texts, build_words

REPO = Path(__file__).resolve().parents[1]
JS = REPO / "src" / "wiedza" / "theme" / "assets" / "js" / "analysis.js"

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed; cannot run analysis.js")

# Reads {words, texts}, writes the JS results. Runs analysis.js as a CommonJS
# module and also as a plain browser script (window.wiedzaAnalysis).
HARNESS = r"""
const fs = require('fs');
const vm = require('vm');
const [jsPath, inPath, outPath] = process.argv.slice(2);
const a = require(jsPath);
const win = {};
vm.runInNewContext(fs.readFileSync(jsPath, 'utf8'), { window: win });
const b = win.wiedzaAnalysis;
const data = JSON.parse(fs.readFileSync(inPath, 'utf8'));
const out = {
  stopwords: Array.from(a.STOPWORDS),
  browserStopwords: Array.from(b.STOPWORDS),
  maxWordLength: a.MAX_WORD_LENGTH,
  browserKeys: Object.keys(b).sort(),
  words: data.words.map(w => {
    const l = w.toLowerCase();
    return [a.fold(w), a.stem(w), a.stem(l), a.stemFolded(l), a.isStopword(l),
            a.tokenize(w), a.analyze(w), a.analyzeQuery(w)];
  }),
  texts: data.texts.map(t => [a.tokenize(t), a.analyze(t), a.analyzeQuery(t)]),
  browser: data.texts.map(t => b.analyzeQuery(t)),
};
fs.writeFileSync(outPath, JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def vectors() -> dict:
    words = build_words()
    return {"words": words, "texts": build_texts(words)}


@pytest.fixture(scope="module")
def js(vectors, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("analysis_js")
    (tmp / "in.json").write_text(json.dumps(vectors, ensure_ascii=False), encoding="utf-8")
    (tmp / "harness.js").write_text(HARNESS, encoding="utf-8")
    proc = subprocess.run(
        [NODE, str(tmp / "harness.js"), str(JS), str(tmp / "in.json"), str(tmp / "out.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp / "out.json").read_text(encoding="utf-8"))


def py_word(w: str) -> list:
    lw = w.lower()
    return [fold(w), stem(w), stem(lw), stem_folded(lw), is_stopword(lw),
            tokenize(w), analyze(w), analyze_query(w)]


FIELDS = ["fold", "stem", "stem(lower)", "stemFolded", "isStopword", "tokenize", "analyze", "analyzeQuery"]


def test_vector_count(vectors, js):
    assert len(vectors["words"]) >= MIN_WORDS
    assert len(js["words"]) == len(vectors["words"])
    assert len(js["texts"]) == len(vectors["texts"])


def test_stopword_lists_identical(js):
    assert js["stopwords"] == sorted(STOPWORDS)
    assert js["browserStopwords"] == sorted(STOPWORDS)
    assert js["maxWordLength"] == MAX_WORD_LENGTH


def test_fold_tables_identical():
    src = JS.read_text(encoding="utf-8")
    # the JS file spells the tables as concatenated string literals
    def literal(name: str) -> str:
        start = src.index(f"var {name} =")
        body = src[start : src.index(";", start)]
        return "".join(part.split("'")[1] for part in body.split("+"))

    assert literal("FOLD_FROM") == FOLD_FROM
    assert literal("FOLD_TO") == FOLD_TO


def test_browser_global(js):
    assert {"analyze", "analyzeQuery", "tokenize", "fold", "stem", "STOPWORDS"} <= set(js["browserKeys"])


def test_every_word_identical(vectors, js):
    mismatches = []
    for w, got in zip(vectors["words"], js["words"], strict=True):
        want = py_word(w)
        for field, a, b in zip(FIELDS, want, got, strict=True):
            if a != b:
                mismatches.append((w, field, a, b))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


def test_every_text_identical(vectors, js):
    mismatches = []
    for t, got, browser in zip(vectors["texts"], js["texts"], js["browser"], strict=True):
        want = [tokenize(t), analyze(t), analyze_query(t)]
        if want != got or want[2] != browser:
            mismatches.append((t[:80], want, got))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"
