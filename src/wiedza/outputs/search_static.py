"""The browser's search index and the full results page (szukaj.html).

Everything is a small JavaScript file that calls back into search.js, so the search works over
HTTP and from file:// (where fetch() of local files is refused but <script> loads):

  szukaj/manifest.js        window.wiedzaIndex.manifest({...})   N, ranking constants, the part
                            keys and a short hash of each part, the filter labels
  szukaj/t/<key>.js         window.wiedzaIndex.part(key, hash, {term: postings})
  szukaj/d/<num>-<k>.js     window.wiedzaIndex.doc(num, k, {u, t, s, y, d, c})
                            a result's title, URL, section, type, date and snippet chunk k
  szukaj/facets.js          window.wiedzaIndex.facets(hash, [...]) per document: section,
                            type, audiences, topics (loaded only when filters are used)

No file carries a version of the whole index, so a file changes only when its own content does:
an edit of one document changes its doc files and the parts holding its terms (and the
manifest's hashes of those parts). search.js asks for a part as t/<key>.js?v=<hash> (unchanged
parts stay cached across builds) and refuses one whose hash is not the manifest's: then the
manifest is an old cached copy, and it is loaded anew. Doc files are asked for with the hash of the
document numbering (?v=<docs>), which changes only when documents are added, removed or renamed.

Term parts: every index term lives in the part whose key is the longest listed key that is a
prefix of the term. Keys start as the first two letters; a part larger than PART_BYTES is split by
one more letter (children small enough stay in the parent). So a term costs one part, and a prefix
p needs the part of p plus the parts whose keys start with p. Terms of different first two letters
never share a part ("a group"), so a group is split on its own.

Postings of a term: a VLQ string (base64 digits, 5 bits each, low first, 32 = more follows) of
(document number delta, q, chunk mask) triples, in document order. q is the BM25F pseudo
frequency (see wiedza.search) times SCALE: the browser scores exactly as Whoosh does.
The chunk mask tells which snippet chunks of the document hold the term.

A rebuild starts from the previous build's term index (cache_dir/search-browser-v1.pickle, with
the documents' paths and content keys) and the per-document memo (wiedza.search.memo: weights and
doc file data, by content). When only documents' contents changed, their postings are patched in
place and only the groups of their terms are split and encoded again; adding, removing or renaming
a document renumbers the others, and the term index is made anew (from the memo). Either way the
files are the same bytes as a clean build's.
"""
from __future__ import annotations

import base64
import hashlib
import json
import pickle
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..search.documents import DocSource, LESSON_TYPE, PAGE_TYPE, SECTION_LABELS, SearchDoc, materialise, sources
from ..search.memo import Memo, code_fingerprint, pack_weights, save_pickle
from ..search.query import MAX_CLAUSES, MAX_EXPANSIONS, MAX_QUERY_CHARS, MIN_PREFIX, PREFIX_WEIGHT, SNIPPET_CHARS
from ..search.weights import DocWeights, K1, SCALE, Weighted, doc_weights, weigh
from ..stage import StagedPage
from .context import BuildContext
from .html import esc

OWNER = "wyszukiwarka"
ROOT = "szukaj"
PAGE = "szukaj.html"
PART_BYTES = 12_000
HASH_CHARS = 6            # per part in the manifest: 36 bits, enough to tell builds apart
STATE_FILE = "search-browser-v1.pickle"   # the term index of the last build (see BrowserIndex)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_PLAIN_KEY = re.compile(r"^[a-z0-9]+$")


# --- encoding -------------------------------------------------------------------------------------
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


_SMALL = [vlq([n]) for n in range(1024)]


def _vlq1(n: int) -> str:
    return _SMALL[n] if n < 1024 else vlq([n])


def _triple(delta: int, q: int, mask: int) -> str:
    return _vlq1(delta) + _vlq1(q) + _vlq1(mask)


def part_file(key: str) -> str:
    """File name of a part: the key itself when plain ASCII, else '_' and its UTF-8 in hex."""
    return key if _PLAIN_KEY.match(key) else "_" + key.encode("utf-8").hex()


