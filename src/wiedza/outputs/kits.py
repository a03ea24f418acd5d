"""Lesson kits: everything a teacher needs in one ZIP ("Pobierz cały zestaw"), and each file alone.

Per lesson:
- `scenariusze/<slug>/<slug>-zestaw.zip`: the plan as a tagged PDF/UA-1 (A4, Polish hyphenation)
  and as DOCX and ODT; every attachment with in_kit true; Markdown attachments also as PDF and
  DOCX (templates also as ODT); CZYTAJ.txt, LICENCJA.txt and manifest.json (name, size, SHA-256
  of every other file);
- the plan and the converted Markdown attachments beside the kit page, each a Download;
- a schema.org LearningResource in the page head (lesson_jsonld.py).

Bytes are deterministic: sorted ZIP entries with fixed times (the lesson's modified date), fixed
permissions, no extra fields, dates inside PDF/DOCX/ODT from the content. PDF, DOCX, ODT and ZIP
bytes are cached in <cache>/kits/ under a SHA-256 of their inputs and the tools' versions; a cache
entry carries the hash of its bytes and is ignored if damaged, so the cache can only save time.
Conversions run on ctx.jobs cores (worker processes, or threads in a process that already has
threads); results are placed by key, never by finishing order.
"""
from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .. import urls
from ..content.models import Attachment, Lesson
from ..content.render import render_markdown
from ..errors import BuildError
from . import convert
from .attachments import published_path
from .context import MIME_TYPES, BuildContext, Download
from .html import ages_pl, date_pl, duration_pl, esc
from .lesson_jsonld import lesson_jsonld, script_tag

OWNER = "zestawy"
CACHE_MAGIC = b"WZK1"
ZIP_FORMAT = "zip-1"
PLAN = "Plan zajęć"
FORMAT_LABELS = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT"}
# Folders inside the ZIP by attachment kind (vocabulary keys); other kinds go to FALLBACK_FOLDER.
KIND_FOLDERS = {
    "worksheet": "Karty pracy", "template": "Wzory dokumentów", "handout": "Materiały dla uczestników",
    "teacher-notes": "Dla prowadzącego", "slides": "Prezentacje", "image": "Ilustracje", "data": "Dane",
}
FALLBACK_FOLDER = "Materiały"
SOURCES_FOLDER = "Pliki źródłowe (Markdown)"
TEMPLATE_KIND = "template"
TEMPLATE_NOTE = "WZÓR – dostosuj przed użyciem razem z dyrekcją szkoły"
# Already compressed formats are stored, everything else deflated (level 9).
STORED_EXTENSIONS = {"pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "png", "jpg", "jpeg", "zip"}
EXTRA_MIME = {"json": "application/json", "txt": "text/plain; charset=utf-8"}


# -- results ------------------------------------------------------------------------------------
@dataclass
class KitStats:
    """What one run did: how much was built and how much came from the cache."""

    kits: int = 0
    documents: int = 0                                  # distinct PDF/DOCX/ODT files needed
    rendered: Counter = field(default_factory=Counter)  # format -> built by a tool in this run
    cache_hits: int = 0                                 # PDF/DOCX/ODT files taken from the cache
    zips_built: int = 0
    zip_cache_hits: int = 0
    seconds: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)  # lesson slug -> ZIP size in bytes

    @property
    def pdf_renders(self) -> int:
        return self.rendered.get("pdf", 0)


# -- file names -----------------------------------------------------------------------------------
_RESERVED_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in "123456789¹²³"),
                     *(f"LPT{i}" for i in "123456789¹²³")}


