"""The build, start to end: load and check content, stage every output, let the engine render,
swap the result into place. Short enough to read in one screen."""
from __future__ import annotations

import gc
import resource
import time
from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from . import incremental, urls
from .atomic import build_lock, remove_leftovers
from .content.loader import load_site
from .engine import EngineJob, NavEntry, get_engine
from .outputs import (
    accessibility_page,
    attachments,
    citations,
    feeds,
    kits,
    oai,
    pages_lessons,
    pages_research,
    pages_site,
    scholar_meta,
    search_static,
    site_files,
    sitemap,
    theme_assets,
)
from .outputs.context import BuildContext
from .publish import publish
from .search.parallel import parallel_build

# Order matters: later writers show what earlier ones made (downloads, feeds, citations).
WRITERS: list[tuple[str, Callable[[BuildContext], None]]] = [
    ("zasoby motywu", theme_assets.write),
    ("załączniki", attachments.write),
    ("zestawy do pobrania", kits.write),
    ("cytowania", citations.write),
    ("metadane naukowe", scholar_meta.write),
    ("OAI-PMH", oai.write),
    ("kanały RSS i Atom", feeds.write),
    ("strony publikacji", pages_research.write),
    ("strony scenariuszy", pages_lessons.write),
    ("strony serwisu", pages_site.write),
    ("deklaracja dostępności", accessibility_page.write),
    ("wyszukiwarka w przeglądarce", search_static.write),  # after the pages: its own page, no others
    ("pliki serwisu", site_files.write),  # robots.txt and OpenGraph tags for every page
    ("mapa serwisu", sitemap.write),  # last: lists every staged page
]

NAV = (
    NavEntry("Strona główna", "index.html"),
    NavEntry("Publikacje", "publikacje/index.html"),
    NavEntry("Scenariusze", "scenariusze/index.html"),
    NavEntry("Czasopisma", "czasopisma/index.html"),
    NavEntry("Tematy", "tematy/index.html"),
    NavEntry("Autorzy", "autorzy/index.html"),
    NavEntry("O programie", "program/index.html"),
)


@dataclass
class BuildSummary:
    items: int = 0
    pages: int = 0
    files: int = 0
    warnings: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)   # stage -> wall seconds
    cpu: dict[str, float] = field(default_factory=dict)       # stage -> CPU seconds
    incremental: bool = False   # the engine re-rendered only what changed

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())

    def format(self) -> str:
        return (f"Gotowe: {self.items} materiałów, {self.pages} stron, {self.files} plików, "
                f"ostrzeżenia: {len(self.warnings)}, czas: {self.seconds:.1f} s.")


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (kits convert in worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(summary: BuildSummary, name: str, progress, fn, *args):
    progress(f"… {name}")
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = fn(*args)
    gc.freeze()   # what a stage made lives on: out of the GC's way (see _long_lived_heap)
    summary.timings[name] = summary.timings.get(name, 0.0) + time.perf_counter() - start
    summary.cpu[name] = summary.cpu.get(name, 0.0) + _cpu_seconds() - cpu
    return result


def build_site(content: Path, site_dir: Path, *, strict: bool = False, engine: str = "mkdocs",
               cache_dir: Path | None = None, progress: Callable[[str], None] = lambda _: None,
               search_dir: Path | None = None, clean: bool = False) -> BuildSummary:
    """Build the site from `content` into `site_dir`. On any error `site_dir` is left untouched.
    The engine re-renders only changed pages unless `clean`; the bytes are the same either way."""
    with _long_lived_heap():
        try:
            return _build(content, site_dir.resolve(), strict=strict, engine=engine,
                          cache_dir=cache_dir or site_dir.resolve().parent / ".cache", progress=progress,
                          search_dir=search_dir, clean=clean)
        finally:
            urls.relative.cache_clear()   # one build's links; `wiedza serve` builds again and again


@contextmanager
def _long_lived_heap():
    """A build makes hundreds of thousands of objects that live until its end. Python's cyclic GC
    would scan them again and again (full collections grow with the heap, so stages scaled worse
    than linearly) and touch their pages in forked workers (copy-on-write): collect less often,
    and freeze what each stage made (see _timed). Restored afterwards (`wiedza serve` goes on)."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def _build(content: Path, site_dir: Path, *, strict: bool, engine: str, cache_dir: Path, progress,
           search_dir: Path | None, clean: bool) -> BuildSummary:
    summary = BuildSummary()
    index = _timed(summary, "wczytanie i sprawdzenie treści", progress,
                   lambda: load_site(content, strict=strict, cache_dir=cache_dir))
    summary.items = len(index.items)
    summary.warnings = list(index.warnings)
    # The Whoosh index (search_dir) is built on the second core meanwhile and swapped in after the site.
    engine_ = get_engine(engine)
    job = _engine_job(index)
    key = incremental.engine_key(job, engine_.fingerprint())
    with build_lock(site_dir), parallel_build(index, search_dir, summary.timings, cache_dir=cache_dir):
        remove_leftovers(site_dir)
        with incremental.staging(cache_dir, key, clean=clean) as (workspace, stage, dirty):
            ctx = BuildContext(index=index, stage=stage, cache_dir=cache_dir)
            for name, writer in WRITERS:
                _timed(summary, name, progress, writer, ctx)
            _timed(summary, "zapis stron", progress, stage.flush_pages)
            _timed(summary, f"silnik {engine}", progress,
                   lambda: incremental.render(engine_, job, workspace, stage, key, dirty=dirty))
            summary.files = _timed(summary, "publikacja site/", progress,
                                   publish, [workspace.site, workspace.files], site_dir, workspace.trash)
        summary.incremental = dirty
        summary.pages = len(stage.pages)
    return summary


def _engine_job(index) -> EngineJob:
    s = index.settings
    newest = index.newest_date
    return EngineJob(
        stage_dir=Path(), out_dir=Path(), site_url=s.url, site_name=s.short_title,
        description=s.description, nav=NAV,
        copyright_html=f"{escape(s.operator)}. Treści na licencjach Creative Commons, o ile przy materiale "
                       f"nie zaznaczono inaczej. Kontakt: {escape(s.contact_email)}",
        build_epoch=int(newest.timestamp()) if newest else 0,
    )
