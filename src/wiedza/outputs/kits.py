"""Lesson kits: everything a teacher needs in one ZIP ("Pobierz cały zestaw"), and each file alone.

Per lesson:
- `scenariusze/<slug>/<slug>-zestaw.zip`: the plan as a tagged PDF/UA-1 (A4, Polish hyphenation)
  and as DOCX and ODT; every attachment with in_kit true; Markdown attachments also as PDF and
  DOCX (templates also as ODT); CZYTAJ.txt, LICENCJA.txt and manifest.json (name, size, SHA-256
  of every other file);
- the plan and the converted Markdown attachments beside the kit page, each a Download;
- a schema.org LearningResource in the page head (lesson_jsonld.py).

Bytes are deterministic: sorted ZIP entries with fixed times (the lesson's modified date), fixed
permissions, no extra fields, dates inside PDF/DOCX/ODT from the content (kit_documents.py,
kit_zip.py). PDF, DOCX, ODT and ZIP bytes are cached in <cache>/kits/ under a SHA-256 of their
inputs and the tools' versions (kit_cache.py). On top of that each kit is remembered under a
fingerprint of all its inputs (`kit_fingerprint`): an unchanged kit is published from that record,
without rendering a worksheet, hashing a document or reading a cached file.
Conversions run on ctx.jobs cores (worker processes, or threads in a process that already has
threads); results are placed by key, never by finishing order.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import platform
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import urls
from ..content import memo
from ..content.models import Attachment, Lesson
from ..errors import BuildError
from . import convert
from .attachments import published_path
from .context import BuildContext, Download
from .kit_cache import KitStore
from .kit_documents import TEMPLATE_KIND, LessonInfo, kit_label, lesson_info, office_meta, plan_html, sheet_html
from .kit_zip import Entry, Names, assemble, safe_name, windows_safe, zip_bytes
from .lesson_jsonld import lesson_jsonld, script_tag

__all__ = ["KitStats", "kit_fingerprint", "safe_name", "windows_safe", "write"]

OWNER = "zestawy"
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
# Every module whose code decides a kit's bytes: a change to any of them rebuilds the kits.
KIT_CODE = ("wiedza.outputs.kits", "wiedza.outputs.kit_documents", "wiedza.outputs.kit_zip",
            "wiedza.outputs.kit_cache", "wiedza.outputs.convert", "wiedza.outputs.html",
            "wiedza.outputs.attachments", "wiedza.outputs.context", "wiedza.outputs.lesson_jsonld",
            "wiedza.content.render", "wiedza.urls")


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


# -- planning --------------------------------------------------------------------------------------------
@dataclass
class _Published:
    path: str
    title: str
    ext: str
    kind: str
    job: str
    part: int | None    # index of the attachment in lesson.attachments; None for the plan


@dataclass
class _Kit:
    info: LessonInfo
    fingerprint: str
    entries: list[Entry]
    published: list[_Published]
    jobs: dict[str, convert.Job]
    labels: dict[str, str]                           # job key -> what the file is, for messages


def _formats(attachment: Attachment) -> tuple[str, ...]:
    if attachment.extension != "md":
        return ()
    return ("pdf", "docx", "odt") if attachment.kind == TEMPLATE_KIND else ("pdf", "docx")


def _plan_kit(index, lesson: Lesson, tools: str, fingerprint: str) -> _Kit:
    info = lesson_info(index, lesson)
    vocab = index.vocab
    kit = _Kit(info=info, fingerprint=fingerprint, entries=[], published=[], jobs={}, labels={})
    names = Names()
    folder = str(info.folder)
    in_kit = [a for a in lesson.attachments if a.in_kit]
    topics = [vocab.topics[t].name for t in lesson.topics]

    def add_job(fmt: str, html: str, metadata: str, label: str) -> str:
        job = convert.Job(fmt=fmt, html=html, resource_dir=folder, epoch=info.epoch, metadata=metadata, label=label,
                          tools=tools)
        kit.jobs[job.key] = job
        kit.labels[job.key] = label
        return job.key

    # The plan.
    print_html = plan_html(index, info, in_kit, for_print=True)
    office_html = plan_html(index, info, in_kit, for_print=False)
    meta = office_meta(authors=info.authors, subject="Scenariusz zajęć", description=lesson.summary,
                       keywords=["scenariusz zajęć", *topics], category="Scenariusz zajęć")
    plan_stem = safe_name(f"{PLAN} – {lesson.title}", limit=90)
    base = posixpath_dir(info.doc_path)
    for fmt in ("pdf", "docx", "odt"):
        key = add_job(fmt, print_html if fmt == "pdf" else office_html, meta if fmt != "pdf" else "{}",
                      f"plan zajęć ({FORMAT_LABELS[fmt]})")
        kit.entries.append(Entry(names.add("", plan_stem, fmt), f"{PLAN} ({FORMAT_LABELS[fmt]})", "plan", job=key))
        kit.published.append(_Published(f"{base}{lesson.slug}-plan-zajec.{fmt}", f"{PLAN} ({FORMAT_LABELS[fmt]})",
                                        fmt, "plan", key, None))

    # Attachments.
    for position, attachment in enumerate(lesson.attachments):
        kind = vocab.attachment_kinds[attachment.kind].name
        folder_name = KIND_FOLDERS.get(attachment.kind, FALLBACK_FOLDER)
        stem = safe_name(attachment.title)
        formats = _formats(attachment)
        if formats:
            p_html = sheet_html(index, info, attachment, for_print=True)
            o_html = sheet_html(index, info, attachment, for_print=False)
            o_meta = office_meta(authors=[], subject=f"{kind} – {lesson.title}",
                                 description=f"{kind} z zestawu „{lesson.title}”, {info.url}",
                                 keywords=[kind.lower(), *topics], category=kind)
            for fmt in formats:
                key = add_job(fmt, p_html if fmt == "pdf" else o_html, o_meta if fmt != "pdf" else "{}",
                              f"{attachment.file} ({FORMAT_LABELS[fmt]})")
                path = urls.attachment(info.doc_path, attachment.file[: -len(".md")] + f".{fmt}")
                kit.published.append(_Published(path, f"{_download_title(kind, attachment.title)} ({FORMAT_LABELS[fmt]})",
                                                fmt, attachment.kind, key, position))
                if attachment.in_kit:
                    kit.entries.append(Entry(names.add(folder_name, stem, fmt), attachment.title, attachment.kind, job=key))
        if attachment.in_kit:
            target = SOURCES_FOLDER if formats else folder_name
            kit.entries.append(Entry(names.add(target, stem, attachment.extension), attachment.title,
                                     attachment.kind, data=attachment.source.read_bytes()))
    return kit


def _download_title(kind: str, title: str) -> str:
    """'Karta pracy: Nasza spółdzielnia', but 'Wzór statutu' stays as it is (no 'Wzór dokumentu: Wzór…')."""
    first = kind.split()[0].casefold() if kind.split() else ""
    return title if title.casefold().startswith(first) else f"{kind}: {title}"


def posixpath_dir(path: str) -> str:
    head = path.rsplit("/", 1)[0]
    return f"{head}/" if "/" in path else ""



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


# -- what a kit is made from -------------------------------------------------------------------------------
def kit_fingerprint(index, lesson: Lesson, tools: str) -> str:
    """Digest of everything a kit's files and its page's JSON-LD are made from: the lesson, its
    rendered body, every file in its folder (worksheets, attachments, images) by identity, the
    settings, vocabulary terms and authors it shows, the tools and our own code."""
    vocab = index.vocab
    terms = (vocab.licences[lesson.licence], [vocab.audiences[a] for a in lesson.audience],
             vocab.actions[lesson.action], [vocab.topics[t] for t in lesson.topics],
             [vocab.attachment_kinds[a.kind] for a in lesson.attachments])
    return memo.digest(ZIP_FORMAT, memo.code_digest(*KIT_CODE), tools, platform.python_version(),
                       index.digest_of(lesson), index.bodies[lesson.id], index.path_of(lesson), repr(index.settings),
                       str(index.content_root), repr(terms), repr([index.authors[k] for k in lesson.authors]),
                       repr(_folder_files(lesson.source.parent)))


def _folder_files(folder: Path) -> list:
    """(relative path, size, mtime_ns, inode) of every file under the lesson folder."""
    out = []
    for parent, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(parent, name)
            out.append([os.path.relpath(path, folder), memo.file_identity(Path(path))])
    return out


# -- the writer -------------------------------------------------------------------------------------------
def write(ctx: BuildContext) -> KitStats:
    start = time.perf_counter()
    index = ctx.index
    stats = KitStats(kits=len(index.lessons))
    store = KitStore(Path(ctx.cache_dir) / "kits")
    tools = convert.cached_tool_fingerprint(store.root)
    records: dict[str, dict] = {}
    todo: list[tuple[Lesson, str]] = []
    for lesson in index.lessons:
        fingerprint = kit_fingerprint(index, lesson, tools)
        record = store.kit(fingerprint)
        if record is None:
            todo.append((lesson, fingerprint))
        else:
            records[lesson.id] = record
            stats.zip_cache_hits += 1
    unstored: dict[str, bytes] = {}   # blobs the cache could not keep (read-only cache)
    if todo:
        records.update(_make_kits(ctx, todo, store, tools, stats, unstored))
    documents = {f["blob"] for record in records.values() for f in record["files"]}
    stats.documents = len(documents)
    stats.cache_hits = len(documents) - sum(stats.rendered.values())
    for lesson in index.lessons:
        _publish(ctx, lesson, records[lesson.id], store, unstored)
        stats.sizes[lesson.slug] = records[lesson.id]["zip"]["size"]
    store.save()
    stats.seconds = time.perf_counter() - start
    return stats


def _make_kits(ctx: BuildContext, todo: list[tuple[Lesson, str]], store: KitStore, tools: str, stats: KitStats,
               unstored: dict[str, bytes]) -> dict[str, dict]:
    """Plan, convert (what the cache lacks) and pack the kits in `todo`; returns their records."""
    index = ctx.index
    kits = [_plan_kit(index, lesson, tools, fingerprint) for lesson, fingerprint in todo]
    jobs: dict[str, convert.Job] = {}
    owner: dict[str, _Kit] = {}
    for kit in kits:
        for key, job in kit.jobs.items():
            jobs.setdefault(key, job)
            owner.setdefault(key, kit)
    outputs: dict[str, bytes] = {}
    missing = []
    for key, job in jobs.items():
        data = store.get(key)
        if data is None:
            missing.append(job)
        else:
            outputs[key] = data
    missing.sort(key=lambda j: (j.fmt != "pdf", j.key))   # the slow PDFs first, for a balanced pool
    failures = []
    for job, (data, error) in zip(missing, _run(missing, max(1, ctx.jobs))):
        if error is not None:
            failures.append((job, error))
            continue
        outputs[job.key] = data
        if not store.put(job.key, data):
            unstored[job.key] = data
        stats.rendered[job.fmt] += 1
    if failures:
        lines = [f"zestaw {owner[j.key].info.label} („{owner[j.key].info.lesson.title}”): nie udało się utworzyć "
                 f"pliku {owner[j.key].labels[j.key]}: {error}"
                 for j, error in sorted(failures, key=lambda f: (owner[f[0].key].info.label, owner[f[0].key].labels[f[0].key]))]
        raise BuildError("\n".join(lines))
    return {kit.info.lesson.id: _pack(ctx, kit, outputs, store, tools, stats, unstored) for kit in kits}


def _pack(ctx: BuildContext, kit: _Kit, outputs: dict[str, bytes], store: KitStore, tools: str, stats: KitStats,
          unstored: dict[str, bytes]) -> dict:
    """Build (or find) the kit's ZIP; returns the record of everything the kit publishes."""
    info = kit.info
    entries = assemble(ctx.index, info, kit.entries, outputs)
    for name, _ in entries:
        if not windows_safe(name):  # pragma: no cover - safe_name guarantees it
            raise BuildError(f"zestaw {info.label}: nazwa pliku „{name}” nie jest bezpieczna w systemie Windows.")
    zip_key = memo.digest(ZIP_FORMAT, tools, str(info.zip_time),
                          *(f"{name}\0{hashlib.sha256(data).hexdigest()}" for name, data in sorted(entries)))
    if store.check(zip_key):
        size = store.size(zip_key)
        stats.zip_cache_hits += 1
    else:
        archive = zip_bytes(entries, info.zip_time)
        if not store.put(zip_key, archive):
            unstored[zip_key] = archive
        size = len(archive)
        stats.zips_built += 1
    record = {"zip": {"path": f"{posixpath_dir(info.doc_path)}{info.lesson.slug}-zestaw.zip", "blob": zip_key,
                      "size": size},
              "files": [{"path": p.path, "blob": p.job, "size": len(outputs[p.job]), "title": p.title, "ext": p.ext,
                         "kind": p.kind, "part": p.part} for p in kit.published]}
    record["head"] = _head(ctx.index, info.lesson, record)
    if not unstored:
        store.remember(kit.fingerprint, record)
    return record


