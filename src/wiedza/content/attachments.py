"""Attachments: files beside a document, checked to stay inside its folder."""
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from ..errors import Report
from . import fields as F
from .models import Attachment

ALLOWED_EXTENSIONS = {
    "pdf", "md", "docx", "odt", "xlsx", "ods", "csv", "txt", "png", "jpg", "jpeg", "svg", "pptx", "odp",
}


def attachment_schema(kinds) -> F.Schema:
    return (
        F.Field("file", F.text, True, help="nazwa pliku obok index.md"),
        F.Field("title", F.text, True, help="tytuł pliku"),
        F.Field("kind", F.one_of(kinds, "rodzaj załącznika"), True, help="rodzaj, np. worksheet"),
        F.Field("in_kit", F.boolean, default=True, help="czy w paczce ZIP"),
    )


def load_attachment(folder: Path, raw: dict, *, report: Report, path: Path, line_of, max_bytes: int,
                    prefix: str, kinds=None, real_folder: Path | None = None) -> Attachment | None:
    """Validate one attachment entry; None (after reporting) when it cannot be published.
    `real_folder` is folder.resolve(), when the caller already has it."""
    if kinds is not None:
        data = F.validate(raw, attachment_schema(kinds), report=report, path=path, line_of=line_of, prefix=prefix + ".")
        if data is None:
            return None
    else:
        data = {"in_kit": True, **raw}
    name = data["file"]
    field = f"{prefix}.file" if kinds is not None else prefix
    line = line_of(field)
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or name.startswith("~"):
        report.error(path, f"ścieżka „{name}” wychodzi poza folder dokumentu.", line=line, field=field,
                     hint="Umieść plik obok index.md i podaj samą nazwę pliku.")
        return None
    source = folder / pure
    plain = _plain_file(source) if len(pure.parts) == 1 else None
    if plain is not None:
        # A regular file right beside the document: nothing to resolve, it is inside the folder.
        resolved, size = (real_folder or folder.resolve()) / pure.name, plain.st_size
    else:
        if not source.exists() and not source.is_symlink():
            report.error(path, f"brak pliku „{name}”.", line=line, field=field,
                         hint=f"Dodaj plik do folderu {folder.name}/ albo popraw nazwę (wielkość liter ma znaczenie).")
            return None
        try:
            resolved = source.resolve(strict=True)
        except (OSError, RuntimeError):
            report.error(path, f"plik „{name}” jest niedostępnym dowiązaniem.", line=line, field=field,
                         hint="Zastąp dowiązanie zwykłym plikiem.")
            return None
        if not resolved.is_relative_to(real_folder or folder.resolve()):
            report.error(path, f"„{name}” to dowiązanie do pliku spoza folderu dokumentu.", line=line, field=field,
                         hint="Skopiuj plik do folderu zamiast dowiązania.")
            return None
        if not resolved.is_file():
            report.error(path, f"„{name}” nie jest plikiem.", line=line, field=field, hint="Podaj nazwę pliku, nie folderu.")
            return None
        size = None
    ext = resolved.suffix.lower().lstrip(".")
    if ext not in ALLOWED_EXTENSIONS:
        report.error(path, f"nieobsługiwany typ pliku „.{ext}”.", line=line, field=field,
                     hint=f"Dozwolone: {', '.join(sorted(ALLOWED_EXTENSIONS))}.")
        return None
    if size is None:
        size = resolved.stat().st_size
    if size > max_bytes:
        report.error(path, f"plik „{name}” ma {size / 1_048_576:.1f} MB, limit to {max_bytes // 1_048_576} MB.",
                     line=line, field=field, hint="Zmniejsz plik (np. kompresja PDF) albo zmień max_attachment_mb w site.yml.")
        return None
    if ext == "md" and (problem := _not_utf8(resolved)):
        report.error(path, f"plik „{name}” nie jest zapisany w UTF-8 ({problem}).", line=line, field=field,
                     hint="Zapisz plik ponownie w kodowaniu UTF-8 (w Notatniku: Zapisz jako → Kodowanie: UTF-8).")
        return None
    return Attachment(file=pure.as_posix(), source=resolved, title=data["title"], kind=data["kind"],
                      in_kit=data["in_kit"], size=size)


def _plain_file(source: Path) -> os.stat_result | None:
    """lstat of a regular file (not a link, not a folder), else None."""
    try:
        st = os.lstat(source)
    except (OSError, ValueError):
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _not_utf8(source: Path) -> str | None:
    """Markdown attachments are rendered (page, PDF, DOCX): they must decode. Where it fails, say
    which line of the attachment holds the first bad byte."""
    data = source.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return f"błędny bajt w wierszu {line} tego pliku"
    return None


def attachment_list(value) -> list:
    if not isinstance(value, list):
        raise F.Problem("oczekiwano listy załączników.", "Każdy załącznik to `- file: …` z polami title i kind.")
    return value
