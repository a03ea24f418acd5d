"""Atomic replacement of an output directory, and a lock so two builds never interleave."""
from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError


@contextmanager
def build_lock(target: Path, wait: bool = True):
    """An exclusive lock beside `target`; the second build waits (or fails clearly with wait=False)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.parent / f".{target.name}.lock"
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildError(f"inna budowa serwisu trwa (blokada {lock_path}); poczekaj, aż się skończy.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def scratch_dir(beside: Path, prefix: str):
    """A temporary directory on the same file system as `beside` (so rename is atomic), always removed."""
    beside.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{prefix}-", dir=beside.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def replace_dir(new: Path, target: Path) -> None:
    """Put `new` where `target` is, in one atomic exchange: at every moment `target` is either the
    complete old tree or the complete new one. `new` then holds the old tree (removed by the caller)."""
    if target.exists():
        if _exchange(new, target):
            return
        old = target.parent / f".{target.name}-old-{os.getpid()}"
        os.rename(target, old)  # fallback without renameat2: a brief moment with no target
        os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, target)


def remove_leftovers(target: Path) -> None:
    """Scratch and old trees of builds that were killed (call only while holding the lock)."""
    if not target.exists():
        for old in sorted(target.parent.glob(f".{target.name}-old-*")):
            os.rename(old, target)  # a fallback swap was interrupted: restore the previous tree
            break
    for path in target.parent.glob(f".{target.name}-*"):
        if path.is_dir() and path.name != f".{target.name}-spare":   # see wiedza.publish
            shutil.rmtree(path, ignore_errors=True)
