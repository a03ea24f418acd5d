"""Memos kept between builds in the build cache: the loader and the writers remember what they
made from given inputs, so an unchanged item costs a dictionary lookup on the next build.

Every entry is keyed by a digest of exactly the inputs it was made from, including the code that
made it (`code_digest`), so an entry can only be used where it gives the bytes a clean build
would. A memo is one JSON file: a damaged or foreign file is an empty memo, a save goes to a
temporary name of its own and is moved into place (builds may share the cache folder), and only
the entries this build used are kept, so a memo never grows without bound.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path


def digest(*parts: str) -> str:
    """SHA-256 of the parts, each ended by NUL so ("ab", "c") and ("a", "bc") differ."""
    out = hashlib.sha256()
    for part in parts:
        out.update(part.encode("utf-8", "surrogatepass"))
        out.update(b"\0")
    return out.hexdigest()


@functools.lru_cache(maxsize=None)
def code_digest(*modules: str) -> str:
    """Digest of the source files of the named modules: a code change invalidates their memos."""
    out = hashlib.sha256()
    for name in modules:
        __import__(name)
        out.update(Path(sys.modules[name].__file__).read_bytes())
    return out.hexdigest()


def file_identity(path: Path) -> list | None:
    """(size, mtime_ns, inode): changes whenever the file is written (as make and the stage assume)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def read_json(path: Path | None):
    """The JSON in `path`, or None when it is missing or damaged (a miss, never an error)."""
    if path is None:
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def write_json(path: Path, data) -> None:
    write_text(path, lambda: json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def write_text(path: Path, text) -> None:
    """Atomic, under a temporary name of its own: concurrent builds may save the same memo.
    `text` is a string or a function that makes it (a failure is then a skipped save too)."""
    try:
        data = (text() if callable(text) else text).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        pass  # an unwritable cache (or a value UTF-8 cannot hold) only costs time


class JsonMemo:
    """key -> JSON value, from one file. `get` and `put` mark what this build used; `save` keeps
    exactly that, and writes only when it differs from what was read."""

    def __init__(self, path: Path | None):
        self.path = path
        loaded = read_json(path)
        self.old: dict = loaded if isinstance(loaded, dict) else {}
        self.used: dict = {}
        self.dirty = False

    def get(self, key: str, valid=lambda value: True):
        """The entry, or None when missing or when `valid` rejects it (a foreign or old shape)."""
        if key in self.used:
            return self.used[key]
        value = self.old.get(key)
        try:
            ok = value is not None and valid(value)
        except (TypeError, KeyError, IndexError, ValueError, AttributeError):
            ok = False
        if not ok:
            return None
        self.used[key] = value
        return value

    def put(self, key: str, value) -> None:
        if self.used.get(key, self.old.get(key)) != value:
            self.dirty = True
        self.used[key] = value

    def save(self) -> None:
        if self.path is None or not (self.dirty or len(self.used) != len(self.old)):
            return
        write_json(self.path, self.used)
