"""What goes into a kit's ZIP: file names every system accepts, CZYTAJ.txt, LICENCJA.txt,
manifest.json, and the deterministic archive itself (sorted entries, one fixed time, fixed
permissions, no extra fields)."""
from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from .context import MIME_TYPES
from .html import date_pl
from .kit_documents import TEMPLATE_KIND, LessonInfo, attribution, citation

# Already compressed formats are stored, everything else deflated (level 9).
STORED_EXTENSIONS = {"pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "png", "jpg", "jpeg", "zip"}
EXTRA_MIME = {"json": "application/json", "txt": "text/plain; charset=utf-8"}


@dataclass
class Entry:
    """One file inside the ZIP: bytes now, or the key of a conversion job."""

    name: str
    title: str
    kind: str
    data: bytes | None = None
    job: str | None = None


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


class Names:
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


def licence_text(index, info: LessonInfo) -> str:
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


def readme_text(index, info: LessonInfo, files: list[tuple[str, str]]) -> str:
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


def _describe(entry: Entry, ext: str, kinds) -> str:
    if entry.kind == "plan":
        return {"pdf": "plan zajęć do druku (PDF, dostępny)", "docx": "plan zajęć do edycji (Word)",
                "odt": "plan zajęć do edycji (LibreOffice)"}[ext]
    kind = kinds[entry.kind].name.lower() if entry.kind in kinds else entry.kind
    how = {"pdf": "do druku", "docx": "do edycji (Word)", "odt": "do edycji (LibreOffice)", "md": "źródło w Markdown"}
    extra = ", WZÓR do dostosowania" if entry.kind == TEMPLATE_KIND else ""
    return f"{kind}{extra}" + (f", {how[ext]}" if ext in how else "")


def assemble(index, info: LessonInfo, entries: list[Entry], outputs: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Every ZIP entry with its bytes, including CZYTAJ.txt, LICENCJA.txt and manifest.json."""
    kinds = index.vocab.attachment_kinds
    files = [(e, e.data if e.data is not None else outputs[e.job]) for e in entries]
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