def safe_name(text: str, limit: int = 70) -> str:
    """A file or folder name every system accepts: Polish letters kept (NFC), none of <>:"/\\|?*
    or control characters, no trailing dot or space, no reserved device name (CON, LPT1…)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s*:\s*", " – ", text)
    text = text.replace('"', "'")
    text = re.sub(r"[/\\|]", "-", text)
    text = re.sub(r"[<>?*\x00-\x1f\x7f]", "", text)
    text = re.sub(r"\s+", " ", text).strip(" .–-")
    if len(text) > limit:
        cut = text[:limit]
        text = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut
        text = text.rstrip(" .–-,;")
    text = text.rstrip(" .")
    if not text:
        text = "plik"
    first, dot, rest = text.partition(".")
    if first.strip().upper() in _RESERVED_DEVICES:   # Windows also refuses "CON.txt", "aux.tar.gz"
        text = f"{first.rstrip()}_{dot}{rest}"
    return text


def windows_safe(path: str) -> bool:
    """True when every part of a ZIP entry name is a valid Windows file name."""
    for part in path.split("/"):
        if not part or part != part.rstrip(" .") or re.search(r'[<>:"\\|?*\x00-\x1f]', part):
            return False
        if part.split(".")[0].strip().upper() in _RESERVED_DEVICES:
            return False
    return True


class _Names:
    """Unique entry names; Windows ignores case, so 'A.pdf' and 'a.pdf' collide."""

    def __init__(self):
        self.taken: set[str] = set()

    def add(self, folder: str, stem: str, ext: str) -> str:
        prefix = f"{folder}/" if folder else ""
        candidate, n = f"{prefix}{stem}.{ext}", 1
        while candidate.casefold() in self.taken:
            n += 1
            candidate = f"{prefix}{stem} ({n}).{ext}"
        self.taken.add(candidate.casefold())
        return candidate


# -- cache ------------------------------------------------------------------------------------------
class Cache:
    """Content-addressed files: <root>/<key[:2]>/<key>, each holding a magic, the SHA-256 of the
    data and the data. A damaged or foreign file is a miss, never an output."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> bytes | None:
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        head = len(CACHE_MAGIC)
        if raw[:head] != CACHE_MAGIC:
            return None
        digest, data = raw[head:head + 32], raw[head + 32:]
        return data if hashlib.sha256(data).digest() == digest else None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(CACHE_MAGIC + hashlib.sha256(data).digest() + data)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs time


# -- HTML for the tools ---------------------------------------------------------------------------------
_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")', re.IGNORECASE)
_HEADING = re.compile(r"<(/?)h([1-5])(?=[\s>])", re.IGNORECASE)


def absolute_links(html: str, base_url: str, markdown_pages: bool = False) -> str:
    """A PDF or DOCX leaves the site: relative links become absolute URLs. In a worksheet a link
    to another .md file points to its published page (.html)."""
    def replace(match: re.Match) -> str:
        href = match.group(2)
        parts = urlsplit(href)
        if not href or href.startswith("#") or parts.scheme or href.startswith("//"):
            return match.group(0)
        if markdown_pages and parts.path.endswith(".md"):
            href = href.replace(parts.path, parts.path[:-3] + ".html", 1)
        return f"{match.group(1)}{esc(urljoin(base_url, href))}{match.group(3)}"
    return _HREF.sub(replace, html)


def linkify(text: str) -> str:
    """Escape plain text and turn its web addresses into links (never hyphenated in print)."""
    out = []
    for i, part in enumerate(re.split(r"(https?://[^\s]+[^\s.,;)])", text)):
        out.append(f'<a class="bare" href="{esc(part)}">{esc(part)}</a>' if i % 2 else esc(part))
    return "".join(out)