def _js(value) -> str:
    """JSON for a script: UTF-8 text, and nothing that could close the <script> or break JS."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def short_hash(text: str) -> str:
    """HASH_CHARS characters of base64url (safe in a URL and in the manifest's hash string)."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode("ascii")[:HASH_CHARS]


# --- postings -------------------------------------------------------------------------------------
# A term's postings: the encoded text, and the document number and the start in the text of each
# triple, so that one document's triple can be replaced without decoding the rest.
TermPostings = tuple[str, array, array]


def encode_postings(weights: Iterable[DocWeights]) -> dict[str, TermPostings]:
    """term -> its postings over all documents (numbered by their place in `weights`)."""
    lists: dict[str, list[tuple[int, int, int]]] = {}
    for num, w in enumerate(weights):
        masks = w.masks
        for term, q in w.q.items():
            lists.setdefault(term, []).append((num, q, masks.get(term, 0)))
    out = {}
    for term, entries in lists.items():
        pieces, starts, last, at = [], array("I"), 0, 0
        for num, q, mask in entries:
            piece = _triple(num - last, q, mask)
            starts.append(at)
            pieces.append(piece)
            at += len(piece)
            last = num
        out[term] = ("".join(pieces), array("I", (e[0] for e in entries)), starts)
    return out


def set_posting(postings: TermPostings, num: int, value: tuple[int, int] | None) -> TermPostings:
    """The postings with document `num`'s posting made (q, mask), or removed (None). Only its triple
    and, when one is added or removed, the next one's number delta are encoded again."""
    text, nums, starts = postings
    n = len(nums)
    i = bisect_left(nums, num)
    present = i < n and nums[i] == num
    if not present and value is None:
        return postings
    stop = i + 1 if present else i            # postings [i, stop) are replaced by `pieces`
    prev = nums[i - 1] if i else 0
    pieces, new_nums = [], []
    if value is not None:
        pieces.append(_triple(num - prev, *value))
        new_nums.append(num)
    if stop < n and present != (value is not None):
        following = nums[stop]
        end = starts[stop + 1] if stop + 1 < n else len(text)
        _, q, mask = unvlq(text[starts[stop]:end])
        pieces.append(_triple(following - (num if value is not None else prev), q, mask))
        new_nums.append(following)
        stop += 1
    start = starts[i] if i < n else len(text)
    end = starts[stop] if stop < n else len(text)
    piece = "".join(pieces)
    new_starts, at = array("I"), start
    for pc in pieces:
        new_starts.append(at)
        at += len(pc)
    shift = len(piece) - (end - start)
    rest = starts[stop:]
    if shift:
        rest = array("I", map(shift.__add__, rest))
    return (text[:start] + piece + text[end:], nums[:i] + array("I", new_nums) + nums[stop:],
            starts[:i] + new_starts + rest)


def postings(docs_weights: Sequence[dict[str, int]], masks: Sequence[dict[str, int]]) -> dict[str, str]:
    """term -> encoded postings over all documents."""
    weights = [DocWeights(q, m) for q, m in zip(docs_weights, masks)]
    return {term: p[0] for term, p in encode_postings(weights).items()}


# --- parts ----------------------------------------------------------------------------------------
def _size(term: str, value: str) -> int:
    return len(term.encode("utf-8")) + len(value) + 6


def group_of(term_or_key: str) -> str:
    return term_or_key[:2]


def split_group(terms: Sequence[str], encoded, budget: int = PART_BYTES) -> dict[str, dict[str, str]]:
    """The parts of one group (terms sharing their first two letters, sorted): key -> {term: postings}."""
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

    place(group_of(terms[0]), list(terms))
    return parts


def split_parts(encoded: dict[str, str], budget: int = PART_BYTES) -> dict[str, dict[str, str]]:
    """key -> {term: postings}; see the module docstring for the rule."""
    groups: dict[str, list[str]] = {}
    for term in sorted(encoded):
        groups.setdefault(group_of(term), []).append(term)
    parts: dict[str, dict[str, str]] = {}
    for group in sorted(groups):
        parts.update(split_group(groups[group], encoded, budget))
    return parts


def part_file_text(key: str, terms: dict[str, str]) -> tuple[str, bytes]:
    """(hash, file content) of a part."""
    body = _js(terms)
    digest = short_hash(key + "\0" + body)
    return digest, f"window.wiedzaIndex.part({_js(key)},{_js(digest)},{body});\n".encode()


# --- documents and filters ------------------------------------------------------------------------
def doc_bodies(doc: SearchDoc) -> list[bytes]:
    """The data of the document's files d/<num>-<k>.js, one per snippet chunk (without its number,
    so it can be kept by content)."""
    out = []
    for chunk in doc.chunks:
        data = {"u": doc.path, "t": doc.title, "s": doc.section_label, "y": doc.type_label, "d": doc.date,
                "n": len(doc.chunks), "m": doc.topics, "c": list(chunk)}
        out.append(_js(data).encode())
    return out


def doc_file(num: int, k: int, body: bytes) -> bytes:
    return b"window.wiedzaIndex.doc(%d,%d,%s);\n" % (num, k, body)


def facet_labels(index, docs) -> dict[str, list[list[str]]]:
    """Filter values that occur, with their Polish labels, in a fixed order. `docs`: SearchDocs or
    DocSources (anything with section, type, type_label, audience and topic_keys)."""
    vocab = index.vocab
    sections = [[k, v] for k, v in SECTION_LABELS.items() if any(d.section == k for d in docs)]
    types = {d.type: d.type_label for d in docs}
    type_order = [*vocab.types, LESSON_TYPE[0], PAGE_TYPE[0]]
    audiences = {a for d in docs for a in d.audience}
    topics = {t for d in docs for t in d.topic_keys}
    return {
        "section": sections,
        "type": [[k, types[k]] for k in type_order if k in types],
        "audience": [[k, a.name] for k, a in vocab.audiences.items() if k in audiences],
        "topic": [[k, t.name] for k, t in vocab.topics.items() if k in topics],
    }


def facet_rows(labels: dict, docs) -> list:
    """Per document [section, type, [audiences], [topics]] as indexes into the label lists."""
    pos = {name: {k: i for i, (k, _) in enumerate(values)} for name, values in labels.items()}
    return [[pos["section"][d.section], pos["type"][d.type], [pos["audience"][a] for a in d.audience],
             [pos["topic"][t] for t in d.topic_keys if t in pos["topic"]]] for d in docs]


# --- the index, kept between builds ---------------------------------------------------------------
def document_entry(source: DocSource, memo: Memo) -> dict:
    """The memo's entry of a document ({"weights": pickled DocWeights, "docs": doc file data}),
    made and kept now if it has none."""
    entry = memo.get(source.key)
    if entry is None or "docs" not in entry or "weights" not in entry:
        doc = materialise(source)
        entry = {"weights": pack_weights(doc_weights(doc)), "docs": doc_bodies(doc)}
        memo.put(source.key, entry)
    return entry


@dataclass
class BrowserIndex:
    """The term index of one build, as kept in the cache for the next one: the documents' paths
    (in number order) and content keys, every term's postings, and the parts' files."""

    fingerprint: str
    paths: list[str]
    keys: list[str]
    postings: dict[str, TermPostings]
    part_files: dict[str, tuple[str, bytes]]     # key -> (hash, file content)

    @classmethod
    def build(cls, paths: Sequence[str], keys: Sequence[str], weights: Iterable[DocWeights]) -> "BrowserIndex":
        found = encode_postings(weights)
        parts = split_parts({t: p[0] for t, p in found.items()})
        return cls(code_fingerprint(), list(paths), list(keys), found,
                   {key: part_file_text(key, terms) for key, terms in parts.items()})

    def set_document(self, num: int, old: DocWeights, new: DocWeights) -> set[str]:
        """Replace document `num`'s postings; returns the terms whose postings changed."""
        touched = set()
        empty = ("", array("I"), array("I"))
        for term in old.q.keys() | new.q.keys():
            before = (old.q[term], old.masks.get(term, 0)) if term in old.q else None
            after = (new.q[term], new.masks.get(term, 0)) if term in new.q else None
            if before == after:
                continue
            found = set_posting(self.postings.get(term, empty), num, after)
            if found[1]:
                self.postings[term] = found
            else:
                self.postings.pop(term, None)
            touched.add(term)
        return touched

    def split_again(self, touched: set[str]) -> None:
        """Split the groups of the `touched` terms into parts anew (other groups stay as they are)."""
        groups: dict[str, list[str]] = {group_of(t): [] for t in touched}
        for term in self.postings:
            if group_of(term) in groups:
                groups[group_of(term)].append(term)
        for key in [k for k in self.part_files if group_of(k) in groups]:
            del self.part_files[key]
        for terms in groups.values():
            if terms:
                terms.sort()
                parts = split_group(terms, {t: self.postings[t][0] for t in terms})
                self.part_files.update((key, part_file_text(key, part)) for key, part in parts.items())

    def apply_edits(self, found: Sequence[DocSource], entries: Sequence[dict], memo: Memo) -> bool | None:
        """Bring the index up to `found`, the same documents (paths) with other contents. Returns
        whether anything changed, or None when an edited document's earlier weights are gone."""
        edited = [n for n, source in enumerate(found) if source.key != self.keys[n]]
        before = {n: memo.weights(self.keys[n]) for n in edited}
        if any(w is None for w in before.values()):
            return None
        touched: set[str] = set()
        for n in edited:
            touched |= self.set_document(n, before[n], pickle.loads(entries[n]["weights"]))
            self.keys[n] = found[n].key
        if touched:
            self.split_again(touched)
        return bool(edited)

    def files(self, labels: dict, docs, doc_data: Sequence[Sequence[bytes]]) -> dict[str, bytes]:
        """Output path (under szukaj/) -> file content. `docs`: per number, its filter values;
        `doc_data`: per number, its doc files' data (doc_bodies)."""
        keys = sorted(self.part_files)
        rows = _js(facet_rows(labels, docs))
        facets_hash = short_hash(rows)
        manifest = {
            "n": len(self.paths), "k1": K1, "scale": SCALE, "prefixWeight": PREFIX_WEIGHT,
            "minPrefix": MIN_PREFIX, "maxExpansions": MAX_EXPANSIONS, "maxQueryChars": MAX_QUERY_CHARS,
            "maxClauses": MAX_CLAUSES, "snippetChars": SNIPPET_CHARS,
            "parts": keys, "hashes": "".join(self.part_files[k][0] for k in keys),
            "docs": short_hash("\n".join(self.paths)), "facets": labels, "facetsHash": facets_hash, "page": PAGE,
        }
        files = {"manifest.js": f"window.wiedzaIndex.manifest({_js(manifest)});\n".encode(),
                 "facets.js": f"window.wiedzaIndex.facets({_js(facets_hash)},{rows});\n".encode()}
        for key in keys:
            files[f"t/{part_file(key)}.js"] = self.part_files[key][1]
        for num, bodies in enumerate(doc_data):
            for k, body in enumerate(bodies):
                files[f"d/{num}-{k}.js"] = doc_file(num, k, body)
        return files


def load_index(path: Path) -> BrowserIndex | None:
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)
    except Exception:  # noqa: BLE001 - no usable index: it is made anew
        return None
    return found if isinstance(found, BrowserIndex) and found.fingerprint == code_fingerprint() else None


