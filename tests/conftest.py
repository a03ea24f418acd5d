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
