"""Bad input never breaks the portal: random front matter and bodies, killed and concurrent builds,
reproducible output from another directory and another time."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, ROOT, edit
from test_build import tree_hashes
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid
from wiedza.pipeline import build_site

ART = "articles/artykul-w-kwartalniku.md"

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.text(max_size=50), st.text(alphabet="ąćęłńóśźż<>&\"'`]]>\x00\x0b\u202e🙂", max_size=30),
    st.sampled_from(["2025-02-30", "1.10", "yes", "no", "III.2", "../../etc/passwd", "x" * 5000]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)
FIELDS = ["id", "title", "type", "date", "updated", "authors", "abstract", "topics", "actions", "language",
          "licence", "doi", "isbn", "pages", "periodical", "volume", "issue", "attachments", "keywords", "zzz"]


@pytest.fixture(scope="module")
def shared_copy(tmp_path_factory) -> Path:
    """One copy of the mini tree per test; each example rewrites only the article under test."""
    content = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(MINI, content)
    return content


def _load(content: Path) -> None:
    try:
        load_site(content)
    except ContentInvalid as exc:
        assert exc.report.errors, "ContentInvalid always carries at least one error"
        for error in exc.report.errors:
            assert error.path and error.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.dictionaries(st.sampled_from(FIELDS), values, max_size=12))
def test_random_front_matter_gives_errors_not_exceptions(shared_copy, front):
    content = shared_copy
    try:
        text = yaml.safe_dump(front, allow_unicode=True)
    except yaml.YAMLError:
        return
    (content / ART).write_text(f"---\n{text}---\nTreść.\n", encoding="utf-8", errors="surrogatepass")
    _load(content)


RAW_YAML = ["title: !!python/object/apply:os.system ['true']", "a: &x [*x]", "? [a, b]\n: c", "title: |\n  x\n y",
            "- lista\n- zamiast\n- mapy", "title: 'niedomknięty", "\t\ttabulatory: 1", "&a a: *a", "x: !!binary AAAA"]


@pytest.mark.parametrize("raw", RAW_YAML)
def test_hostile_yaml_gives_errors(mini, raw):
    (mini / ART).write_text(f"---\n{raw}\n---\nTreść\n", encoding="utf-8")
    with pytest.raises(ContentInvalid):
        load_site(mini)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
       | st.sampled_from(["[x](", "[a](b.md#", "<script>alert(1)</script>", "](javascript:alert(1))",
                          "<img src=x onerror=alert(1)>", "```\n" * 3, "| a |\n|---|\n" * 50, "[x]: <>"]))
def test_random_bodies_render_or_report(shared_copy, body):
    content = shared_copy
    path = content / ART
    front = (MINI / ART).read_text(encoding="utf-8").split("---\n")[1]
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    try:
        index = load_site(content)
    except ContentInvalid:
        return
    html = index.bodies["test-art-1"]
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", html, flags=re.I), html
    assert not re.search(r"(?:href|src)\s*=\s*[\"']?\s*(?:javascript|data|vbscript):", html, flags=re.I), html


def _wiedza(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wiedza.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_killed_build_leaves_previous_site_complete(mini, tmp_path):
    """SIGKILL at several moments of a build of *changed* content: site/ and search/ are each
    either the complete previous tree or the complete new one, never a mix or nothing."""
    site, search = tmp_path / "site", tmp_path / "search"
    build_site(MINI, site, search_dir=search)
    old = (tree_hashes(site), tree_hashes(search))
    edit(mini / ART, "Krótki abstrakt", "Zmieniony abstrakt")
    reference = tmp_path / "reference"
    build_site(mini, reference / "site", search_dir=reference / "search", cache_dir=reference / "cache")
    new = (tree_hashes(reference / "site"), tree_hashes(reference / "search"))
    assert old[0] != new[0] and old[1] != new[1]
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4, 1.8):
        process = _wiedza("build", "--quiet", "--content", str(mini), "--site-dir", str(site),
                          "--search-dir", str(search))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert tree_hashes(site) in (old[0], new[0]), f"site/ is a mix after SIGKILL at {delay} s"
        assert tree_hashes(search) in (old[1], new[1]), f"search/ is a mix after SIGKILL at {delay} s"
    build_site(mini, site, search_dir=search)
    assert (tree_hashes(site), tree_hashes(search)) == new
    leftovers = [p.name for p in tmp_path.iterdir() if p.is_dir() and p.name not in (".cache", "content", "reference")]
    # the spare tree (the previous site, see wiedza.publish) is no leftover: the next build reuses it
    assert sorted(leftovers) == [".site-spare", "search", "site"], "leftovers of killed builds are removed"


def test_concurrent_builds_do_not_corrupt_each_other(tmp_path):
    site = tmp_path / "site"
    processes = [_wiedza("build", "--quiet", "--content", str(MINI), "--site-dir", str(site)) for _ in range(2)]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    reference = tmp_path / "reference"
    build_site(MINI, reference)
    assert tree_hashes(site) == tree_hashes(reference)


def test_reproducible_from_another_directory_and_time(tmp_path):
    first, second = tmp_path / "a" / "content", tmp_path / "b" / "elsewhere" / "tresc"
    shutil.copytree(MINI, first)
    shutil.copytree(MINI, second)
    build_site(first, tmp_path / "a" / "site", search_dir=tmp_path / "a" / "search")
    time.sleep(1.1)  # a different wall-clock second must not show anywhere
    env_tz = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        build_site(second, tmp_path / "b" / "site", search_dir=tmp_path / "b" / "search")
    finally:
        os.environ.pop("TZ") if env_tz is None else os.environ.__setitem__("TZ", env_tz)
        time.tzset()
    assert tree_hashes(tmp_path / "a" / "site") == tree_hashes(tmp_path / "b" / "site")
    assert tree_hashes(tmp_path / "a" / "search") == tree_hashes(tmp_path / "b" / "search")


def test_the_command_says_everything_and_exits_with_its_code(mini, tmp_path):
    """`wiedza` leaves with os._exit (no heap teardown): its output must still arrive whole, its
    exit code be main()'s, and the site be complete, also when the output is a pipe."""
    from wiedza.cli import EXIT_CONTENT, EXIT_OK

    site, search = tmp_path / "site", tmp_path / "search"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # a pipe buffers stdout
    done = _wiedza("build", "--content", str(mini), "--site-dir", str(site), "--search-dir", str(search), env=buffered)
    out, err = done.communicate(timeout=300)
    assert done.returncode == EXIT_OK, err
    assert out.startswith("Gotowe: ") and out.endswith(" s.\n")
    assert "… publikacja site/" in err                      # progress, on stderr
    reference = tmp_path / "reference"
    build_site(mini, reference, search_dir=tmp_path / "reference-search", cache_dir=tmp_path / "reference-cache")
    assert tree_hashes(site) == tree_hashes(reference)
    edit(mini / ART, "title:", "titel:")
    done = _wiedza("build", "--content", str(mini), "--site-dir", str(site), "--search-dir", str(search), env=buffered)
    out, err = done.communicate(timeout=300)
    assert done.returncode == EXIT_CONTENT and out == ""
    assert ART in err and err.rstrip().endswith("poprzednia wersja site/ pozostała bez zmian.")