def shift_headings(html: str) -> str:
    """h1..h5 -> h2..h6: the procedure sits under the plan's own <h2>."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def _document(title: str, body: str, *, css_class: str, meta: dict[str, list[str]] | None = None) -> str:
    head = ["<meta charset=\"utf-8\">", f"<title>{esc(title)}</title>"]
    for name, values in (meta or {}).items():
        head += [f'<meta name="{esc(name)}" content="{esc(v)}">' for v in values]
    return ('<!DOCTYPE html>\n<html lang="pl">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            f'<body class="{css_class}">\n{body}\n</body>\n</html>\n')


def _running(title: str, note: str, licence_line: str) -> str:
    """Header and footer texts (CSS running elements): artefacts, not part of the tagged text."""
    return (f'<div class="run-title">{esc(title)}</div><div class="run-note">{esc(note)}</div>'
            f'<div class="run-licence">{esc(licence_line)}</div>\n')


@dataclass
class _Lesson:
    """What the kit of one lesson needs, computed once in the main process."""

    lesson: Lesson
    doc_path: str
    url: str
    folder: Path
    licence: object
    epoch: int
    zip_time: tuple[int, int, int, int, int, int]
    authors: list[str]
    label: str        # the kit file for messages, e.g. content/lessons/x/index.md


def _lesson_info(index, lesson: Lesson) -> _Lesson:
    day = lesson.modified.date()
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)
    try:
        label = lesson.source.relative_to(index.content_root.parent).as_posix()
    except ValueError:
        label = lesson.source.as_posix()
    return _Lesson(lesson=lesson, doc_path=index.path_of(lesson), url=index.url_of(lesson),
                   folder=lesson.source.parent, licence=index.vocab.licences[lesson.licence],
                   epoch=int(noon.timestamp()), zip_time=(max(day.year, 1980), day.month, day.day, 12, 0, 0),
                   authors=[index.authors[k].name for k in lesson.authors], label=label)


def _pdf_meta(info: _Lesson, description: str, keywords: list[str]) -> dict[str, list[str]]:
    lesson = info.lesson
    return {"author": info.authors, "description": [description], "keywords": keywords,
            "generator": ["Wiedza"], "dcterms.created": [lesson.date.date().isoformat()],
            "dcterms.modified": [lesson.modified.date().isoformat()]}


def _office_meta(*, authors: list[str], subject: str, description: str, keywords: list[str], category: str) -> str:
    lit = convert.markdown_literal
    data = {"lang": "pl-PL", "subject": lit(subject), "description": lit(description),
            "keywords": [lit(k) for k in keywords], "category": lit(category)}
    if authors:
        data["author"] = [lit(a) for a in authors]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def citation(index, info: _Lesson) -> str:
    """'Lewandowska K., Mazur J. (2026). Tytuł (wersja 1.1) [scenariusz zajęć]. Serwis. URL'."""
    names = ", ".join(f"{index.authors[k].family} {index.authors[k].given[:1]}." for k in info.lesson.authors)
    lesson = info.lesson
    return (f"{names} ({lesson.modified.year}). {lesson.title} (wersja {lesson.version}) [scenariusz zajęć]. "
            f"{index.settings.title}. {info.url}")


def attribution(index, info: _Lesson) -> str:
    """The 'title, author, source, licence' line Creative Commons asks for."""
    lesson = info.lesson
    return (f"„{lesson.title}” (wersja {lesson.version}), autorzy: {', '.join(info.authors)}, "
            f"{index.settings.short_title}: {info.url}, licencja {info.licence.short}")


def plan_html(index, info: _Lesson, kit_attachments: list[Attachment], *, for_print: bool) -> str:
    lesson = info.lesson
    vocab = index.vocab
    licence = info.licence
    audiences = ", ".join(vocab.audiences[a].name for a in lesson.audience)
    duration = duration_pl(lesson) + (f" (razem {lesson.total_minutes} min)" if lesson.meetings > 1 else "")
    version = f"{lesson.version} z {date_pl(lesson.modified)}"
    if lesson.updated:
        version += f" (pierwsza publikacja {date_pl(lesson.date)})"
    rows = [
        ("Odbiorcy", esc(f"{audiences} ({ages_pl(index, lesson)})")),
        ("Czas trwania", esc(duration)),
        ("Działanie programu", esc(f"{lesson.action} {vocab.actions[lesson.action].name}")),
        ("Tematy", esc(", ".join(vocab.topics[t].name for t in lesson.topics))),
        ("Metody", esc(", ".join(lesson.methods))),
        ("Autorzy", esc(", ".join(info.authors))),
        ("Wersja", esc(version)),
        ("Licencja", f'{esc(licence.name)} ({esc(licence.short)}), '
                     f'<a class="bare" href="{esc(licence.url)}">{esc(licence.url)}</a>'),
        ("Źródło", f'<a class="bare" href="{esc(info.url)}">{esc(info.url)}</a>'),
    ]
    card = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{v}</td></tr>' for k, v in rows if v)
    parts = []
    if for_print:
        parts.append(_running(lesson.title, f"Scenariusz zajęć · wersja {lesson.version}",
                              f"{licence.short} · {index.settings.short_title} · {info.url}"))
    parts += [f"<h1>{esc(lesson.title)}</h1>", f'<p class="lead">{esc(lesson.summary)}</p>',
              "<h2>Metryczka zajęć</h2>", f'<table class="card"><tbody>{card}</tbody></table>',
              "<h2>Cele zajęć</h2>", "<ul>" + "".join(f"<li>{esc(o)}</li>" for o in lesson.objectives) + "</ul>"]
    if lesson.curriculum:
        parts += ["<h3>Wymagania podstawy programowej</h3>", "<ul>" + "".join(
            f"<li><strong>{esc(c.subject)}, {esc(c.stage)}, {esc(c.code)}</strong>: {esc(c.text)}</li>"
            for c in lesson.curriculum) + "</ul>"]
    if lesson.materials:
        parts += ["<h2>Potrzebne materiały</h2>", "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in lesson.materials) + "</ul>"]
    if kit_attachments:
        parts += ["<h2>Materiały w zestawie</h2>", "<ul>" + "".join(
            f"<li>{esc(a.title)} ({esc(vocab.attachment_kinds[a.kind].name.lower())})</li>" for a in kit_attachments) + "</ul>"]
    body = absolute_links(index.bodies[lesson.id], info.url)
    parts += ["<h2>Przebieg zajęć</h2>", shift_headings(convert.local_images(body, info.folder)),
              "<h2>Jak cytować</h2>", f'<p class="cite">{linkify(citation(index, info))}</p>',
              f'<p class="cite">Licencja: {linkify(attribution(index, info))}.</p>']
    body_html = "\n".join(parts)
    if for_print:
        body_html = convert.polish_typography(body_html)
        meta = _pdf_meta(info, lesson.summary, ["scenariusz zajęć", *(vocab.topics[t].name for t in lesson.topics)])
        return _document(lesson.title, body_html, css_class="plan", meta=meta)
    return _document(lesson.title, body_html, css_class="plan")


def sheet_html(index, info: _Lesson, attachment: Attachment, *, for_print: bool) -> str:
    lesson = info.lesson
    kind = index.vocab.attachment_kinds[attachment.kind].name
    text = attachment.source.read_text(encoding="utf-8-sig")
    html = convert.local_images(absolute_links(render_markdown(text), info.url, markdown_pages=True), info.folder)
    if not re.search(r"<h1[\s>]", html):
        html = f"<h1>{esc(attachment.title)}</h1>\n{html}"
    if attachment.kind == TEMPLATE_KIND and "WZÓR" not in text:
        html = re.sub(r"(</h1>)", f'\\1\n<p class="template-note">{esc(TEMPLATE_NOTE)}</p>', html, count=1)
    source = (f'<p class="source">Z zestawu „{esc(lesson.title)}” (wersja {esc(lesson.version)}), licencja '
              f'{esc(info.licence.short)}: <a class="bare" href="{esc(info.url)}">{esc(info.url)}</a></p>')
    parts = []
    if for_print:
        note = "WZÓR DOKUMENTU" if attachment.kind == TEMPLATE_KIND else kind
        parts.append(_running(lesson.title, note, f"{info.licence.short} · {index.settings.short_title} · {info.url}"))
    parts += [html, source]
    body_html = "\n".join(parts)
    if for_print:
        keywords = [kind.lower(), *(index.vocab.topics[t].name for t in lesson.topics)]
        meta = _pdf_meta(info, f"{kind} z zestawu „{lesson.title}”", keywords)
        return _document(attachment.title, convert.polish_typography(body_html), css_class="sheet", meta=meta)
    return _document(attachment.title, body_html, css_class="sheet")


# -- planning --------------------------------------------------------------------------------------------
@dataclass
class _Entry:
    """One file inside the ZIP: bytes now, or the key of a conversion job."""

    name: str
    title: str
    kind: str
    data: bytes | None = None
    job: str | None = None


@dataclass
class _Published:
    path: str
    title: str
    ext: str
    kind: str
    job: str


@dataclass
class _Kit:
    info: _Lesson
    entries: list[_Entry]
    published: list[_Published]
    parts: list[tuple[Attachment, str, list[str]]]   # attachment, its page/file path, published paths
    jobs: dict[str, convert.Job]
    labels: dict[str, str]                           # job key -> what the file is, for messages


def _formats(attachment: Attachment) -> tuple[str, ...]:
    if attachment.extension != "md":
        return ()
    return ("pdf", "docx", "odt") if attachment.kind == TEMPLATE_KIND else ("pdf", "docx")


def _plan_kit(index, lesson: Lesson) -> _Kit:
    info = _lesson_info(index, lesson)
    vocab = index.vocab
    kit = _Kit(info=info, entries=[], published=[], parts=[], jobs={}, labels={})
    names = _Names()
    folder = str(info.folder)
    in_kit = [a for a in lesson.attachments if a.in_kit]
    topics = [vocab.topics[t].name for t in lesson.topics]

    def add_job(fmt: str, html: str, metadata: str, label: str) -> str:
        job = convert.Job(fmt=fmt, html=html, resource_dir=folder, epoch=info.epoch, metadata=metadata, label=label)
        kit.jobs[job.key] = job
        kit.labels[job.key] = label
        return job.key

    # The plan.
    print_html = plan_html(index, info, in_kit, for_print=True)
    office_html = plan_html(index, info, in_kit, for_print=False)
    meta = _office_meta(authors=info.authors, subject="Scenariusz zajęć", description=lesson.summary,
                        keywords=["scenariusz zajęć", *topics], category="Scenariusz zajęć")
    plan_stem = safe_name(f"{PLAN} – {lesson.title}", limit=90)
    base = posixpath_dir(info.doc_path)
    for fmt in ("pdf", "docx", "odt"):
        key = add_job(fmt, print_html if fmt == "pdf" else office_html, meta if fmt != "pdf" else "{}",
                      f"plan zajęć ({FORMAT_LABELS[fmt]})")
        kit.entries.append(_Entry(names.add("", plan_stem, fmt), f"{PLAN} ({FORMAT_LABELS[fmt]})", "plan", job=key))
        kit.published.append(_Published(f"{base}{lesson.slug}-plan-zajec.{fmt}", f"{PLAN} ({FORMAT_LABELS[fmt]})",
                                        fmt, "plan", key))

    # Attachments.
    for attachment in lesson.attachments:
        kind = vocab.attachment_kinds[attachment.kind].name
        folder_name = KIND_FOLDERS.get(attachment.kind, FALLBACK_FOLDER)
        stem = safe_name(attachment.title)
        formats = _formats(attachment)
        paths = []
        if formats:
            p_html = sheet_html(index, info, attachment, for_print=True)
            o_html = sheet_html(index, info, attachment, for_print=False)
            o_meta = _office_meta(authors=[], subject=f"{kind} – {lesson.title}",
                                  description=f"{kind} z zestawu „{lesson.title}”, {info.url}",
                                  keywords=[kind.lower(), *topics], category=kind)
            for fmt in formats:
                key = add_job(fmt, p_html if fmt == "pdf" else o_html, o_meta if fmt != "pdf" else "{}",
                              f"{attachment.file} ({FORMAT_LABELS[fmt]})")
                path = urls.attachment(info.doc_path, attachment.file[: -len(".md")] + f".{fmt}")
                kit.published.append(_Published(path, f"{_download_title(kind, attachment.title)} ({FORMAT_LABELS[fmt]})",
                                                fmt, attachment.kind, key))
                paths.append(path)
                if attachment.in_kit:
                    kit.entries.append(_Entry(names.add(folder_name, stem, fmt), attachment.title, attachment.kind, job=key))
        if attachment.in_kit:
            target = SOURCES_FOLDER if formats else folder_name
            kit.entries.append(_Entry(names.add(target, stem, attachment.extension), attachment.title,
                                      attachment.kind, data=attachment.source.read_bytes()))
        kit.parts.append((attachment, published_path(info.doc_path, attachment), paths))
    return kit


def _download_title(kind: str, title: str) -> str:
    """'Karta pracy: Nasza spółdzielnia', but 'Wzór statutu' stays as it is (no 'Wzór dokumentu: Wzór…')."""
    first = kind.split()[0].casefold() if kind.split() else ""
    return title if title.casefold().startswith(first) else f"{kind}: {title}"


def posixpath_dir(path: str) -> str:
    head = path.rsplit("/", 1)[0]
    return f"{head}/" if "/" in path else ""


# -- texts inside the ZIP -------------------------------------------------------------------------------
def _crlf(text: str) -> bytes:
    """Plain text for every system: UTF-8 with BOM (old Windows Notepad) and CRLF line ends."""
    return "\ufeff".encode("utf-8") + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def licence_summary(licence) -> list[str]:
    """A short Polish summary of a Creative Commons licence, from its short name."""
    short = licence.short.upper()
    if short.startswith("CC0"):
        return ["Autorzy zrzekli się praw autorskich w najszerszym zakresie, na jaki pozwala prawo.",
                "Możesz kopiować, zmieniać, rozpowszechniać i wykorzystywać ten materiał, także w celach",
                "komercyjnych, bez pytania o zgodę. Podanie źródła jest mile widziane."]
    if not short.startswith("CC "):
        return [f"Warunki korzystania określa licencja {licence.name}."]
    free = "w dowolnym celu, także komercyjnym" if "NC" not in short else "wyłącznie w celach niekomercyjnych"
    lines = ["Wolno:",
             f"- kopiować i rozpowszechniać ten materiał w dowolnym medium i formacie {free};"]
    if "ND" not in short:
        lines.append("- zmieniać go, skracać, tłumaczyć i tworzyć na jego podstawie własne materiały.")
    lines += ["", "Pod warunkiem, że:",
              "- podasz autorów, tytuł, źródło i licencję (wzór niżej) oraz zaznaczysz, czy wprowadzono zmiany;"]
    if "NC" in short:
        lines.append("- nie wykorzystasz materiału do celów komercyjnych;")
    if "SA" in short:
        lines.append("- materiał zmieniony udostępnisz na tej samej licencji;")
    if "ND" in short:
        lines.append("- nie będziesz rozpowszechniać zmienionej wersji;")
    lines.append("- nie nałożysz ograniczeń prawnych ani technicznych, które zabraniałyby innym tego, na co pozwala licencja.")
    return lines


def licence_text(index, info: _Lesson) -> str:
    licence = info.licence
    legal = licence.url.replace("/deed.pl", "/legalcode.pl") if "creativecommons.org" in licence.url else licence.url
    lines = [f"Licencja zestawu „{info.lesson.title}”", "",
             f"{licence.name} ({licence.short})", f"Streszczenie licencji: {licence.url}"]
    if legal != licence.url:
        lines.append(f"Pełny tekst prawny: {legal}")
    lines += ["", *licence_summary(licence), "",
              "Jak oznaczyć autorstwo (wzór):", attribution(index, info), "",
              "To streszczenie nie zastępuje licencji; wiążący jest jej pełny tekst.", ""]
    return "\n".join(lines)


def readme_text(index, info: _Lesson, files: list[tuple[str, str]]) -> str:
    lesson = info.lesson
    site = index.settings
    lines = [f"Zestaw zajęć: {lesson.title}",
             f"Wersja {lesson.version} z {date_pl(lesson.modified)}",
             f"Źródło: {info.url}",
             f"Autorzy: {', '.join(info.authors)}", "",
             lesson.summary, "",
             "Co jest w zestawie", "------------------"]
    lines += [f"- {name} – {what}" for name, what in files]
    lines += ["", "Plan zajęć w PDF jest gotowy do druku (A4) i dostępny dla czytników ekranu. Pliki DOCX",
              "i ODT otworzysz w Wordzie, LibreOffice lub Dokumentach Google i dostosujesz do swojej grupy.",
              "Najnowszą wersję zestawu znajdziesz zawsze pod adresem źródła.", "",
              "Licencja", "--------",
              f"{info.licence.name} ({info.licence.short}), {info.licence.url}",
              "Szczegóły i wzór oznaczenia autorstwa: LICENCJA.txt.", "",
              "Jak cytować", "-----------", citation(index, info), "",
              "Sumy kontrolne", "--------------",
              "manifest.json zawiera nazwę, rozmiar i skrót SHA-256 każdego pliku zestawu.", "",
              f"{site.title} · {site.operator} · {site.contact_email}", ""]
    return "\n".join(lines)


def _mime(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return EXTRA_MIME.get(ext) or MIME_TYPES.get(ext, "application/octet-stream")


def zip_bytes(entries: list[tuple[str, bytes]], when: tuple[int, int, int, int, int, int]) -> bytes:
    """Deterministic ZIP: sorted names, one fixed time, 0644 permissions, no extra fields."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(entries, key=lambda e: e[0]):
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3                 # Unix, so the permissions below are read
            info.external_attr = 0o100644 << 16    # regular file, rw-r--r--
            stored = name.rsplit(".", 1)[-1].lower() in STORED_EXTENSIONS
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=None if stored else 9)
    return buffer.getvalue()


