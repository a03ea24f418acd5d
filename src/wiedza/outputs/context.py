"""What writers share during one build: the frozen index, the stage, and what earlier writers made."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content.index import SiteIndex
from ..stage import Stage


FORMAT_NAMES = {
    "pdf": "PDF", "docx": "DOCX", "odt": "ODT", "xlsx": "XLSX", "ods": "ODS", "csv": "CSV", "txt": "TXT",
    "png": "PNG", "jpg": "JPG", "jpeg": "JPG", "svg": "SVG", "pptx": "PPTX", "odp": "ODP", "zip": "ZIP",
    "html": "strona HTML", "md": "Markdown", "bib": "BibTeX", "ris": "RIS", "json": "JSON",
}
MIME_TYPES = {
    "pdf": "application/pdf", "zip": "application/zip", "csv": "text/csv", "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml",
    "html": "text/html", "md": "text/markdown",
}


def human_size(size: int) -> str:
    """Polish size label: '240 KB', '1,4 MB' (decimal comma)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1_048_576:.1f} MB".replace(".", ",")


@dataclass(frozen=True)
class Download:
    """A file readers can download, with what the link label must show (format and size)."""

    path: str          # output path in the site
    title: str
    extension: str
    size: int
    kind: str = "other"     # attachment kind, or "kit" for the whole ZIP
    main: bool = False      # the main download (RSS enclosure)

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES.get(self.extension, self.extension.upper())

    @property
    def mime_type(self) -> str:
        return MIME_TYPES.get(self.extension, "application/octet-stream")

    @property
    def label(self) -> str:
        return f"{self.format_name}, {human_size(self.size)}"


@dataclass(frozen=True)
class FeedLink:
    """A feed for autodiscovery and the feeds page."""

    path: str           # output path, e.g. "feeds/atom.xml"
    title: str
    kind: str           # "atom" or "rss"
    scope: str          # e.g. "site", "section:publikacje", "topic:spoldzielczosc"
    description: str = ""


@dataclass
class BuildContext:
    index: SiteIndex
    stage: Stage
    cache_dir: Path
    jobs: int = 2
    downloads: dict[str, list[Download]] = field(default_factory=dict)   # document id -> downloads
    feeds: list[FeedLink] = field(default_factory=list)
    # HTML blocks other writers add to a document's page (e.g. "Jak cytować"), in order.
    sections: dict[str, list[str]] = field(default_factory=dict)
    # extra <head> tags per document id (citation meta, JSON-LD)
    heads: dict[str, list[str]] = field(default_factory=dict)

    def add_section(self, doc_id: str, html: str) -> None:
        self.sections.setdefault(doc_id, []).append(html)

    def add_head(self, doc_id: str, html: str) -> None:
        self.heads.setdefault(doc_id, []).append(html)

    def add_download(self, doc_id: str, download: Download) -> None:
        self.downloads.setdefault(doc_id, []).append(download)