def _publish(ctx: BuildContext, lesson: Lesson, record: dict, store: KitStore, unstored: dict[str, bytes]) -> None:
    """Stage the kit's files from the cache and tell the pages about them (downloads, JSON-LD)."""
    stage = ctx.stage
    kit_file, files = record["zip"], record["files"]
    _claim_check(ctx, kit_label(ctx.index, lesson), [kit_file["path"], *(f["path"] for f in files)])
    for file in (kit_file, *files):
        if file["blob"] in unstored:
            stage.write_bytes(file["path"], unstored[file["blob"]], OWNER)
        else:
            stage.copy_file(file["path"], store.path(file["blob"]), OWNER)
    for download in _downloads(lesson, record)[0]:
        ctx.add_download(lesson.id, download)
    ctx.add_head(lesson.id, record["head"])


def _downloads(lesson: Lesson, record: dict) -> tuple[list[Download], list[Download], dict[int, list[Download]]]:
    """(every download, the ZIP and plan files, the files of each attachment by position)."""
    kit_file = record["zip"]
    kit_download = Download(kit_file["path"], f"Cały zestaw „{lesson.title}” (ZIP)", "zip", kit_file["size"], "kit",
                            main=True)
    every, encodings, by_part = [kit_download], [kit_download], {}
    for file in record["files"]:
        download = Download(file["path"], file["title"], file["ext"], file["size"], file["kind"])
        every.append(download)
        (encodings if file["part"] is None else by_part.setdefault(file["part"], [])).append(download)
    return every, encodings, by_part


def _head(index, lesson: Lesson, record: dict) -> str:
    """The kit page's JSON-LD; kept in the record (the fingerprint covers all it reads)."""
    _, encodings, by_part = _downloads(lesson, record)
    doc_path = index.path_of(lesson)
    parts = [(attachment, published_path(doc_path, attachment), by_part.get(i, []))
             for i, attachment in enumerate(lesson.attachments)]
    return script_tag(lesson_jsonld(index, lesson, encodings, parts))


def _claim_check(ctx: BuildContext, label: str, paths: list[str]) -> None:
    for path in paths:
        if path in ctx.stage.owners:
            raise BuildError(f"zestaw {label}: plik {path} tworzą zestawy do pobrania, a zapisuje go już "
                             f"„{ctx.stage.owners[path]}” (zapewne załącznik o tej samej nazwie). "
                             f"Zmień nazwę tego załącznika.")
