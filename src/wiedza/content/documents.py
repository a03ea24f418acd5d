"""Research items, lesson kits and pages: schemas and conversion from raw front matter."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import Report
from . import fields as F
from . import identifiers as ID
from .attachments import attachment_list, load_attachment
from .frontmatter import RawDocument
from .models import Curriculum, Lesson, Page, ResearchItem, Settings, Vocabularies

AGES_RE = re.compile(r"^(\d{1,2})\s*[-–]\s*(\d{1,2})$")


def _ages(value) -> tuple[int, int]:
    match = AGES_RE.match(F.text(str(value) if isinstance(value, int) else value))
    if not match or int(match.group(1)) > int(match.group(2)):
        raise F.Problem(f"„{value}” nie jest przedziałem wieku.", "Wpisz w cudzysłowie, np. \"12-15\".")
    return int(match.group(1)), int(match.group(2))


def _version(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise F.Problem(f"wersja zapisana jako liczba ({value!r}) traci zera, np. 1.10 staje się 1.1.",
                        f"Ujmij ją w cudzysłów: version: \"{value}\".")
    value = F.text(value)
    if not re.fullmatch(r"\d+(\.\d+){0,2}", value):
        raise F.Problem(f"„{value}” nie jest numerem wersji.", "Wpisz np. \"1.0\" albo \"2.1.3\".")
    return value


def _language(value) -> str:
    if value is False:  # YAML 1.1 reads an unquoted `no` (Norwegian) as false
        raise F.Problem("wartość `no` została odczytana jako „nie”.", "Ujmij kod języka w cudzysłów.")
    value = F.text(value)
    if value not in ("pl", "en"):
        raise F.Problem(f"nieobsługiwany język „{value}”.", "Dozwolone: pl, en.")
    return value


def _curriculum(value) -> Curriculum:
    if not isinstance(value, dict):
        raise F.Problem("wymaganie podstawy programowej musi mieć pola subject, stage, code, text.",
                        "Zapisz jako `- subject: …` z polami stage, code i text.")
    missing = [k for k in ("subject", "stage", "code", "text") if k not in value]
    unknown = [k for k in value if k not in ("subject", "stage", "code", "text")]
    if missing or unknown:
        raise F.Problem(f"brakuje pól {', '.join(missing)}" if missing else f"nieznane pole {unknown[0]}",
                        "Wymagane pola: subject, stage, code, text.")
    return Curriculum(**{k: F.text(str(value[k])) for k in ("subject", "stage", "code", "text")})


def research_schema(vocab: Vocabularies, authors: dict, periodicals: dict) -> F.Schema:
    authors_field = F.list_of(F.one_of(lambda: authors, "autor (klucz z authors.yml)"), min_items=1)
    return (
        F.Field("id", F.slug, True, help="stały identyfikator, np. pub-2025-001"),
        F.Field("title", F.text, True, help="tytuł"),
        F.Field("subtitle", F.text, help="podtytuł"),
        F.Field("type", F.one_of(lambda: vocab.types, "typ publikacji"), True, help="typ"),
        F.Field("date", F.when, True, help="data publikacji RRRR-MM-DD"),
        F.Field("updated", F.when, help="data aktualizacji"),
        F.Field("authors", authors_field, True, help="lista kluczy autorów"),
        F.Field("abstract", F.text, True, help="streszczenie"),
        F.Field("keywords", F.list_of(F.text), default=(), help="słowa kluczowe"),
        F.Field("topics", F.list_of(F.one_of(lambda: vocab.topics, "temat"), min_items=1), True, help="tematy"),
        F.Field("actions", F.list_of(F.one_of(lambda: vocab.actions, "działanie programu"), min_items=1), True, help="działania, np. [III.2]"),
        F.Field("language", _language, default="pl", help="pl lub en"),
        F.Field("licence", F.one_of(lambda: vocab.licences, "licencja"), help="licencja"),
        F.Field("doi", ID.doi, help="DOI"),
        F.Field("isbn", ID.isbn, help="ISBN"),
        F.Field("issn", ID.issn, help="ISSN"),
        F.Field("publisher", F.text, help="wydawca"),
        F.Field("place", F.text, help="miejsce wydania"),
        F.Field("pages", ID.page_range, help="zakres stron, np. \"45-62\""),
        F.Field("page_count", F.integer, help="liczba stron"),
        F.Field("periodical", F.one_of(lambda: periodicals, "czasopismo"), help="klucz czasopisma"),
        F.Field("volume", F.integer, help="rocznik"),
        F.Field("issue", F.integer, help="numer"),
        F.Field("period", F.text, help="badany okres"),
        F.Field("region", F.text, help="badany region"),
        F.Field("attachments", attachment_list, default=[], help="załączniki"),
    )


# Fields a type cannot do without, beyond the always-required ones.
TYPE_REQUIRES = {
    "monograph": ("isbn", "publisher", "place"),
    "report": ("publisher", "place"),
    "periodical-article": ("periodical", "volume", "issue", "pages"),
}


def lesson_schema(vocab: Vocabularies, authors: dict) -> F.Schema:
    lesson_actions = lambda: {k: v for k, v in vocab.actions.items() if k in ("III.1", "III.3")}  # noqa: E731
    return (
        F.Field("id", F.slug, True, help="stały identyfikator, np. zestaw-2025-001"),
        F.Field("title", F.text, True, help="tytuł"),
        F.Field("summary", F.text, True, help="krótki opis"),
        F.Field("action", F.one_of(lesson_actions, "działanie programu dla scenariuszy"), True, help="III.1 lub III.3"),
        F.Field("audience", F.list_of(F.one_of(lambda: vocab.audiences, "odbiorcy"), min_items=1), True, help="odbiorcy"),
        F.Field("ages", _ages, help="wiek, np. \"12-15\""),
        F.Field("duration_minutes", F.integer, True, help="czas jednego spotkania w minutach"),
        F.Field("meetings", F.integer, default=1, help="liczba spotkań"),
        F.Field("topics", F.list_of(F.one_of(lambda: vocab.topics, "temat"), min_items=1), True, help="tematy"),
        F.Field("objectives", F.list_of(F.text, min_items=1), True, help="cele zajęć"),
        F.Field("curriculum", F.list_of(_curriculum), default=(), help="podstawa programowa"),
        F.Field("materials", F.list_of(F.text, min_items=1), True, help="potrzebne materiały"),
        F.Field("methods", F.list_of(F.text, min_items=1), True, help="metody"),
        F.Field("licence", F.one_of(lambda: vocab.licences, "licencja"), help="licencja"),
        F.Field("authors", F.list_of(F.one_of(lambda: authors, "autor (klucz z authors.yml)"), min_items=1), True, help="autorzy"),
        F.Field("date", F.when, True, help="data publikacji"),
        F.Field("updated", F.when, help="data aktualizacji"),
        F.Field("version", _version, True, help="wersja w cudzysłowie, np. \"1.0\""),
        F.Field("featured", F.boolean, default=False, help="wyróżniony na stronie głównej"),
        F.Field("attachments", attachment_list, True, help="załączniki (co najmniej 2)"),
    )


PAGE_SCHEMA: F.Schema = (
    F.Field("title", F.text, True, help="tytuł strony"),
    F.Field("description", F.text, default="", help="opis strony"),
)


def _attachments(raw: RawDocument, entries, vocab, report: Report, settings: Settings, real_folder: Path | None):
    out = []
    for i, entry in enumerate(entries or []):
        if not isinstance(entry, dict):
            report.error(raw.path, "załącznik musi mieć pola file, title i kind.", line=raw.line(f"attachments[{i}]"),
                         field=f"attachments[{i}]")
            continue
        item = load_attachment(raw.path.parent, entry, report=report, path=raw.path, line_of=raw.line,
                               max_bytes=settings.max_attachment_mb * 1_048_576, prefix=f"attachments[{i}]",
                               kinds=lambda: vocab.attachment_kinds, real_folder=real_folder)
        if item is not None:
            if any(a.file == item.file for a in out):
                report.error(raw.path, f"załącznik „{item.file}” powtarza się.", line=raw.line(f"attachments[{i}]"),
                             field=f"attachments[{i}].file", hint="Wymień każdy plik raz.")
                continue
            out.append(item)
    return tuple(out)


def _check_dates(raw: RawDocument, data: dict, report: Report) -> bool:
    if data.get("updated") and data["updated"] < data["date"]:
        report.error(raw.path, "data aktualizacji jest wcześniejsza niż data publikacji.", line=raw.line("updated"),
                     field="updated", hint="Popraw `updated` albo `date`.")
        return False
    return True


def build_research(raw: RawDocument, slug: str, vocab, authors, periodicals, settings, report, *,
                   schema: F.Schema | None = None, real_folder: Path | None = None) -> ResearchItem | None:
    """`schema` (research_schema of the same registries) and `real_folder` (the resolved folder of
    the file) save work when the caller already has them."""
    schema = schema or research_schema(vocab, authors, periodicals)
    item_type = raw.meta.get("type")
    required = {name: True for name in TYPE_REQUIRES.get(item_type, ())} if isinstance(item_type, str) else {}
    data = F.validate(raw.meta, schema, report=report, path=raw.path, line_of=raw.line, required_when=required)
    attachments = _attachments(raw, raw.meta.get("attachments") if isinstance(raw.meta.get("attachments"), list) else [],
                               vocab, report, settings, real_folder)
    if data is None or not _check_dates(raw, data, report):
        return None
    if data["periodical"] and data["type"] != "periodical-article":
        report.error(raw.path, "tylko artykuł w czasopiśmie może wskazywać czasopismo.", line=raw.line("periodical"),
                     field="periodical", hint="Zmień type na periodical-article albo usuń periodical.")
        return None
    if data["periodical"] and periodicals[data["periodical"]] is not None:
        periodical = periodicals[data["periodical"]]
        if periodical.find_issue(data["volume"], data["issue"]) is None:
            known = ", ".join(f"{i.volume}/{i.issue}" for i in periodical.issues) or "brak"
            report.error(raw.path, f"czasopismo „{periodical.title}” nie ma numeru {data['volume']}/{data['issue']}.",
                         line=raw.line("issue"), field="issue",
                         hint=f"Znane numery (rocznik/numer): {known}. Dodaj numer w periodical.yml.")
            return None
    data["licence"] = data["licence"] or settings.default_licence
    data["attachments"] = attachments
    return ResearchItem(slug=slug, source=raw.path, body=raw.body, body_line=raw.body_line, **data)


def build_lesson(raw: RawDocument, slug: str, vocab, authors, settings, report, *,
                 schema: F.Schema | None = None, real_folder: Path | None = None) -> Lesson | None:
    schema = schema or lesson_schema(vocab, authors)
    data = F.validate(raw.meta, schema, report=report, path=raw.path, line_of=raw.line)
    attachments = _attachments(raw, raw.meta.get("attachments") if isinstance(raw.meta.get("attachments"), list) else [],
                               vocab, report, settings, real_folder)
    if data is None or not _check_dates(raw, data, report):
        return None
    if len(attachments) < 2:
        report.error(raw.path, "zestaw musi mieć co najmniej dwa załączniki.", line=raw.line("attachments"),
                     field="attachments", hint="Dodaj np. kartę pracy i notatki dla prowadzącego.")
        return None
    data["licence"] = data["licence"] or settings.lesson_default_licence
    data["attachments"] = attachments
    return Lesson(slug=slug, source=raw.path, body=raw.body, body_line=raw.body_line, **data)


def build_page(raw: RawDocument, slug: str, report) -> Page | None:
    data = F.validate(raw.meta, PAGE_SCHEMA, report=report, path=raw.path, line_of=raw.line)
    if data is None:
        return None
    return Page(id=f"strona-{slug}", slug=slug, source=raw.path, body=raw.body, body_line=raw.body_line, **data)


def unlisted_files(folder: Path, attachments, ignore=("index.md",), real_folder: Path | None = None) -> list[Path]:
    """Files beside index.md that no attachment names: reported, never silently dropped.
    Like rglob("*"): every file below the folder, not descending into linked folders."""
    listed = {str(a.source) for a in attachments}
    base, real = str(folder), str(real_folder or folder.resolve())
    out = []
    for parts, link in sorted(_files_below(base, ())):
        if parts[-1] in ignore or parts[-1].startswith("."):
            continue
        path = os.path.join(base, *parts)
        if (os.path.realpath(path) if link else os.path.join(real, *parts)) not in listed:
            out.append(Path(path))
    return out


def _files_below(folder: str, parts: tuple[str, ...]):
    """(path parts below the top folder, is it a link) of every file, as rglob finds them."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        try:
            link = entry.is_symlink()
            if entry.is_dir():
                if not link:
                    yield from _files_below(entry.path, (*parts, entry.name))
            elif entry.is_file():
                yield (*parts, entry.name), link
        except OSError:
            continue
