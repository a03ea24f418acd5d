"""The kits' cache: converted documents and ZIP archives (blobs), and what each kit published.

Blobs are plain files <root>/<key[:2]>/<key>, keyed by a SHA-256 of their inputs (convert.Job.key,
or the ZIP's entries), so the stage can copy one as it is. One JSON index beside them records
- for every blob its SHA-256 and the identity (size, mtime_ns, ctime_ns, inode) it had when last
  checked: a blob whose identity is unchanged is trusted without being read, any other is hashed
  again, and one that does not match its digest is a miss, so a damaged file never reaches the site;
- for every kit, under a fingerprint of all its inputs (kits.kit_fingerprint), the files it
  published: an unchanged kit is published from this record without planning or reading anything.
Only what this build used is kept in the index; blob files themselves are never deleted.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..content.memo import read_json, write_json

INDEX = "index-v1.json"


def _identity(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _valid_blob(entry) -> bool:
    return (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], str)
            and all(isinstance(x, int) for x in entry[1:]))


def _valid_record(record) -> bool:
    """The shape kits._publish reads: {"zip": file, "files": [file + title, ext, kind, part], "head"}."""
    try:
        files = [record["zip"], *record["files"]]
        return isinstance(record["head"], str) and (all(isinstance(f["path"], str) and isinstance(f["blob"], str) and isinstance(f["size"], int)
                    for f in files)
                and all(isinstance(f["title"], str) and isinstance(f["ext"], str) and isinstance(f["kind"], str)
                        and (f["part"] is None or isinstance(f["part"], int)) for f in record["files"]))
    except (TypeError, KeyError):
        return False


class KitStore:
    def __init__(self, root: Path):
        self.root = root
        loaded = read_json(root / INDEX)
        loaded = loaded if isinstance(loaded, dict) else {}
        self.old_blobs: dict = loaded.get("blobs") if isinstance(loaded.get("blobs"), dict) else {}
        self.old_kits: dict = loaded.get("kits") if isinstance(loaded.get("kits"), dict) else {}
        self.blobs: dict[str, list] = {}    # checked or written this build
        self.kits: dict[str, dict] = {}     # used or made this build
        self.dirty = False

    # -- blobs -----------------------------------------------------------------------------------
    def path(self, key: str) -> Path:
        return Path(f"{self.root}/{key[:2]}/{key}")

    def size(self, key: str) -> int:
        return self.blobs[key][1]

    def check(self, key: str) -> bool:
        """True when the blob is there with the bytes its recorded digest says."""
        if key in self.blobs:
            return True
        entry = self.old_blobs.get(key)
        try:
            if _valid_blob(entry) and _identity(os.stat(self.path(key))) == entry[1:]:
                self.blobs[key] = entry
                return True
        except OSError:
            return False
        return self.get(key) is not None   # changed identity: hash it again

    def get(self, key: str) -> bytes | None:
        """The blob's bytes, or None when it is missing or does not match its recorded digest."""
        entry = self.blobs.get(key) or self.old_blobs.get(key)
        if not _valid_blob(entry):
            return None
        try:
            with open(self.path(key), "rb") as handle:
                identity = _identity(os.fstat(handle.fileno()))
                data = handle.read()
        except OSError:
            return None
        if identity != entry[1:]:
            if hashlib.sha256(data).hexdigest() != entry[0] or len(data) != identity[0]:
                return None
            entry = [entry[0], *identity]
            self.dirty = True
        self.blobs[key] = entry
        return data

    def put(self, key: str, data: bytes) -> bool:
        """Store a blob; False when the cache cannot be written (the caller keeps the bytes)."""
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
            identity = _identity(os.stat(path))   # after the rename, which changes ctime
        except OSError:
            return False
        self.blobs[key] = [hashlib.sha256(data).hexdigest(), *identity]
        self.dirty = True
        return True

    # -- kits ------------------------------------------------------------------------------------
    def kit(self, fingerprint: str) -> dict | None:
        """The record of a kit with this fingerprint, if every blob it names is intact."""
        record = self.old_kits.get(fingerprint)
        if not _valid_record(record) or not all(self.check(f["blob"]) for f in [record["zip"], *record["files"]]):
            return None
        self.kits[fingerprint] = record
        return record

    def remember(self, fingerprint: str, record: dict) -> None:
        self.kits[fingerprint] = record
        self.dirty = True

    def save(self) -> None:
        if not (self.dirty or len(self.kits) != len(self.old_kits) or len(self.blobs) != len(self.old_blobs)):
            return
        write_json(self.root / INDEX, {"blobs": self.blobs, "kits": self.kits})