def _describe(entry: _Entry, ext: str, kinds) -> str:
    if entry.kind == "plan":
        return {"pdf": "plan zajęć do druku (PDF, dostępny)", "docx": "plan zajęć do edycji (Word)",
                "odt": "plan zajęć do edycji (LibreOffice)"}[ext]
    kind = kinds[entry.kind].name.lower() if entry.kind in kinds else entry.kind
    how = {"pdf": "do druku", "docx": "do edycji (Word)", "odt": "do edycji (LibreOffice)", "md": "źródło w Markdown"}
    extra = ", WZÓR do dostosowania" if entry.kind == TEMPLATE_KIND else ""
    return f"{kind}{extra}" + (f", {how[ext]}" if ext in how else "")


def _assemble(index, kit: _Kit, outputs: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Every ZIP entry with its bytes, including CZYTAJ.txt, LICENCJA.txt and manifest.json."""
    info = kit.info
    kinds = index.vocab.attachment_kinds
    files = [(e, e.data if e.data is not None else outputs[e.job]) for e in kit.entries]
    listing = [(e.name, _describe(e, e.name.rsplit(".", 1)[-1], kinds)) for e, _ in sorted(files, key=lambda f: f[0].name)]
    listing += [("LICENCJA.txt", "licencja i wzór oznaczenia autorstwa"),
                ("manifest.json", "spis plików z rozmiarami i sumami SHA-256")]
    extra = [("CZYTAJ.txt", "Opis zestawu", "info", _crlf(readme_text(index, info, listing))),
             ("LICENCJA.txt", "Licencja", "info", _crlf(licence_text(index, info)))]
    all_files = [(e.name, e.title, e.kind, data) for e, data in files] + extra
    lesson = info.lesson
    manifest = {
        "kit": {"id": lesson.id, "title": lesson.title, "version": lesson.version,
                "modified": lesson.modified.date().isoformat(), "url": info.url,
                "licence": {"name": info.licence.name, "short": info.licence.short, "url": info.licence.url}},
        "files": [{"name": name, "title": title, "kind": kind, "template": kind == TEMPLATE_KIND,
                   "media_type": _mime(name), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, title, kind, data in sorted(all_files, key=lambda f: f[0])],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return [(name, data) for name, _, _, data in all_files] + [("manifest.json", manifest_bytes)]


# -- running the tools ------------------------------------------------------------------------------------
def _run(jobs: list[convert.Job], workers: int) -> list[tuple[bytes | None, str | None]]:
    """Run conversions on `workers` cores; results come back in the order of `jobs`.

    A single-threaded process forks worker processes (WeasyPrint is pure Python: threads would
    share one core). A process that already runs threads (`wiedza serve` with its HTTP thread)
    must not fork, and 'spawn'/'forkserver' would re-run an unguarded __main__ script; there
    pandoc jobs run in threads (pandoc is a separate process) and PDFs one at a time."""
    if workers <= 1 or len(jobs) <= 1:
        return [convert.run_job(job) for job in jobs]
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
            return list(pool.map(convert.run_job, jobs))
    pdf_lock = threading.Lock()

    def run(job: convert.Job):
        if job.fmt != "pdf":
            return convert.run_job(job)
        with pdf_lock:
            return convert.run_job(job)

    with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(pool.map(run, jobs))


def _claim_check(ctx: BuildContext, kit: _Kit, paths: list[str]) -> None:
    for path in paths:
        if path in ctx.stage.owners:
            raise BuildError(f"zestaw {kit.info.label}: plik {path} tworzą zestawy do pobrania, a zapisuje go już "
                             f"„{ctx.stage.owners[path]}” (zapewne załącznik o tej samej nazwie). "
                             f"Zmień nazwę tego załącznika.")


def write(ctx: BuildContext) -> KitStats:
    start = time.perf_counter()
    index = ctx.index
    stats = KitStats(kits=len(index.lessons))
    cache = Cache(Path(ctx.cache_dir) / "kits")
    kits = [_plan_kit(index, lesson) for lesson in index.lessons]

    jobs: dict[str, convert.Job] = {}
    owner: dict[str, _Kit] = {}
    for kit in kits:
        for key, job in kit.jobs.items():
            jobs.setdefault(key, job)
            owner.setdefault(key, kit)
    stats.documents = len(jobs)
    outputs: dict[str, bytes] = {}
    missing = []
    for key, job in jobs.items():
        data = cache.get(key)
        if data is None:
            missing.append(job)
        else:
            outputs[key] = data
            stats.cache_hits += 1
    missing.sort(key=lambda j: (j.fmt != "pdf", j.key))   # the slow PDFs first, for a balanced pool
    failures = []
    for job, (data, error) in zip(missing, _run(missing, max(1, ctx.jobs))):
        if error is not None:
            failures.append((job, error))
            continue
        outputs[job.key] = data
        cache.put(job.key, data)
        stats.rendered[job.fmt] += 1
    if failures:
        lines = [f"zestaw {owner[j.key].info.label} („{owner[j.key].info.lesson.title}”): nie udało się utworzyć "
                 f"pliku {owner[j.key].labels[j.key]}: {error}"
                 for j, error in sorted(failures, key=lambda f: (owner[f[0].key].info.label, owner[f[0].key].labels[f[0].key]))]
        raise BuildError("\n".join(lines))

    for kit in kits:
        _publish(ctx, kit, outputs, cache, stats)
    stats.seconds = time.perf_counter() - start
    return stats


def _publish(ctx: BuildContext, kit: _Kit, outputs: dict[str, bytes], cache: Cache, stats: KitStats) -> None:
    index, stage, info = ctx.index, ctx.stage, kit.info
    lesson = info.lesson
    zip_path = f"{posixpath_dir(info.doc_path)}{lesson.slug}-zestaw.zip"
    _claim_check(ctx, kit, [zip_path, *(p.path for p in kit.published)])

    entries = _assemble(index, kit, outputs)
    for name, _ in entries:
        if not windows_safe(name):  # pragma: no cover - safe_name guarantees it
            raise BuildError(f"zestaw {info.label}: nazwa pliku „{name}” nie jest bezpieczna w systemie Windows.")
    digest = hashlib.sha256()
    digest.update(f"{ZIP_FORMAT}\0{convert.tool_fingerprint()}\0{info.zip_time}".encode())
    for name, data in sorted(entries):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    zip_key = digest.hexdigest()
    archive = cache.get(zip_key)
    if archive is None:
        archive = zip_bytes(entries, info.zip_time)
        cache.put(zip_key, archive)
        stats.zips_built += 1
    else:
        stats.zip_cache_hits += 1
    stats.sizes[lesson.slug] = len(archive)

    stage.write_bytes(zip_path, archive, OWNER)
    kit_download = Download(zip_path, f"Cały zestaw „{lesson.title}” (ZIP)", "zip", len(archive), "kit", main=True)
    ctx.add_download(lesson.id, kit_download)
    by_path: dict[str, Download] = {}
    for item in kit.published:
        data = outputs[item.job]
        stage.write_bytes(item.path, data, OWNER)
        download = Download(item.path, item.title, item.ext, len(data), item.kind)
        ctx.add_download(lesson.id, download)
        by_path[item.path] = download

    encodings = [kit_download] + [by_path[p.path] for p in kit.published if p.kind == "plan"]
    parts = [(attachment, page, [by_path[p] for p in paths]) for attachment, page, paths in kit.parts]
    ctx.add_head(lesson.id, script_tag(lesson_jsonld(index, lesson, encodings, parts)))
