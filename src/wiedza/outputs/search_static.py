"""The browser's search index and the full results page (szukaj.html).

Everything is a small JavaScript file that calls back into search.js, so the search works over
HTTP and from file:// (where fetch() of local files is refused but <script> loads):

  szukaj/manifest.js        window.wiedzaIndex.manifest({...})   version, N, ranking constants,
                            the part keys, the filter labels
  szukaj/t/<key>.js         window.wiedzaIndex.part(key, version, {term: postings})
  szukaj/d/<num>-<k>.js     window.wiedzaIndex.doc(num, k, version, {u, t, s, y, d, c})
                            a result's title, URL, section, type, date and snippet chunk k
  szukaj/facets.js          window.wiedzaIndex.facets(version, [...]) per document: section,
                            type, audiences, topics (loaded only when filters are used)

Term parts: every index term lives in the part whose key is the longest listed key that is a
prefix of the term. Keys start as the first two letters; a part larger than PART_BYTES is split by
one more letter (children small enough stay in the parent). So a term costs one part, and a prefix
p needs the part of p plus the parts whose keys start with p.

Postings of a term: a VLQ string (base64 digits, 5 bits each, low first, 32 = more follows) of
(document number delta, q, chunk mask) triples, in document order. q is the BM25F pseudo
frequency (see wiedza.search_index) times SCALE: the browser scores exactly as Whoosh does.
The chunk mask tells which snippet chunks of the document hold the term.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Sequence

from .. import search_index as si
from ..stage import StagedPage
from .context import BuildContext
from .html import esc

OWNER = "wyszukiwarka"
ROOT = "szukaj"
PAGE = "szukaj.html"
PART_BYTES = 12_000
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_PLAIN_KEY = re.compile(r"^[a-z0-9]+$")


def vlq(numbers: Sequence[int]) -> str:
    out = []
    for n in numbers:
        while True:
            digit = n & 31
            n >>= 5
            if n:
                out.append(ALPHABET[digit | 32])
            else:
                out.append(ALPHABET[digit])
                break
    return "".join(out)


def unvlq(text: str) -> list[int]:
    values, n, shift = [], 0, 0
    for ch in text:
        digit = ALPHABET.index(ch)
        n |= (digit & 31) << shift
        if digit & 32:
            shift += 5
        else:
            values.append(n)
            n, shift = 0, 0
    return values


def part_file(key: str) -> str:
    """File name of a part: the key itself when plain ASCII, else '_' and its UTF-8 in hex."""
    return key if _PLAIN_KEY.match(key) else "_" + key.encode("utf-8").hex()


def _js(value) -> str:
    """JSON for a script: UTF-8 text, and nothing that could close the <script> or break JS."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def postings(docs_weights: Sequence[dict[str, int]], masks: Sequence[dict[str, int]]) -> dict[str, str]:
    """term -> encoded postings over all documents."""
    lists: dict[str, list[int]] = {}
    for num, weights in enumerate(docs_weights):
        mask = masks[num]
        for term, q in weights.items():
            lists.setdefault(term, []).extend((num, q, mask.get(term, 0)))
    encoded = {}
    for term, flat in lists.items():
        last, numbers = 0, []
        for i in range(0, len(flat), 3):
            numbers.extend((flat[i] - last, flat[i + 1], flat[i + 2]))
            last = flat[i]
        encoded[term] = vlq(numbers)
    return encoded


def _size(term: str, value: str) -> int:
    return len(term.encode("utf-8")) + len(value) + 6


def split_parts(encoded: dict[str, str], budget: int = PART_BYTES) -> dict[str, dict[str, str]]:
    """key -> {term: postings}; see the module docstring for the rule."""
    parts: dict[str, dict[str, str]] = {}

    def place(key: str, terms: list[str]) -> None:
        size = sum(_size(t, encoded[t]) for t in terms)
        if size <= budget:
            parts[key] = {t: encoded[t] for t in terms}
            return
        own = [t for t in terms if len(t) <= len(key)]
        groups: dict[str, list[str]] = {}
        for t in terms:
            if len(t) > len(key):
                groups.setdefault(t[: len(key) + 1], []).append(t)
        sizes = {k: sum(_size(t, encoded[t]) for t in g) for k, g in groups.items()}
        kept = sum(_size(t, encoded[t]) for t in own)
        # children that fit stay in this part, smallest first, while the part stays in budget
        for child in sorted(groups, key=lambda k: (sizes[k], k)):
            if kept + sizes[child] <= budget:
                own.extend(groups.pop(child))
                kept += sizes[child]
        parts[key] = {t: encoded[t] for t in sorted(own)}
        for child in sorted(groups):
            place(child, groups[child])

    first: dict[str, list[str]] = {}
    for term in sorted(encoded):
        first.setdefault(term[:2], []).append(term)
    for key in sorted(first):
        place(key, first[key])
    return parts


def facet_labels(index, docs: Sequence[si.SearchDoc]) -> dict[str, list[list[str]]]:
    """Filter values that occur, with their Polish labels, in a fixed order."""
    vocab = index.vocab
    sections = [[k, v] for k, v in si.SECTION_LABELS.items() if any(d.section == k for d in docs)]
    types = {d.type: d.type_label for d in docs}
    type_order = [*vocab.types, si.LESSON_TYPE[0], si.PAGE_TYPE[0]]
    audiences = {a for d in docs for a in d.audience}
    topics = {t for d in docs for t in d.topic_keys}
    return {
        "section": sections,
        "type": [[k, types[k]] for k in type_order if k in types],
        "audience": [[k, a.name] for k, a in vocab.audiences.items() if k in audiences],
        "topic": [[k, t.name] for k, t in vocab.topics.items() if k in topics],
    }