def current_index(found: Sequence[DocSource], entries: Sequence[dict], memo: Memo,
                  previous: BrowserIndex | None) -> tuple[BrowserIndex, bool]:
    """The term index of `found` (with their memo entries), patched from `previous` when only
    contents changed, else made anew; and whether it differs from `previous`."""
    paths = [s.path for s in found]
    if previous is not None and previous.paths == paths:
        changed = previous.apply_edits(found, entries, memo)
        if changed is not None:
            return previous, changed
    # one document's weights at a time: all of them at once were most of a build's peak memory
    weights = (pickle.loads(e["weights"]) for e in entries)
    return BrowserIndex.build(paths, [s.key for s in found], weights), True


def build_files(index, docs: Sequence[SearchDoc], weighted: Weighted | None = None,
                labels: dict | None = None) -> dict[str, str]:
    """Output path (under szukaj/) -> file text, for the whole browser index of analysed `docs`."""
    weighted = weighted or weigh(docs)
    weights = [DocWeights(q, m) for q, m in zip(weighted.q, weighted.masks)]
    made = BrowserIndex.build([d.path for d in docs], [""] * len(docs), weights)
    labels = labels if labels is not None else facet_labels(index, docs)
    files = made.files(labels, docs, [doc_bodies(d) for d in docs])
    return {path: data.decode() for path, data in files.items()}


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
    memo = Memo(ctx.cache_dir)
    found = sources(ctx.index)
    entries = [document_entry(source, memo) for source in found]
    state = ctx.cache_dir / STATE_FILE
    made, changed = current_index(found, entries, memo, load_index(state))
    memo.prune(source.key for source in found)
    if changed:
        save_pickle(state, made)
    labels = facet_labels(ctx.index, found)
    files = made.files(labels, found, [entry["docs"] for entry in entries])
    for path in sorted(files):
        ctx.stage.write_bytes(f"{ROOT}/{path}", files[path], OWNER)
    ctx.stage.add_page(results_page(labels), OWNER)
