"""Walking a built tree quickly: os.scandir, no Path objects (a site has tens of thousands of files)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator


def files(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """(relative path with "/", directory entry) of every file under root; nothing if root is missing."""
    if not root.is_dir():
        return
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, prefix + entry.name + "/"))
                else:
                    yield prefix + entry.name, entry
