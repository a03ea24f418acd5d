"""The browser's search index (outputs/search_static.py): its file structure, the part rule (one
part per term, all terms of a prefix reachable), postings equal to the Whoosh index's weights,
documents split into small snippet chunks, safe and deterministic output."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import MINI
from wiedza import search_index as si
from wiedza.content.loader import load_site
from wiedza.outputs import search_static as ss


def read_call(path: Path) -> list:
    """The arguments of the window.wiedzaIndex.*(...) call a part file makes."""
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.wiedzaIndex\.(\w+)\((.*)\);\n", text, re.S)
    assert match, path
    return [match.group(1), *json.loads("[" + match.group(2) + "]")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from wiedza.pipeline import build_site

    base = tmp_path_factory.mktemp("static")
    build_site(MINI, base / "site", cache_dir=base / "cache", search_dir=base / "search")
    return base


def manifest(site: Path) -> dict:
    kind, data = read_call(site / "szukaj" / "manifest.js")
    assert kind == "manifest"
    return data


@given(st.lists(st.integers(min_value=0, max_value=2**40), max_size=50))
def test_vlq_round_trip(numbers):
    text = ss.vlq(numbers)
    assert set(text) <= set(ss.ALPHABET)
    assert ss.unvlq(text) == numbers


def owner(keys: set[str], term: str) -> str | None:
    return next((term[:n] for n in range(len(term), 0, -1) if term[:n] in keys), None)


def prefix_parts(keys: set[str], prefix: str) -> set[str]:
    """What search.js loads for a prefix (partsForPrefix)."""
    found = {k for k in keys if len(k) > len(prefix) and k.startswith(prefix)}
    own = owner(keys, prefix)
    return found | ({own} if own else set())


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from([300, 2_000, 12_000]))
def test_split_parts_rule(seed, budget):
    rnd = random.Random(seed)
    letters = "aaabcdeoprsz" + "ó"
    terms = {"".join(rnd.choice(letters) for _ in range(rnd.randint(1, 9))) for _ in range(rnd.randint(1, 400))}
    encoded = {t: "A" * rnd.randint(1, 200) for t in terms}
    parts = ss.split_parts(encoded, budget)
    keys = set(parts)
    placed = [t for part in parts.values() for t in part]
    assert sorted(placed) == sorted(terms)                      # each term in exactly one part
    for key, part in parts.items():
        for term in part:
            assert owner(keys, term) == key                    # ... the longest key that prefixes it
        size = sum(ss._size(t, v) for t, v in part.items())
        # over budget only when the part holds nothing but the key itself (it cannot split further)
        assert size <= budget or all(len(t) <= len(key) for t in part), (key, size)
    for _ in range(20):                                          # every prefix finds all its terms
        prefix = "".join(rnd.choice(letters) for _ in range(rnd.randint(1, 4)))
        reachable = {t for k in prefix_parts(keys, prefix) for t in parts[k]}
        assert {t for t in terms if t.startswith(prefix)} <= reachable


def test_files_and_manifest(built):
    site = built / "site"
    m = manifest(site)
    docs = si.collect_documents(load_site(MINI))
    assert m["n"] == len(docs) == 3
    assert m["k1"] == si.K1 and m["scale"] == si.SCALE and m["prefixWeight"] == si.PREFIX_WEIGHT
    assert "version" not in m                          # no file carries a version of the whole index
    size = ss.HASH_CHARS
    assert len(m["hashes"]) == size * len(m["parts"])
    for i, key in enumerate(m["parts"]):
        kind, key2, digest, terms = read_call(site / "szukaj" / "t" / f"{ss.part_file(key)}.js")
        assert (kind, key2, digest) == ("part", key, m["hashes"][i * size:(i + 1) * size])
        assert re.fullmatch(r"[A-Za-z0-9_-]+", digest)
        assert all(owner(set(m["parts"]), t) == key for t in terms)
    for doc in docs:
        for k, chunk in enumerate(doc.chunks):
            kind, num, k2, data = read_call(site / "szukaj" / "d" / f"{doc.num}-{k}.js")
            assert (kind, num, k2) == ("doc", doc.num, k)
            assert data["u"] == doc.path and data["t"] == doc.title and data["c"] == list(chunk)
    kind, digest, rows = read_call(site / "szukaj" / "facets.js")
    assert len(rows) == 3 and digest == m["facetsHash"] == ss.short_hash(ss._js(rows))
    labels = m["facets"]
    by_path = {d.path: d for d in docs}
    lesson = by_path["scenariusze/zestaw-testowy/index.html"]
    row = rows[lesson.num]
    assert labels["section"][row[0]][0] == "scenariusze" and labels["type"][row[1]][1] == "Scenariusz zajęć"
    assert [labels["audience"][i][0] for i in row[2]] == ["sp-4-6"]
    assert [labels["topic"][i][0] for i in row[3]] == ["spoldzielnie-uczniowskie"]


def test_postings_equal_the_whoosh_weights(built):
    """The browser ranks from the same numbers as Whoosh: every (term, document, weight)."""
    from whoosh import index

    site = built / "site"
    m = manifest(site)
    browser = {}
    for key in m["parts"]:
        _, _, _, terms = read_call(site / "szukaj" / "t" / f"{ss.part_file(key)}.js")
        assert terms
        for term, raw in terms.items():
            flat, doc, postings = ss.unvlq(raw), 0, {}
            for i in range(0, len(flat), 3):
                doc += flat[i]
                postings[doc] = flat[i + 1] / si.SCALE
            browser[term] = postings
    # Whoosh numbers documents by segment (bucket); the browser in URL order
    num_of = {d.path: d.num for d in si.collect_documents(load_site(MINI))}
    ix = index.open_dir(str(built / "search"), indexname=si.INDEX_NAME)
    whoosh = {}
    with ix.reader() as reader:
        assert sorted(reader.stored_fields(n)["url"] for n in range(reader.doc_count())) == sorted(num_of)
        browser_num = {n: num_of[reader.stored_fields(n)["url"]] for n in range(reader.doc_count())}
        for term in reader.field_terms("terms"):
            matcher, postings = reader.postings("terms", term), {}
            while matcher.is_active():
                postings[browser_num[matcher.id()]] = matcher.weight()
                matcher.next()
            whoosh[term] = postings
    assert whoosh == browser


def test_escaping_in_files(built):
    site = built / "site"
    for path in (site / "szukaj").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert "<" not in text, path                     # "</script>" can never close anything
    # the title "Spółdzielnie w szkołach & <kooperacja>" is kept as text, escaped for JS
    data = read_call(next(p for p in (site / "szukaj" / "d").glob("*.js")
                          if "kooperacja" in p.read_text(encoding="utf-8")))[-1]
    assert data["t"] == "Spółdzielnie w szkołach & <kooperacja>"


def test_browser_index_is_deterministic():
    index = load_site(MINI)
    docs = si.collect_documents(index)
    assert ss.build_files(index, docs) == ss.build_files(index, si.collect_documents(load_site(MINI)))


def test_results_page(built):
    html = (built / "site" / "szukaj.html").read_text(encoding="utf-8")
    assert "Wyniki wyszukiwania" in html and 'name="q"' in html
    for label in ("Dział", "Rodzaj materiału", "Dla kogo", "Temat"):
        assert label in html
    assert 'data-wiedza-filter="audience"' in html and "Szkoła podstawowa, klasy 4–6" in html


def test_every_page_has_the_search_box(built):
    for page in ("index.html", "publikacje/monografia-testowa/index.html", "szukaj.html"):
        html = (built / "site" / page).read_text(encoding="utf-8")
        assert 'role="combobox"' in html and 'aria-controls="wiedza-search-listbox"' in html
        assert "assets/wiedza/js/search.js" in html
        assert 'data-md-component="search"' not in html   # Material's own search is gone


def test_chunks_are_small_and_complete():
    long = ["Zdanie numer %d o spółdzielni uczniowskiej i jej członkach." % i for i in range(2000)]
    chunks = si.make_chunks(["Abstrakt.", " ".join(long[:1000]), *long[1000:]])
    assert len(chunks) <= si.MAX_CHUNKS
    text = " ".join(p for c in chunks for p in c)
    assert "numer 0 " in text and "numer 1999 " in text
    sizes = [sum(len(p) + 1 for p in c) for c in chunks]
    assert max(sizes) <= max(si.CHUNK_CHARS, sum(sizes) / (si.MAX_CHUNKS - 2)) * 1.05 + 100
