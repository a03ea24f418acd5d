"""Publishing: site/ as hard links into the workspace, the spare tree relinked in place."""
from __future__ import annotations

import os
import time
from pathlib import Path

from wiedza.publish import publish, scan, sync_links
from wiedza.trash import Bin


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write(root: Path, tree: dict[str, str]) -> None:
    for rel, text in tree.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def wait_until_empty(folder: Path, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not folder.exists() or not any(folder.iterdir()):
            return True
        time.sleep(0.05)
    return False


def test_sync_links_makes_the_target_equal_and_keeps_unchanged_links(tmp_path):
    source, target, trash = tmp_path / "src", tmp_path / "out", tmp_path / "trash"
    write(source, {"a.html": "A", "x/b.css": "B", "x/y/c.js": "C", "d": "D", "e/f": "F"})
    sync_links(scan(source), target, trash)
    assert files(target) == files(source)
    kept = (target / "a.html").stat().st_ino
    # change one, remove one, a file becomes a folder and a folder becomes a file
    (source / "x/b.css").unlink()
    (source / "x/b.css").write_text("B2")
    (source / "x/y/c.js").unlink()
    os.rmdir(source / "x/y")
    (source / "d").unlink()
    write(source, {"d/inner.txt": "I"})
    (source / "e/f").unlink()
    os.rmdir(source / "e")
    (source / "e").write_text("E")
    sync_links(scan(source), target, trash)
    assert files(target) == files(source)
    assert (target / "a.html").stat().st_ino == kept, "an unchanged file is not relinked"
    assert not (target / "x/y").exists(), "folders left empty are removed"
    assert wait_until_empty(trash), "replaced files are deleted in the background"


def test_a_mostly_stale_spare_is_replaced_whole(tmp_path):
    source, site, trash = tmp_path / "ws", tmp_path / "site", tmp_path / "trash"
    write(source, {f"p{i}.html": str(i) for i in range(20)})
    publish([source], site, trash)
    publish([source], site, trash)        # site/ and the spare now both exist
    for i in range(20):                   # what a clean build does: every file is new
        (source / f"p{i}.html").unlink()
        (source / f"p{i}.html").write_text(f"new {i}")
    assert publish([source], site, trash) == 20
    assert files(site) == files(source)
    assert wait_until_empty(trash)


def test_the_bin_deletes_in_the_background(tmp_path):
    doomed = Bin(tmp_path / "trash")
    for i in range(5):
        (tmp_path / f"f{i}").write_text("x")
        doomed.drop(str(tmp_path / f"f{i}"))
    assert not any(tmp_path.glob("f*"))
    doomed.close()
    assert wait_until_empty(tmp_path / "trash")


def test_write_keyed_skips_the_work_when_the_key_is_unchanged(tmp_path):
    from wiedza.stage import Stage

    first = Stage(tmp_path / "f", tmp_path / "p")
    first.write_keyed("kanaly/a.xml", "k1", lambda: b"one", "test")
    again = Stage(tmp_path / "f", tmp_path / "p", previous=first.signatures)
    again.write_keyed("kanaly/a.xml", "k1", lambda: (_ for _ in ()).throw(AssertionError("made again")), "test")
    assert (tmp_path / "f/kanaly/a.xml").read_bytes() == b"one" and not again.written
    changed = Stage(tmp_path / "f", tmp_path / "p", previous=again.signatures)
    changed.write_keyed("kanaly/a.xml", "k2", lambda: b"two", "test")
    assert (tmp_path / "f/kanaly/a.xml").read_bytes() == b"two" and changed.written == {"f/kanaly/a.xml"}
