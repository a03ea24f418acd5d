"""The staged docs tree the engine renders. Every output declares its paths here; two writers
never write one path, and everything the site links to exists before the engine runs."""
from __future__ import annotations

import shutil
from html import escape
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from .errors import BuildError


@dataclass(frozen=True)
class StagedPage:
    """A page for the engine: our HTML body plus what goes into <head>."""

    path: str             # output path, e.g. "publikacje/x/index.html"
    title: str
    body_html: str
    description: str = ""
    head_html: str = ""   # extra tags for <head>: feeds, citation meta, JSON-LD
    hide: tuple[str, ...] = ("navigation", "toc")  # the tabs are the navigation; pages carry their own
    section: str = ""     # top-level section key, used for search and feed autodiscovery
    modified: str = ""    # YYYY-MM-DD of the content's last change, for the sitemap


@dataclass
class Stage:
    root: Path
    owners: dict[str, str] = field(default_factory=dict)
    pages: dict[str, StagedPage] = field(default_factory=dict)
    head_extra: dict[str, list[str]] = field(default_factory=dict)  # output path -> extra <head> tags
    # <head> tags for every page (site feeds), first; each a function of the page's path so its
    # links can be relative (absolute links to the public domain would be fetched by the theme).
    site_head: list[Callable[[str], str]] = field(default_factory=list)

    def claim(self, rel: str, owner: str) -> Path:
        if rel in self.owners:
            raise BuildError(f"dwa elementy serwisu chcą zapisać ten sam plik {rel} "
                             f"({self.owners[rel]} i {owner}); zmień nazwę jednego z nich.")
        self.owners[rel] = owner
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add_page(self, page: StagedPage, owner: str) -> None:
        self.claim(page.path, owner)
        self.pages[page.path] = page

    def add_head(self, path: str, html: str) -> None:
        """Let another writer (e.g. feeds) add tags to a page's <head>."""
        self.head_extra.setdefault(path, []).append(html)

    def write_bytes(self, rel: str, data: bytes, owner: str) -> Path:
        target = self.claim(rel, owner)
        target.write_bytes(data)
        return target

    def write_text(self, rel: str, text: str, owner: str) -> Path:
        return self.write_bytes(rel, text.encode("utf-8"), owner)

    def copy_file(self, rel: str, source: Path, owner: str) -> Path:
        target = self.claim(rel, owner)
        shutil.copyfile(source, target)
        return target

    def flush_pages(self) -> None:
        """Write every page as a Markdown file holding our HTML, for the engine to wrap in the theme."""
        for path, page in sorted(self.pages.items()):
            site = [render(path) for render in self.site_head]
            head = "\n".join([*site, page.head_html, *self.head_extra.get(path, [])]).strip()
            # The theme prints title and description unescaped: escape them here, once.
            meta = {"title": escape(page.title), "description": escape(page.description), "hide": list(page.hide),
                    "wiedza_head": head, "wiedza_section": page.section,
                    "wiedza_modified": page.modified}
            front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10_000)
            md_path = self.root / (path[: -len(".html")] + ".md")
            md_path.parent.mkdir(parents=True, exist_ok=True)
            # One raw-HTML block: the engine must not re-interpret our already rendered HTML.
            md_path.write_text(f"---\n{front}---\n\n<div class=\"wiedza\">\n{page.body_html}\n</div>\n",
                               encoding="utf-8")
