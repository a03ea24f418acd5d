"""Read content/ once: discover files, validate them into models, check them across documents."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import ContentInvalid, Report
from ..slugs import safe_slug
from . import memo
from .accessibility import load_accessibility
from .documents import build_lesson, build_page, build_research, lesson_schema, research_schema, unlisted_files
from .frontmatter import UNFINISHED_MARKER, read_markdown
from .index import SiteIndex
from .paths import RealPaths
from .registries import load_authors, load_periodicals, load_settings, load_vocabularies
from .render import render_bodies

MAX_MARKDOWN_BYTES = 2 * 1_048_576
FRONT_MATTER_MEMO = "front-matter-v1.json"
RENDER_MEMO = "render-v2"


def _discover(folder: Path, report: Report, *, allow_single_file: bool) -> list[tuple[str, Path]]:
    """(slug, index file) pairs; every other entry is reported, never skipped silently."""
    found: list[tuple[str, Path]] = []
    if not folder.is_dir():
        return found
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for item in entries:
        if item.name.startswith("."):
            continue
        entry = folder / item.name
        if _is_dir(item):
            index = entry / "index.md"
            if index.is_file():
                found.append((safe_slug(entry.name), index))
            else:
                report.error(entry, "folder nie zawiera pliku index.md.",
                             hint="Dodaj index.md z metadanymi albo usuń folder.")
        elif entry.suffix.lower() == ".md" and allow_single_file:
            found.append((safe_slug(entry.stem), entry))
        else:
            expected = "pliki .md lub foldery z index.md" if allow_single_file else "foldery z index.md"
            report.error(entry, f"nieoczekiwany plik; w {folder.name}/ są tylko {expected}.",
                         hint="Przenieś plik do folderu dokumentu jako załącznik albo usuń go.")
    return found


def _is_dir(entry: os.DirEntry) -> bool:
    """Path.is_dir() of a listed entry (following links), mostly without a system call."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _check_slugs(found: list[tuple[str, Path]], report: Report) -> list[tuple[str, Path]]:
    by_slug: dict[str, Path] = {}
    out = []
    for slug, path in found:
        if slug in by_slug:
            report.error(path, f"ten plik i {by_slug[slug].as_posix()} dałyby ten sam adres „{slug}”.",
                         hint="Zmień nazwę jednego z nich.")
            continue
        by_slug[slug] = path
        out.append((slug, path))
    return out


def load_site(content: Path, *, strict: bool = False, cache_dir: Path | None = None) -> SiteIndex:
    """Load and check the whole content tree; raise ContentInvalid with every error at once."""
    content = content.resolve()
    report = Report(root=content)
    if not content.is_dir():
        report.error(content, "folder z treścią nie istnieje.", hint="Podaj --content z plikami serwisu.")
        raise ContentInvalid(report)
    vocab = load_vocabularies(content / "vocabularies.yml", report)
    settings = load_settings(content / "site.yml", report, vocab)
    authors = load_authors(content / "authors.yml", report)
    max_bytes = (settings.max_attachment_mb if settings else 50) * 1_048_576
    periodicals = load_periodicals(content / "periodicals", report, authors, max_bytes)
    if settings is None:
        raise ContentInvalid(report)

    research, lessons, pages = [], [], []
    parsed = memo.JsonMemo(cache_dir / FRONT_MATTER_MEMO if cache_dir else None)
    real = RealPaths()
    schemas = research_schema(vocab, authors, periodicals), lesson_schema(vocab, authors)
    unfinished: dict[Path, int | None] = {}   # source -> first line with the marker
    digests: dict[Path, str] = {}             # source -> SHA-256 of its bytes

    def read(path: Path):
        raw = read_markdown(path, report, MAX_MARKDOWN_BYTES, parsed)
        if raw:
            unfinished[path] = raw.unfinished_line
            digests[path] = raw.digest
        return raw

    for slug, path in _check_slugs(_discover(content / "articles", report, allow_single_file=True), report):
        raw = read(path)
        if raw and (item := build_research(raw, slug, vocab, authors, periodicals, settings, report,
                                           schema=schemas[0], real_folder=(folder := real(path.parent)))):
            research.append(item)
            if path.name == "index.md":
                _report_unlisted(path.parent, item.attachments, report, folder)
    for slug, path in _check_slugs(_discover(content / "lessons", report, allow_single_file=False), report):
        raw = read(path)
        if raw and (lesson := build_lesson(raw, slug, vocab, authors, settings, report,
                                           schema=schemas[1], real_folder=(folder := real(path.parent)))):
            lessons.append(lesson)
            _report_unlisted(path.parent, lesson.attachments, report, folder)
    for slug, path in _check_slugs(_discover(content / "pages", report, allow_single_file=True), report):
        raw = read(path)
        if raw and (page := build_page(raw, slug, report)):
            pages.append(page)
    parsed.save()

    _check_unique_ids(research + lessons + pages, report)
    _warn_unfinished(research + lessons + pages, unfinished, report)
    accessibility = load_accessibility(content, report, settings, pages)
    index = SiteIndex.create(settings=settings, vocab=vocab, authors=authors, periodicals=periodicals,
                             research=research, lessons=lessons, pages=pages, content_root=content,
                             accessibility=accessibility)
    if report.failed(strict):
        raise ContentInvalid(report)
    bodies = render_bodies(index, report, cache_dir / RENDER_MEMO if cache_dir else None, real, digests)
    if report.failed(strict):
        raise ContentInvalid(report)
    return index.with_bodies(bodies, tuple(report.warnings))


def _report_unlisted(folder: Path, attachments, report: Report, real_folder: Path) -> None:
    for path in unlisted_files(folder, attachments, real_folder=real_folder):
        report.warning(path, "plik nie jest wymieniony w `attachments` i nie zostanie opublikowany.",
                       hint="Dopisz go do attachments w index.md albo usuń.")


def _check_unique_ids(documents, report: Report) -> None:
    seen: dict[str, Path] = {}
    for doc in documents:
        if doc.id in seen:
            other = seen[doc.id].relative_to(report.root).as_posix()
            report.error(doc.source, f"identyfikator „{doc.id}” ma już {other}.", line=_id_line(doc.source),
                         field="id", hint="Nadaj temu dokumentowi nowy, niepowtarzalny id.")
        else:
            seen[doc.id] = doc.source


def _id_line(path: Path) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.startswith("id:"):
            return number
    return None


def _warn_unfinished(documents, unfinished: dict[Path, int | None], report: Report) -> None:
    """Skeletons from `wiedza new` carry UZUPEŁNIJ markers; publishing them is almost always a slip.
    The marker's line was found when the file was read (`unfinished`)."""
    for doc in documents:
        if (number := unfinished.get(doc.source)) is not None:
            report.warning(doc.source, f"dokument zawiera niewypełnione miejsce „{UNFINISHED_MARKER}”.", line=number,
                           hint="Uzupełnij tekst przed publikacją (wiedza check --strict traktuje to jako błąd).")
