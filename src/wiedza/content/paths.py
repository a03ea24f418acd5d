"""Path.resolve() for the many paths one load of the content looks at."""
from __future__ import annotations

import os
import stat
from pathlib import Path


class RealPaths:
    """Resolved paths, as Path.resolve() gives them, at one lstat per path not seen before instead
    of one per component of every path (realpath checks each folder on the way). A snapshot: make
    a new one for every load, since links in the content may change between loads."""

    def __init__(self):
        self.known: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        hit = self.known.get(path)
        if hit is not None:
            return hit
        parent = path.parent
        if parent == path or not path.is_absolute() or path.name in ("", ".", ".."):
            real = path.resolve()
        else:
            try:
                link = stat.S_ISLNK(os.lstat(path).st_mode)
            except (OSError, ValueError):
                link = True   # missing or unreadable: resolve() decides, as without this class
            real = path.resolve() if link else self(parent) / path.name
        self.known[path] = real
        return real
