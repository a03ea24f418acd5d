"""Shared fixtures: a writable copy of the small real content tree, and a built site of it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["site_build", "browser"]  # shared fixtures: the full sample build, loopback servers

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
SAMPLE = ROOT / "content"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/mini that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    """tests/fixtures/mini built once with the real pipeline and MkDocs."""
    from wiedza.pipeline import build_site

    out = tmp_path_factory.mktemp("mini") / "site"
    build_site(MINI, out, cache_dir=out.parent / "cache")
    return out


def line_of(path: Path, startswith: str) -> int:
    """The line number (1-based) of the first line of `path` that starts with `startswith`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(startswith):
            return number
    raise AssertionError(startswith)


def errors_of(content: Path):
    """The errors load_site reports for a broken content tree (it must refuse it)."""
    from wiedza.content.loader import load_site
    from wiedza.errors import ContentInvalid

    with pytest.raises(ContentInvalid) as caught:
        load_site(content)
    return caught.value.report.errors


@pytest.fixture(scope="session")
def scholarly_built(tmp_path_factory):
    """(index, site) of the mini tree with tests/fixtures/scholarly over it, built once per run."""
    from scholarly import build

    return build(tmp_path_factory.mktemp("scholarly"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHROMIUM = "/usr/bin/chromium"   # Debian's package; never a browser downloaded by Playwright
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Playwright's sync API allows one per thread)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup --test (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