def facet_rows(labels: dict, docs: Sequence[si.SearchDoc]) -> list:
    """Per document [section, type, [audiences], [topics]] as indexes into the label lists."""
    pos = {name: {k: i for i, (k, _) in enumerate(values)} for name, values in labels.items()}
    return [[pos["section"][d.section], pos["type"][d.type], [pos["audience"][a] for a in d.audience],
             [pos["topic"][t] for t in d.topic_keys if t in pos["topic"]]] for d in docs]


def build_files(index, docs: Sequence[si.SearchDoc], weighted: si.Weighted | None = None,
                labels: dict | None = None) -> dict[str, str]:
    """Output path (under szukaj/) -> file text, for the whole browser index."""
    weighted = weighted or si.weigh(docs)
    encoded = postings(weighted.q, weighted.masks)
    parts = split_parts(encoded)
    labels = labels if labels is not None else facet_labels(index, docs)
    bodies: dict[str, str] = {}
    for key, terms in parts.items():
        bodies[f"t/{part_file(key)}.js"] = (key, _js(terms))
    doc_bodies: dict[str, tuple[int, int, str]] = {}
    for doc in docs:
        for k, chunk in enumerate(doc.chunks):
            data = {"u": doc.path, "t": doc.title, "s": doc.section_label, "y": doc.type_label, "d": doc.date,
                    "n": len(doc.chunks), "m": doc.topics, "c": list(chunk)}
            doc_bodies[f"d/{doc.num}-{k}.js"] = (doc.num, k, _js(data))
    facets = _js(facet_rows(labels, docs))
    digest = hashlib.sha256()
    for path in sorted(bodies):
        digest.update(path.encode() + bodies[path][1].encode())
    for path in sorted(doc_bodies):
        digest.update(path.encode() + doc_bodies[path][2].encode())
    digest.update(facets.encode())
    version = digest.hexdigest()[:12]
    manifest = {
        "version": version, "n": len(docs), "k1": si.K1, "scale": si.SCALE,
        "prefixWeight": si.PREFIX_WEIGHT, "minPrefix": si.MIN_PREFIX, "maxExpansions": si.MAX_EXPANSIONS,
        "maxQueryChars": si.MAX_QUERY_CHARS, "maxClauses": si.MAX_CLAUSES, "snippetChars": si.SNIPPET_CHARS,
        "parts": sorted(parts), "facets": labels, "page": PAGE,
    }
    files = {"manifest.js": f"window.wiedzaIndex.manifest({_js(manifest)});\n",
             "facets.js": f"window.wiedzaIndex.facets({_js(version)},{facets});\n"}
    for path, (key, body) in bodies.items():
        files[path] = f"window.wiedzaIndex.part({_js(key)},{_js(version)},{body});\n"
    for path, (num, k, body) in doc_bodies.items():
        files[path] = f"window.wiedzaIndex.doc({num},{k},{_js(version)},{body});\n"
    return files


def results_page(labels: dict) -> StagedPage:
    """szukaj.html: the form works without JS only as a form; search.js fills in the results."""
    groups = []
    names = {"section": "Dział", "type": "Rodzaj materiału", "audience": "Dla kogo", "topic": "Temat"}
    for name, values in labels.items():
        if not values:
            continue
        options = "".join(f'<option value="{esc(k)}">{esc(v)}</option>' for k, v in values)
        groups.append(f'<p class="wiedza-search-filter"><label for="wiedza-filter-{name}">{esc(names[name])}</label>'
                      f'<select id="wiedza-filter-{name}" name="{name}" data-wiedza-filter="{name}">'
                      f'<option value="">wszystkie</option>{options}</select></p>')
    body = (
        '<h1>Wyniki wyszukiwania</h1>'
        '<form class="wiedza-search-page" role="search" action="szukaj.html" method="get" data-wiedza-search-page>'
        '<p class="wiedza-search-query"><label for="wiedza-search-page-input">Szukaj w portalu</label> '
        '<input type="search" id="wiedza-search-page-input" name="q" autocomplete="off" spellcheck="false" '
        'placeholder="np. spółdzielnia uczniowska"> <button type="submit">Szukaj</button></p>'
        f'<fieldset class="wiedza-search-filters"><legend>Zawęź wyniki</legend>{"".join(groups)}</fieldset>'
        '</form>'
        '<p class="wiedza-search-status" role="status" aria-live="polite" data-wiedza-search-status></p>'
        '<ol class="wiedza-search-results" data-wiedza-search-results></ol>'
        '<noscript><p>Wyszukiwarka działa w przeglądarce i potrzebuje włączonego JavaScriptu. '
        'Materiały można też przeglądać według działów i tematów w menu.</p></noscript>'
        '<p class="wiedza-search-help">Wskazówki: wpisz kilka słów w dowolnej formie, także bez polskich znaków; '
        'wyniki zawierające wszystkie słowa są na początku. Słowa w cudzysłowie („spółdzielnia uczniowska”) '
        'muszą wystąpić obok siebie. Ostatnie słowo może być niedokończone.</p>'
    )
    return StagedPage(path=PAGE, title="Wyniki wyszukiwania", body_html=body,
                      description="Wyszukiwarka materiałów portalu: publikacji, scenariuszy zajęć i stron.")


def write(ctx: BuildContext) -> None:
    memo = si.Memo(ctx.cache_dir / "search-memo-v1.pickle")
    docs = si.collect_documents(ctx.index, memo)
    files = build_files(ctx.index, docs, si.weigh(docs, memo))
    memo.save()
    for path in sorted(files):
        ctx.stage.write_text(f"{ROOT}/{path}", files[path], OWNER)
    ctx.stage.add_page(results_page(facet_labels(ctx.index, docs)), OWNER)
