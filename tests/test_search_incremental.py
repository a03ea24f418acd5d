"""Incremental search indexes: after an edit, an addition or a removal, the Whoosh index (search/)
and the browser index (szukaj/) are byte for byte those of a clean build, while only what the
change touches is made again: Whoosh segments of other buckets are hard-linked from the previous
index, browser files of other documents and parts keep their bytes, and unchanged documents are
not analysed again (the memo)."""
from __future__ import annotations

import json
import random
import re
import shutil
from array import array
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from wiedza import search_index as si
from wiedza.bench.corpus import generate
from wiedza.content.loader import load_site
from wiedza.outputs import search_static as ss
from wiedza.outputs.context import BuildContext
from wiedza.search import memo as memo_module, whoosh_index as wi
from wiedza.stage import Stage

EDITED = "articles/artykul-00007.md"


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A generated content tree of 40 items (42 documents with the free pages, in ~26 buckets)."""
    return generate(tmp_path / "content", 40)


def add_paragraph(content: Path, name: str = EDITED) -> None:
    with (content / name).open("a", encoding="utf-8") as handle:
        handle.write("\n\nDopisany akapit o spółdzielni uczniowskiej i walnym zgromadzeniu jej członków.\n")


def add_item(content: Path) -> None:
    text = (content / EDITED).read_text(encoding="utf-8")
    old_id = next(line for line in text.splitlines() if line.startswith("id: "))
    (content / "articles" / "artykul-dodany.md").write_text(text.replace(old_id, "id: dodany-artykul-1"),
                                                             encoding="utf-8")


def remove_item(content: Path) -> None:
    (content / EDITED).unlink()


CHANGES = {"edit": add_paragraph, "addition": add_item, "removal": remove_item}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def segment_ids(folder: Path) -> set[str]:
    return {name.split(".")[0] for name in files_of(folder) if name.startswith(f"{si.INDEX_NAME}_")}


def edited_paths(content: Path, change) -> list[str]:
    """Apply `change`; return the paths of the documents whose content key it changed."""
    before = {s.path: s.key for s in si.sources(load_site(content))}
    change(content)
    return [s.path for s in si.sources(load_site(content)) if before.get(s.path) != s.key]


# --- Whoosh ---------------------------------------------------------------------------------------
def whoosh(content: Path, target: Path, previous: Path | None = None, cache: Path | None = None) -> int:
    members = wi.members_of_sources(si.sources(load_site(content)), si.Memo(cache))
    return wi.write_index(members, target, previous)


@pytest.mark.parametrize("change", CHANGES)
def test_whoosh_rebuild_equals_a_clean_build(corpus, tmp_path, change):
    first, again, clean = tmp_path / "first", tmp_path / "again", tmp_path / "clean"
    whoosh(corpus, first)
    CHANGES[change](corpus)
    written = whoosh(corpus, again, previous=first)
    whoosh(corpus, clean)
    assert files_of(again) == files_of(clean)
    # one bucket changed: its segment is written anew (or dropped, or added), every other one is
    # the previous files
    new, kept = segment_ids(again) - segment_ids(first), segment_ids(again) & segment_ids(first)
    dropped = segment_ids(first) - segment_ids(again)
    assert written == len(new) and (len(new), len(dropped)) in {(1, 1), (1, 0), (0, 1)} and len(kept) >= 20
    for name in files_of(again):
        if name.split(".")[0] in kept:
            assert (again / name).stat().st_ino == (first / name).stat().st_ino, name     # a hard link
    # and the index answers like a clean one
    for query in ("spółdzielnia uczniowska", "walnym zgromadzeniu", '"spółdzielni uczniowskiej"', "koop"):
        assert [r.as_json() for r in si.search(again, query)] == [r.as_json() for r in si.search(clean, query)]


def test_whoosh_is_written_in_buckets_with_ids_from_their_content(corpus, tmp_path):
    whoosh(corpus, tmp_path / "a")
    names = sorted(files_of(tmp_path / "a"))
    assert names[0] == f"_{si.INDEX_NAME}_1.toc" and not [n for n in names if "WRITELOCK" in n or ".tmp" in n]
    ids = sorted({n.split(".")[0][len(si.INDEX_NAME) + 1:] for n in names[1:]})
    assert all(len(i) == 16 and int(i[:2]) < si.BUCKETS for i in ids)
    assert len({i[:2] for i in ids}) == len(ids)                       # one segment per bucket
    add_paragraph(corpus)
    whoosh(corpus, tmp_path / "b")
    changed = sorted(set(files_of(tmp_path / "b")) ^ set(names))
    assert len({n.split(".")[0] for n in changed}) == 2                 # the edited bucket's old and new id


def test_ties_are_broken_in_url_order(tmp_path):
    """Equal documents in different buckets: Whoosh numbers them by bucket, results follow URLs."""
    base = si.materialise(si.sources(load_site(generate(tmp_path / "c", 4)))[0])
    docs = []
    for i in range(12):
        fields = {**base.__dict__, "num": i, "id": f"d{i}", "path": f"publikacje/kopia-{i:02d}/index.html"}
        docs.append(si.SearchDoc(**fields))
    si.build_whoosh(docs, tmp_path / "search")
    results = si.search(tmp_path / "search", base.title, limit=20)
    assert len({r.score for r in results}) == 1
    assert [r.url for r in results] == sorted(d.path for d in docs)
    buckets = [wi.bucket_of(d.path) for d in docs]
    assert buckets != sorted(buckets)                                   # not URL order inside Whoosh


def test_whoosh_child_reads_unchanged_weights_from_the_memo(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    whoosh(corpus, tmp_path / "first", cache=cache)
    browser(corpus, cache, tmp_path / "stage")                 # the writer keeps every document's weights
    # an article that shares its bucket with other documents
    paths = [s.path for s in si.sources(load_site(corpus))]
    shared = {wi.bucket_of(p) for p in paths if sum(wi.bucket_of(q) == wi.bucket_of(p) for q in paths) > 1}
    article = next(f for f in sorted((corpus / "articles").glob("*.md"))
                   if wi.bucket_of(f"publikacje/{f.stem}/index.html") in shared)
    edited = edited_paths(corpus, lambda c: add_paragraph(c, f"articles/{article.name}"))
    assert edited == [f"publikacje/{article.stem}/index.html"]
    calls = []
    original = memo_module.doc_weights
    monkeypatch.setattr(memo_module, "doc_weights", lambda doc: calls.append(doc.path) or original(doc))
    assert whoosh(corpus, tmp_path / "again", previous=tmp_path / "first", cache=cache) == 1
    assert calls == edited                            # its bucket's other documents: from the memo


# --- the browser index ------------------------------------------------------------------------------
def part_terms(data: bytes) -> dict[str, str]:
    match = re.fullmatch(r"window\.wiedzaIndex\.part\((.*)\);\n", data.decode(), re.S)
    return json.loads("[" + match.group(1) + "]")[2]


def browser(content: Path, cache: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    ctx = BuildContext(index=load_site(content), stage=Stage(out), cache_dir=cache)
    ss.write(ctx)
    return files_of(out / ss.ROOT)


@pytest.mark.parametrize("change", CHANGES)
def test_browser_rebuild_equals_a_clean_build(corpus, tmp_path, change, monkeypatch):
    cache = tmp_path / "cache"
    before = browser(corpus, cache, tmp_path / "stage")
    CHANGES[change](corpus)
    made_anew = []
    original = ss.BrowserIndex.build
    monkeypatch.setattr(ss.BrowserIndex, "build", classmethod(lambda cls, *a: made_anew.append(1) or original(*a)))
    after = browser(corpus, cache, tmp_path / "stage")
    assert made_anew == ([] if change == "edit" else [1])       # an edit patches the previous index
    monkeypatch.undo()
    assert after == browser(corpus, tmp_path / "clean-cache", tmp_path / "clean")
    assert before != after


def test_an_edit_changes_only_the_files_that_depend_on_it(corpus, tmp_path):
    cache = tmp_path / "cache"
    before = browser(corpus, cache, tmp_path / "stage")
    old_docs = si.collect_documents(load_site(corpus))
    [path] = edited_paths(corpus, add_paragraph)
    num = next(d.num for d in old_docs if d.path == path)
    terms = set(si.doc_weights(old_docs[num]).q) | set(si.doc_weights(si.collect_documents(load_site(corpus))[num]).q)
    after = browser(corpus, cache, tmp_path / "stage")
    changed = {p for p in after if before.get(p) != after[p]}
    assert set(before) == set(after) and "facets.js" not in changed
    changed_docs = {p for p in changed if p.startswith("d/")}
    assert changed_docs and all(p.startswith(f"d/{num}-") for p in changed_docs)   # its last chunk grew
    changed_parts = [p for p in changed if p.startswith("t/")]
    assert changed_parts and all(set(part_terms(after[p])) & terms for p in changed_parts)  # parts of its terms
    assert len(changed) < len(after) / 5
    assert "manifest.js" in changed                             # the changed parts' hashes


def test_a_damaged_state_or_memo_gives_the_same_files(corpus, tmp_path):
    cache = tmp_path / "cache"
    browser(corpus, cache, tmp_path / "stage")
    add_paragraph(corpus)
    (cache / ss.STATE_FILE).write_bytes(b"not a pickle")
    for entry in list((cache / si.MEMO_DIR).rglob("*.pickle"))[:5]:
        entry.write_bytes(b"\x80\x05garbage")
    assert browser(corpus, cache, tmp_path / "stage") == browser(corpus, tmp_path / "fresh", tmp_path / "clean")


def test_memo_keeps_only_the_current_documents(corpus, tmp_path):
    cache = tmp_path / "cache"
    browser(corpus, cache, tmp_path / "stage")
    remove_item(corpus)
    browser(corpus, cache, tmp_path / "stage")
    kept = {p.stem for p in (cache / si.MEMO_DIR).rglob("*.pickle")}
    assert kept == {s.key for s in si.sources(load_site(corpus))}


# --- postings patched in place ------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_set_posting_equals_encoding_anew(seed):
    rnd = random.Random(seed)
    n = rnd.randint(1, 80)
    docs = [{} if rnd.random() < 0.4 else {"t": (rnd.randint(1, 3000), rnd.choice([0, 1, 5, 2**30]))}
            for _ in range(n)]
    weights = lambda: [si.DocWeights({k: v[0] for k, v in d.items()}, {k: v[1] for k, v in d.items()}) for d in docs]
    current = ss.encode_postings(weights()).get("t", ("", array("I"), array("I")))
    for _ in range(rnd.randint(1, 6)):
        num = rnd.randrange(n)
        value = None if rnd.random() < 0.4 else (rnd.randint(1, 3000), rnd.randint(0, 2**30))
        docs[num] = {} if value is None else {"t": value}
        current = ss.set_posting(current, num, value)
    fresh = ss.encode_postings(weights()).get("t", ("", array("I"), array("I")))
    assert current == fresh
