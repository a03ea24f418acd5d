"""Incremental engine runs that give the same bytes as a clean build.

The engine keeps a mirror of the last staged tree and its output in the cache. Each build syncs the
fresh stage into the mirror, touching only files whose bytes changed, so the engine's own dirty mode
re-renders just those pages. This is correct here (unlike `mkdocs build --dirty` in general) because
a page's HTML depends only on its own staged file and on global inputs: the navigation is a fixed
list, catalogues are pages, the sitemap and search index are ours. Every global input (engine
settings, theme files, package versions, the job's site-wide fields) goes into a key; when the key
changes, the mirror is dropped and the build is clean.
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
from dataclasses import asdict, replace
from pathlib import Path

from .atomic import build_lock
from .engine import EngineJob
from .errors import BuildError

def engine_key(job: EngineJob, engine_fingerprint: str) -> str:
    """Everything outside a page's own file that can change its rendered bytes."""
    digest = hashlib.sha256()
    # build_epoch only dates the engine's own sitemap, which wiedza replaces; leaving it out keeps
    # adding the newest item incremental (tests compare such a build with a clean one).
    fields = {k: v for k, v in asdict(job).items() if k not in ("stage_dir", "out_dir", "dirty", "build_epoch")}
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    digest.update(engine_fingerprint.encode())
    return digest.hexdigest()


def render(engine, job: EngineJob, cache_dir: Path, *, clean: bool) -> bool:
    """Render `job` through the mirror in `cache_dir`; the result lands in job.out_dir.
    Returns True when the engine only re-rendered what changed."""
    mirror = Mirror(cache_dir)
    key = engine_key(job, engine.fingerprint())
    with build_lock(mirror.root):  # builds of different site dirs may share one cache
        dirty = not clean and mirror.usable(key)
        if not dirty:
            mirror.reset()
        mirror.invalidate()
        mirror.sync(job.stage_dir)
        for name in engine.always_written:  # rendered on every run (e.g. 404.html): never in place
            (mirror.site / name).unlink(missing_ok=True)
        before = _inodes(mirror.site)
        engine.build(replace(job, stage_dir=mirror.docs, out_dir=mirror.site, dirty=dirty))
        _check_no_in_place_writes(before, _inodes(mirror.site))
        mirror.commit(key)
        # Hard links: the published site shares unchanged files with the mirror instead of copying
        # them (the engine only ever writes files that were unlinked above, checked just now).
        shutil.copytree(mirror.site, job.out_dir, copy_function=os.link)
    return dirty


def _inodes(root: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for path in root.rglob("*"):
        if path.is_file():
            stat = path.stat()
            out[path.relative_to(root).as_posix()] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return out


def _check_no_in_place_writes(before: dict, after: dict) -> None:
    """A file the engine rewrote without unlinking would also change the published copy."""
    rewritten = [rel for rel, (inode, mtime, size) in after.items()
                 if rel in before and before[rel][0] == inode and before[rel][1:] != (mtime, size)]
    if rewritten:
        raise BuildError("silnik nadpisał pliki w miejscu (" + ", ".join(sorted(rewritten)[:5]) +
                         "); uruchom `wiedza build --clean` i zgłoś błąd.")


def output_of(staged: str) -> str:
    """The engine's output path for a staged file: pages are .md, everything else is copied."""
    return staged[: -len(".md")] + ".html" if staged.endswith(".md") else staged


class Mirror:
    """The persistent staged tree and engine output of the previous build."""

    def __init__(self, cache_dir: Path):
        self.root = cache_dir / "engine"
        self.docs = self.root / "docs"
        self.site = self.root / "site"
        self.key_file = self.root / "key"

    def usable(self, key: str) -> bool:
        return self.key_file.is_file() and self.key_file.read_text() == key and self.site.is_dir()

    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.docs.mkdir(parents=True)

    def sync(self, stage: Path) -> int:
        """Make the mirror equal to `stage`; returns how many files changed. Unchanged files keep
        their old modification time, so the engine's dirty mode skips them."""
        new = {p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file()}
        old = {p.relative_to(self.docs).as_posix() for p in self.docs.rglob("*") if p.is_file()}
        changed = 0
        for rel in sorted(old - new):
            (self.docs / rel).unlink()
            output = self.site / output_of(rel)
            if output.is_file():
                output.unlink()
            changed += 1
        for rel in sorted(new):
            source, target = stage / rel, self.docs / rel
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            # The output will be written anew: unlink it first, so the engine creates a new file
            # instead of writing into one that the published site shares (see render()).
            output = self.site / output_of(rel)
            if output.is_file():
                output.unlink()
            changed += 1
        _remove_empty_dirs(self.docs)
        _remove_empty_dirs(self.site)
        return changed

    def commit(self, key: str) -> None:
        self.key_file.write_text(key)

    def invalidate(self) -> None:
        """A failed engine run may leave half-written output: never build on it."""
        if self.key_file.exists():
            self.key_file.unlink()


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            os.rmdir(folder)
