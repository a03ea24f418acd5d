"""Publishing a build: `site/` becomes a tree of hard links into the build workspace, swapped in
atomically.

The tree is not made from scratch on every build: the previous site, moved aside by the swap, is
kept as a spare (`.site-spare` beside `site/`) and brought up to date by relinking only the files
whose inode differs. So a rebuild after one edit touches a handful of links instead of creating
and deleting every file of the site (tens of thousands at N=5,000).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import tree
from .atomic import replace_dir
from .errors import BuildError
from .trash import Bin, discard


def spare_of(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}-spare"


def publish(sources: list[Path], site_dir: Path, trash: Path) -> int:
    """Make `site_dir` hold exactly the files under `sources` (which must not overlap), as hard
    links, in one atomic swap. Call under the site's build lock. Returns the number of files.
    A spare that is mostly out of date goes to `trash` (see wiedza.trash) instead."""
    wanted: dict[str, tuple[str, int]] = {}
    for root in sources:
        for rel, (path, inode) in scan(root).items():
            wanted[rel] = (path, inode)
    spare = spare_of(site_dir)
    sync_links(wanted, spare, trash)
    replace_dir(spare, site_dir)   # the spare now holds the previous site, for the next build
    return len(wanted)


def scan(root: Path) -> dict[str, tuple[str, int]]:
    """Relative path -> (absolute path, inode) of every file under root. The inode comes from the
    directory entry, without a stat: the same file seen through two hard links has one number."""
    return {rel: (entry.path, entry.inode()) for rel, entry in tree.files(root)}


def sync_links(wanted: dict[str, tuple[str, int]], target: Path, trash: Path) -> None:
    """Make `target` hold exactly `wanted` (rel -> (source path, inode)) as hard links."""
    present = scan(target)
    stale = sum(1 for rel, (_, inode) in present.items() if wanted.get(rel, ("", -1))[1] != inode)
    if stale > len(present) // 2:   # after a clean build: start afresh, delete the old links later
        discard(target, trash)
        present = {}
    fresh = not present and not target.exists()   # nothing can stand in the way: no checks per file
    target.mkdir(parents=True, exist_ok=True)
    # The spare holds the last link of every file the workspace replaced since: freeing them is
    # slow (see wiedza.trash), so they move to the trash instead.
    doomed = Bin(trash)
    for rel in sorted(set(present) - set(wanted), reverse=True):
        _remove(target, rel, doomed)
    made: set[str] = set()
    for rel, (source, inode) in wanted.items():
        old = present.get(rel)
        if old is not None and old[1] == inode:
            continue
        path = os.path.join(target, rel)
        folder = os.path.dirname(rel)
        if folder not in made:
            if fresh:
                os.makedirs(os.path.join(target, folder), exist_ok=True)
            else:
                _make_folder(target, folder)
            made.add(folder)
        if not fresh and (old is not None or os.path.lexists(path)):
            _clear(path, doomed)
        try:
            os.link(source, path)
        except FileNotFoundError:
            raise BuildError(f"w pamięci podręcznej budowania brakuje pliku {rel}; "
                             f"uruchom `wiedza build --clean`.") from None
    doomed.close()


def _make_folder(target: Path, folder: str) -> None:
    """os.makedirs, except that a file standing where a folder must go is removed first."""
    path = os.path.join(target, folder)
    if os.path.isdir(path):
        return
    parts = folder.split("/")
    for i in range(1, len(parts) + 1):
        step = os.path.join(target, *parts[:i])
        if os.path.lexists(step) and not os.path.isdir(step):
            os.unlink(step)
    os.makedirs(path, exist_ok=True)


def _clear(path: str, doomed: Bin) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)      # a folder of the previous site where a file must go now
    else:
        doomed.drop(path)


def _remove(target: Path, rel: str, doomed: Bin) -> None:
    """Drop a file of the tree and the folders it leaves empty."""
    try:
        doomed.drop(os.path.join(target, rel))
    except FileNotFoundError:
        return
    folder = os.path.dirname(rel)
    while folder:
        try:
            os.rmdir(os.path.join(target, folder))
        except OSError:
            return
        folder = os.path.dirname(folder)
