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
