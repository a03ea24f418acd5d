"""Incremental builds (the default) give exactly the bytes of a clean build."""
from __future__ import annotations

import shutil

import pytest
from conftest import edit
from test_build import tree_hashes

from wiedza.pipeline import build_site

ART = "articles/artykul-w-kwartalniku.md"


def clean_build(content, tmp_path, name):
    out = tmp_path / name / "site"
    build_site(content, out, cache_dir=tmp_path / name / "cache", clean=True)
    return out


def _add_copy(content):
    shutil.copy(content / ART, content / "articles/kopia.md")
    edit(content / "articles/kopia.md", "id: test-art-1", "id: test-art-3")


CHANGES = {
    "body": lambda c: edit(c / ART, "Spółdzielnie uczniowskie uczą współpracy.", "Spółdzielnie uczą demokracji."),
    "title": lambda c: edit(c / ART, "title: Spółdzielnie w szkołach", "title: Spółdzielczość w szkołach"),
    "newest date": lambda c: edit(c / "lessons/zestaw-testowy/index.md", "date: 2025-09-01", "date: 2026-02-01"),
    "removed item": lambda c: (c / ART).unlink(),
    "added item": lambda c: _add_copy(c),
    "attachment": lambda c: (c / "articles/monografia-testowa/dane.csv").write_text("rok,liczba\n1890,2\n"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_incremental_equals_clean(mini, tmp_path, change):
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build_site(mini, site, cache_dir=cache)
    assert not first.incremental
    CHANGES[change](mini)
    second = build_site(mini, site, cache_dir=cache)
    assert second.incremental, "the engine should have re-rendered only what changed"
    assert tree_hashes(site) == tree_hashes(clean_build(mini, tmp_path, "clean"))


def test_theme_change_forces_a_clean_engine_run(mini, tmp_path, monkeypatch):
    from wiedza.engine.mkdocs_engine import MkDocsEngine

    site, cache = tmp_path / "site", tmp_path / "cache"
    build_site(mini, site, cache_dir=cache)
    monkeypatch.setattr(MkDocsEngine, "fingerprint", lambda self: "another theme")
    assert not build_site(mini, site, cache_dir=cache).incremental


def test_clean_flag_ignores_the_mirror(mini, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    build_site(mini, site, cache_dir=cache)
    assert not build_site(mini, site, cache_dir=cache, clean=True).incremental


def test_published_site_shares_unchanged_files_and_survives_the_next_build(mini, tmp_path):
    """Unchanged outputs are hard links into the engine's mirror; a rebuild unlinks what it
    rewrites, so the previously published files keep their bytes until the swap."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    build_site(mini, site, cache_dir=cache)
    page = site / "publikacje/artykul-w-kwartalniku/index.html"
    other = site / "publikacje/monografia-testowa/index.html"
    assert page.stat().st_nlink == 2
    old_bytes, old_inode, other_inode = page.read_bytes(), page.stat().st_ino, other.stat().st_ino
    kept = open(page, "rb")  # a reader holding the old page while the site is rebuilt
    edit(mini / ART, "Spółdzielnie uczniowskie uczą współpracy.", "Spółdzielnie uczą demokracji.")
    build_site(mini, site, cache_dir=cache)
    assert kept.read() == old_bytes
    kept.close()
    assert page.stat().st_ino != old_inode and b"demokracji" in page.read_bytes()
    # the unchanged page is the same file, now also linked from the spare tree (the previous site)
    assert other.stat().st_ino == other_inode and other.stat().st_nlink == 3
    assert (site.parent / ".site-spare/publikacje/artykul-w-kwartalniku/index.html").stat().st_ino == old_inode


def test_an_in_place_write_by_the_engine_is_refused(tmp_path):
    from wiedza.errors import BuildError
    from wiedza.incremental import _check_no_in_place_writes, _inodes

    path = tmp_path / "a.html"
    path.write_text("stara")
    before = _inodes(tmp_path)
    with open(path, "w") as handle:   # what an engine writing in place would do
        handle.write("nowa treść")
    with pytest.raises(BuildError):
        _check_no_in_place_writes(before, _inodes(tmp_path))


def test_the_engine_cache_does_not_change_the_output(mini, tmp_path):
    """Compiled templates and the cached theme file listing (the MkDocs adapter's own cache) give
    the same files as MkDocs without them, on the first and on later runs."""
    from dataclasses import replace

    from wiedza.engine import EngineJob
    from wiedza.engine.mkdocs_engine import MkDocsEngine
    from wiedza.pipeline import NAV

    build_site(mini, tmp_path / "site", cache_dir=tmp_path / "cache")
    job = EngineJob(stage_dir=tmp_path / "cache/engine/docs", out_dir=tmp_path / "plain", site_url="https://example.pl/",
                    site_name="Wiedza", description="", copyright_html="", nav=NAV, build_epoch=0)
    engine = MkDocsEngine()
    engine.build(job)
    for run in ("first", "second"):
        engine.build(replace(job, out_dir=tmp_path / run, cache_dir=tmp_path / "engine-cache"))
        assert tree_hashes(tmp_path / run) == tree_hashes(tmp_path / "plain"), run
    assert any((tmp_path / "engine-cache").glob("theme-files-*.json"))


@pytest.mark.parametrize("change", ["body", "title", "added item"])
def test_pages_rendered_on_several_cores_are_the_same(mini, tmp_path, monkeypatch, change):
    """engine.parts deals the pages to render over processes (normally from 200 pages on):
    forced here for every build, clean and incremental, the bytes equal a one-process clean build."""
    from wiedza.engine import parts

    reference, before = tmp_path / "one-process", tmp_path / "before"
    shutil.copytree(mini, before)
    CHANGES[change](mini)
    build_site(mini, reference / "site", cache_dir=reference / "cache", clean=True)
    split = []
    real = parts.render_in_parts
    monkeypatch.setattr(parts, "worth_splitting", lambda count: count >= 1)   # whatever threads pytest runs
    monkeypatch.setattr(parts, "cores", lambda: 3)
    monkeypatch.setattr(parts, "render_in_parts", lambda *a: split.append(len(a[3])) or real(*a))
    assert tree_hashes(clean_build(mini, tmp_path, "split")) == tree_hashes(reference / "site")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build_site(before, site, cache_dir=cache)
    CHANGES[change](before)
    assert build_site(before, site, cache_dir=cache).incremental
    assert tree_hashes(site) == tree_hashes(reference / "site")
    assert len(split) == 3 and split[0] > split[-1] >= 1, "clean, first and incremental builds were split"
