"""The staged tree the engine renders, kept between builds.

Every output declares its path here; two writers never write one path, and everything the site
links to exists before the engine runs. Pages go to `pages_root` as Markdown files holding our
HTML, for the engine to wrap in the theme; every other file goes to `root` and is published as is
(the engine has nothing to do with feeds, downloads or search parts).

Both trees may persist between builds (see wiedza.incremental). A file whose bytes, or for a copy
whose source, did not change since the previous build is not written again: it keeps its inode
and modification time, so the engine's dirty mode skips unchanged pages and the publisher links
unchanged files. A changed file always gets a new inode, never an in-place write, because the
published site shares unchanged files with these trees through hard links.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .errors import BuildError

FILES, PAGES = "f", "p"   # the two trees, as prefixes of signature keys


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


def page_source(path: str) -> str:
    """The staged Markdown file of a page's output path: "a/index.html" -> "a/index.md"."""
    return path[: -len(".html")] + ".md"


def page_output(source: str) -> str:
    """The output path of a staged page's Markdown file: "a/index.md" -> "a/index.html"."""
    return source[: -len(".md")] + ".html"


def signature_key(tree: str, rel: str) -> str:
    return f"{tree}/{rel}"


@dataclass
class Stage:
    root: Path                                  # every staged file except pages
    pages_root: Path | None = None              # the pages' Markdown files; default: root
    previous: dict[str, str] = field(default_factory=dict)    # signature key -> signature, last build
    owners: dict[str, str] = field(default_factory=dict)
    pages: dict[str, StagedPage] = field(default_factory=dict)
    head_extra: dict[str, list[str]] = field(default_factory=dict)  # output path -> extra <head> tags
    # <head> tags for every page (site feeds), first; each a function of the page's path so its
    # links can be relative (absolute links to the public domain would be fetched by the theme).
    site_head: list[Callable[[str], str]] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)  # this build's, same keys as previous
    written: set[str] = field(default_factory=set)            # keys written (new or changed) this build
    _folders: set[Path] = field(default_factory=set)

    def __post_init__(self):
        if self.pages_root is None:
            self.pages_root = self.root

    def claim(self, rel: str, owner: str) -> None:
        if rel in self.owners:
            raise BuildError(f"dwa elementy serwisu chcą zapisać ten sam plik {rel} "
                             f"({self.owners[rel]} i {owner}); zmień nazwę jednego z nich.")
        self.owners[rel] = owner

    def add_page(self, page: StagedPage, owner: str) -> None:
        self.claim(page.path, owner)
        self.pages[page.path] = page

    def add_head(self, path: str, html: str) -> None:
        """Let another writer (e.g. feeds) add tags to a page's <head>."""
        self.head_extra.setdefault(path, []).append(html)

    def write_bytes(self, rel: str, data: bytes, owner: str) -> None:
        self.claim(rel, owner)
        self._put(signature_key(FILES, rel), _digest(data), data=data)

    def write_keyed(self, rel: str, key: str, make: Callable[[], bytes], owner: str) -> None:
        """Stage the bytes `make()` returns, where `key` is a digest of everything they are made
        from: when the last build staged the same key here, `make` is not even called."""
        self.claim(rel, owner)
        signature = f"key:{key}"
        if self.previous.get(signature_key(FILES, rel)) == signature:
            self.signatures[signature_key(FILES, rel)] = signature
        else:
            self._put(signature_key(FILES, rel), signature, data=make())

    def write_text(self, rel: str, text: str, owner: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"), owner)

    def copy_file(self, rel: str, source: Path, owner: str) -> None:
        self.claim(rel, owner)
        # The source's identity stands for its bytes (as in make): hashing every attachment and
        # converted kit file on every build would cost more than the rest of a rebuild.
        st = source.stat()
        signature = f"copy:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{source.resolve()}"
        self._put(signature_key(FILES, rel), signature, source=source)

    def flush_pages(self) -> None:
        """Write every page as a Markdown file holding our HTML, for the engine to wrap in the theme."""
        for path, page in sorted(self.pages.items()):
            site = [render(path) for render in self.site_head]
            head = "\n".join([*site, page.head_html, *self.head_extra.get(path, [])]).strip()
            # The theme prints title and description unescaped: escape them here, once.
            meta = {"description": escape(page.description), "hide": list(page.hide),
                    "title": escape(page.title), "wiedza_head": head, "wiedza_modified": page.modified,
                    "wiedza_section": page.section}
            front = "".join(f"{key}: {yaml_value(value)}\n" for key, value in meta.items())
            # One raw-HTML block: the engine must not re-interpret our already rendered HTML.
            data = f"---\n{front}---\n\n<div class=\"wiedza\">\n{page.body_html}\n</div>\n".encode()
            self._put(signature_key(PAGES, page_source(path)), _digest(data), data=data)

    def finish(self) -> list[str]:
        """Remove what the previous build staged and this one did not; returns their keys."""
        gone = sorted(set(self.previous) - set(self.signatures))
        for key in gone:
            _remove_file(self.path_of(key))
        return gone

    def path_of(self, key: str) -> Path:
        tree, rel = key.split("/", 1)
        return (self.root if tree == FILES else self.pages_root) / rel

    def _put(self, key: str, signature: str, *, data: bytes | None = None, source: Path | None = None) -> None:
        """Stage `data` (or a copy of `source`) under `key`, unless the last build staged the same.
        The path is made only here: most files of a rebuild are unchanged, and making a Path for
        each of them cost more than comparing its signature."""
        self.signatures[key] = signature
        if self.previous.get(key) == signature:
            return
        target = self.path_of(key)
        folder = target.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        try:
            os.unlink(target)    # a new inode: the published site may share the old one
        except FileNotFoundError:
            pass
        if source is not None:
            shutil.copyfile(source, target)
        else:
            target.write_bytes(data)
        self.written.add(key)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _remove_file(path: Path) -> None:
    """Unlink a file and the folders it leaves empty."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    folder = path.parent
    while True:
        try:
            os.rmdir(folder)     # fails when not empty: stop there
        except OSError:
            return
        folder = folder.parent


_YAML_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
# JSON leaves these raw; YAML reads them as line breaks or refuses them as non-printable.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def yaml_value(value) -> str:
    """A YAML flow value for front matter: JSON (a subset of YAML) with YAML's own line breaks
    and non-printable characters escaped, so the engine reads back exactly `value`. Much faster
    than a YAML emitter, which cost seconds on a thousand pages."""
    return _NOT_YAML_PRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False))


def _escape(match: re.Match) -> str:
    c = match.group()
    return _YAML_BREAKS.get(c) or f"\\u{ord(c):04x}"
