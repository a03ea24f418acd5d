"""Incremental builds that give the same bytes as a clean build.

The cache keeps a workspace from the previous build: the staged pages (`docs/`), the staged files
(`files/`), the engine's output (`site/`) and a manifest of what was staged (signatures, see
wiedza.stage). The stage writes straight into the workspace and leaves unchanged files alone, so
the engine's dirty mode re-renders only changed pages; wiedza.publish links the result into site/.

This is correct here (unlike `mkdocs build --dirty` in general) because a page's HTML depends only
on its own staged file and on global inputs: the navigation is a fixed list, catalogues are pages,
the sitemap and search index are ours. Every global input (engine settings, theme files, package
versions, the job's site-wide fields) goes into a key; when the key changes, the workspace is
dropped and the build is clean.
"""
from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path

from . import tree
from .atomic import build_lock
from .engine import EngineJob
from .errors import BuildError
from .stage import FILES, PAGES, Stage, page_output, signature_key
from .trash import discard


def engine_key(job: EngineJob, engine_fingerprint: str) -> str:
    """Everything outside a page's own file that can change its rendered bytes."""
    digest = hashlib.sha256()
    # build_epoch only dates the engine's own sitemap, which wiedza replaces; leaving it out keeps
    # adding the newest item incremental (tests compare such a build with a clean one).
    fields = {k: v for k, v in asdict(job).items() if k not in ("stage_dir", "out_dir", "dirty", "build_epoch", "cache_dir")}
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    digest.update(engine_fingerprint.encode())
    return digest.hexdigest()


class Workspace:
    """The persistent staged trees and engine output of the previous build."""

    def __init__(self, cache_dir: Path):
        self.root = cache_dir / "engine"
        self.docs = self.root / "docs"
        self.files = self.root / "files"
        self.site = self.root / "site"
        self.key_file = self.root / "key"
        self.manifest_file = self.root / "manifest.json"
        self.trash = cache_dir / "trash"

    def usable(self, key: str) -> bool:
        return (self.key_file.is_file() and self.key_file.read_text() == key and self.site.is_dir()
                and self.manifest_file.is_file())

    def reset(self) -> None:
        discard(self.root, self.trash)
        for folder in (self.docs, self.files, self.site):
            folder.mkdir(parents=True)

    def reset_output(self) -> None:
        discard(self.site, self.trash)
        self.site.mkdir(parents=True)

    def manifest(self) -> dict[str, str]:
        try:
            data = json.loads(self.manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def invalidate(self) -> None:
        """A failed build may leave half-written files: never build on them."""
        self.key_file.unlink(missing_ok=True)

    def commit(self, key: str, signatures: dict[str, str]) -> None:
        self.manifest_file.write_text(json.dumps(signatures, sort_keys=True), encoding="utf-8")
        self.key_file.write_text(key)


@contextmanager
def staging(cache_dir: Path, key: str, *, clean: bool):
    """A Stage writing into the workspace of `cache_dir`, locked for the whole build (builds of
    different site dirs may share one cache). Yields (workspace, stage, dirty): with `clean`, the
    engine's previous output is dropped and every page rendered again; the staged files, checked
    by their signatures, stay. A changed key drops the whole workspace."""
    workspace = Workspace(cache_dir)
    workspace.root.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(workspace.root):
        usable = workspace.usable(key)
        if not usable:
            workspace.reset()
        elif clean:
            workspace.reset_output()
        previous = workspace.manifest() if usable else {}
        workspace.invalidate()
        yield workspace, Stage(workspace.files, workspace.docs, previous=previous), usable and not clean


def render(engine, job: EngineJob, workspace: Workspace, stage: Stage, key: str, *, dirty: bool) -> None:
    """Let the engine render the staged pages into the workspace, re-rendering only what changed
    when `dirty`, and record the workspace as complete."""
    gone = stage.finish()
    for staged in [*gone, *stage.written]:
        tree, rel = staged.split("/", 1)
        if tree == PAGES:   # the page's output will be written anew (or not at all): never in place
            _unlink_output(workspace.site, page_output(rel))
    for name in engine.always_written:  # rendered on every run (e.g. 404.html)
        _unlink_output(workspace.site, name)
    before = _inodes(workspace.site)
    engine.build(replace(job, stage_dir=workspace.docs, out_dir=workspace.site, dirty=dirty,
                         cache_dir=workspace.root / "engine-cache"))
    after = _inodes(workspace.site)
    _check_no_in_place_writes(before, after)
    clash = sorted(rel for rel in after if signature_key(FILES, rel) in stage.signatures)
    if clash:
        raise BuildError("silnik i wiedza zapisały te same pliki (" + ", ".join(clash[:5]) + "); zmień ich nazwy.")
    workspace.commit(key, stage.signatures)


def _unlink_output(site: Path, rel: str) -> None:
    try:
        os.unlink(site / rel)
    except FileNotFoundError:
        pass


def _inodes(root: Path) -> dict[str, tuple[int, int, int]]:
    """Relative path -> (inode, mtime, size) of every file under root."""
    out: dict[str, tuple[int, int, int]] = {}
    for rel, entry in tree.files(root):
        st = entry.stat(follow_symlinks=False)
        out[rel] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return out


def _check_no_in_place_writes(before: dict, after: dict) -> None:
    """A file the engine rewrote without unlinking would also change the published copy."""
    rewritten = [rel for rel, (inode, mtime, size) in after.items()
                 if rel in before and before[rel][0] == inode and before[rel][1:] != (mtime, size)]
    if rewritten:
        raise BuildError("silnik nadpisał pliki w miejscu (" + ", ".join(sorted(rewritten)[:5]) +
                         "); uruchom `wiedza build --clean` i zgłoś błąd.")
