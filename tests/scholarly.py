"""Shared by the citation, scholarly-metadata and OAI tests: tests/fixtures/mini with the items of
tests/fixtures/scholarly laid over it, built with the real pipeline (once per run: conftest's
`scholarly_built`)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
EXTRA = ROOT / "tests" / "fixtures" / "scholarly"
SITE_URL = "https://test.example.pl/"


def content_copy(target: Path) -> Path:
    shutil.copytree(MINI, target)
    shutil.copytree(EXTRA / "articles", target / "articles", dirs_exist_ok=True)
    return target


def build(base: Path) -> tuple:
    """(index, site dir) of the overlaid fixture built into `base`."""
    from wiedza.content.loader import load_site
    from wiedza.pipeline import build_site

    content = content_copy(base / "content")
    site = base / "site"
    build_site(content, site, cache_dir=base / "cache")
    return load_site(content), site


def page(site: Path, rel: str):
    return lxml_html.fromstring((site / rel).read_bytes())


def item_page(site: Path, slug: str):
    return page(site, f"publikacje/{slug}/index.html")


def metas(doc, name: str, attr: str = "name") -> list[str]:
    return [m.get("content") for m in doc.xpath(f"//head/meta[@{attr}=$n]", n=name)]


def meta(doc, name: str, attr: str = "name") -> str | None:
    values = metas(doc, name, attr)
    assert len(values) <= 1, (name, values)
    return values[0] if values else None


# Fixtures for the modules that import them: the one scholarly build of the run (conftest).
@pytest.fixture(scope="module")
def index(scholarly_built):
    return scholarly_built[0]


@pytest.fixture(scope="module")
def site(scholarly_built):
    return scholarly_built[1]


def by_slug(index, slug):
    return next(r for r in index.research if r.slug == slug)
