"""Per-document results kept between builds in the cache folder.

A document's BM25F weights (and the browser's files of it) depend only on its own content, named
by its DocSource key, so an unchanged document is never analysed twice. Each document has its own
small file, cache_dir/search-memo-v2/<code fingerprint>/<key>.pickle: a build reads and writes
only what it needs, however many documents the site has. The browser index writer adds and
prunes entries; the Whoosh child process only reads them (an entry is written once, atomically).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .documents import DocSource, SearchDoc, materialise
from .weights import DocWeights, doc_weights

MEMO_DIR = "search-memo-v2"
LEGACY_FILES = ("search-memo-v1.pickle",)       # earlier memos, removed by prune


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code whose results the caches keep (the analyser, the search package and
    the browser index writer), so a changed analyser never meets an entry of the old one."""
    from .. import analysis
    from ..outputs import search_static

    files = sorted(Path(analysis.__file__).parent.glob("*.py")) + sorted(Path(__file__).parent.glob("*.py"))
    digest = hashlib.sha256()
    for path in [*files, Path(search_static.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class Memo:
    """Entries by document key: {"weights": pickled DocWeights, "docs": [bytes]} (the second is
    the browser writer's). Without a cache folder it keeps nothing."""

    def __init__(self, cache_dir: Path | None = None):
        self.folder = cache_dir / MEMO_DIR / code_fingerprint() if cache_dir is not None else None

    def get(self, key: str) -> dict | None:
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{key}.pickle", "rb") as handle:
                entry = pickle.loads(handle.read())
        except Exception:  # noqa: BLE001 - missing or damaged: only slower, never wrong
            return None
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: dict) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".entry-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / f"{key}.pickle")
        except OSError:
            pass

    def weights(self, key: str) -> DocWeights | None:
        entry = self.get(key)
        try:
            found = pickle.loads(entry["weights"]) if entry else None
        except Exception:  # noqa: BLE001 - as above
            return None
        return found if isinstance(found, DocWeights) else None

    def prune(self, keys: Iterable[str]) -> None:
        """Remove the entries of documents that are not in `keys`, and those of other code."""
        if self.folder is None:
            return
        keep = {f"{key}.pickle" for key in keys}
        try:
            for name in LEGACY_FILES:
                (self.folder.parent.parent / name).unlink(missing_ok=True)
            for other in self.folder.parent.iterdir():
                if other != self.folder:
                    shutil.rmtree(other, ignore_errors=True)
            for name in os.listdir(self.folder):
                if name not in keep:
                    (self.folder / name).unlink(missing_ok=True)
        except OSError:
            pass


def pack_weights(weights: DocWeights) -> bytes:
    return pickle.dumps(weights, protocol=pickle.HIGHEST_PROTOCOL)


def analysed(source: DocSource, memo: Memo | None = None) -> tuple[SearchDoc, DocWeights]:
    """The document of `source` (numbered 0) and its weights, taken from the memo when it has them."""
    doc = materialise(source)
    weights = memo.weights(source.key) if memo is not None else None
    return doc, weights if weights is not None else doc_weights(doc)


def save_pickle(path: Path, data) -> None:
    """Write `data` to `path` atomically; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass
