"""The memos that make a rebuild after a small edit fast (kits, citations, worksheet pages, feeds,
front matter, rendered bodies): an unchanged input is served from the cache without the work, a changed
input is never served stale, and a damaged cache file is ignored. "Same output" always means the
same bytes and the same page additions as a run that did not use the memo."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import edit
from scholarly import content_copy
from wiedza.content import frontmatter, render
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid
from wiedza.outputs import attachments, citations, convert, feeds, kit_cache, kits
from wiedza.outputs.context import BuildContext
from wiedza.stage import Stage

KIT = "lessons/zestaw-testowy"


def run(content: Path, cache: Path, out: Path, writers=(attachments, kits, citations)):
    """Load and run the writers into a fresh stage (no engine): everything they produced."""
    index = load_site(content, cache_dir=cache)
    ctx = BuildContext(index=index, stage=Stage(out), cache_dir=cache)
    stats = {w.__name__: w.write(ctx) for w in writers}
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    pages = {path: (page.title, page.body_html) for path, page in ctx.stage.pages.items()}
    return {"files": files, "pages": pages, "sections": ctx.sections, "heads": ctx.heads,
            "downloads": ctx.downloads}, stats


def no_memo(monkeypatch):
    """A run that ignores every remembered kit, citation item and worksheet page."""
    monkeypatch.setattr(kit_cache.KitStore, "kit", lambda self, fingerprint: None)
    monkeypatch.setattr(citations, "_valid_entry", lambda entry: False)
    monkeypatch.setattr(attachments.memo.JsonMemo, "get", lambda self, key, valid=None: None)


def refuse(*_args, **_kwargs):
    raise AssertionError("an unchanged input must come from the memo")


def refuse_front_matter(monkeypatch):
    """Front matter must come from the memo; the registries (site.yml…) are always parsed."""
    parse = frontmatter.parse_yaml

    def only_registries(text, path, report, first_line=1):
        assert first_line == 1, f"{path}: front matter parsed again"
        return parse(text, path, report, first_line)
    monkeypatch.setattr(frontmatter, "parse_yaml", only_registries)


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    """The scholarly content (kit, research items, worksheet) built once: its content and cache."""
    base = tmp_path_factory.mktemp("warmed")
    content = content_copy(base / "content")
    first, _ = run(content, base / "cache", base / "out")
    return base, first


@pytest.fixture
def copy(warmed, tmp_path):
    """A writable copy of the warmed content and cache, run once where it now lies (the memos
    know files by path and identity), and the output of that run."""
    base, first = warmed
    shutil.copytree(base / "content", tmp_path / "content", symlinks=True)
    shutil.copytree(base / "cache", tmp_path / "cache")
    moved, _ = run(tmp_path / "content", tmp_path / "cache", tmp_path / "first")
    assert moved == first, "the output does not depend on where the content lies"
    return tmp_path / "content", tmp_path / "cache", first


# -- unchanged inputs cost a lookup ------------------------------------------------------------------
def test_an_unchanged_site_is_served_from_the_memos(copy, tmp_path, monkeypatch):
    content, cache, first = copy
    for module, name in ((kits, "plan_html"), (kits, "sheet_html"), (kits, "_run"), (kit_cache.KitStore, "get"),
                         (citations, "csl_item"), (citations, "format_citation"), (attachments, "render_markdown"),
                         (render, "_render")):
        monkeypatch.setattr(module, name, refuse)
    refuse_front_matter(monkeypatch)
    again, stats = run(content, cache, tmp_path / "again")
    assert again == first
    kit_stats = stats["wiedza.outputs.kits"]
    assert kit_stats.zip_cache_hits == 1 and kit_stats.zips_built == 0
    assert kit_stats.cache_hits == kit_stats.documents == 5 and not kit_stats.rendered


def test_editing_an_article_rebuilds_no_kit(copy, tmp_path, monkeypatch):
    content, cache, _ = copy
    edit(content / "articles/artykul-w-kwartalniku.md", "Spółdzielnie uczniowskie uczą współpracy.",
         "Spółdzielnie uczą demokracji.")
    monkeypatch.setattr(kits, "plan_html", refuse)
    monkeypatch.setattr(kits, "sheet_html", refuse)
    _, stats = run(content, cache, tmp_path / "again", writers=(attachments, kits))
    assert stats["wiedza.outputs.kits"].zips_built == 0


# -- every input a kit, citation or worksheet page is made from invalidates it ---------------------------
def _author(content: Path) -> None:
    edit(content / "authors.yml", "  given: Adam", "  given: Adaś")


def _setting(content: Path) -> None:
    edit(content / "site.yml", "title: Wiedza – wersja testowa", "title: Wiedza – inny tytuł")


def _topic(content: Path) -> None:
    text = (content / "vocabularies.yml").read_text(encoding="utf-8")
    key = "spoldzielnie-uczniowskie:"
    start = text.index(key)
    name = text.index("name:", start)
    end = text.index("\n", name)
    (content / "vocabularies.yml").write_text(text[:name] + "name: Temat po zmianie" + text[end:], encoding="utf-8")


def _worksheet(content: Path) -> None:
    sheet = content / KIT / "karta-pracy.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n3. Kto prowadzi zebrania?\n", encoding="utf-8")


def _kit_attachment(content: Path) -> None:
    edit(content / KIT / "index.md", "    in_kit: false\n", "")
    (content / KIT / "notatki.txt").write_text("Nowe notatki dla prowadzącego.\n", encoding="utf-8")


def _article(content: Path) -> None:
    edit(content / "articles/artykul-w-kwartalniku.md", "Spółdzielnie uczniowskie uczą współpracy.",
         "Spółdzielnie uczą demokracji.")


CHANGES = {"author": _author, "setting": _setting, "topic name": _topic, "worksheet": _worksheet,
           "kit attachment": _kit_attachment}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_gives_what_a_run_without_memos_gives(copy, tmp_path, monkeypatch, change):
    content, cache, first = copy
    CHANGES[change](content)
    warm, _ = run(content, cache, tmp_path / "warm")
    assert warm != first, "the change must show in the output"
    no_memo(monkeypatch)
    shutil.copytree(cache, tmp_path / "cache-copy")
    reference, _ = run(content, tmp_path / "cache-copy", tmp_path / "reference")
    assert warm == reference


def _png(path: Path, colour: str) -> None:
    from PIL import Image

    Image.new("RGB", (8, 8), colour).save(path, format="PNG", compress_level=0)   # size independent of colour


def test_an_edited_image_rebuilds_the_plan(copy, tmp_path, monkeypatch):
    """An image the lesson body shows is part of the plan's PDF, though the plan's text and the
    image's size stay the same."""
    content, cache, _ = copy
    _png(content / KIT / "schemat.png", "red")
    edit(content / KIT / "index.md", "attachments:\n", "attachments:\n  - file: schemat.png\n    title: Schemat\n    kind: image\n")
    edit(content / KIT / "index.md", "Rozdaj [kartę pracy](karta-pracy.md).",
         "Rozdaj [kartę pracy](karta-pracy.md).\n\n![Schemat spółdzielni](schemat.png)")
    before, _ = run(content, cache, tmp_path / "before", writers=(attachments, kits))
    size = (content / KIT / "schemat.png").stat().st_size
    _png(content / KIT / "schemat.png", "blue")
    assert (content / KIT / "schemat.png").stat().st_size == size
    after, stats = run(content, cache, tmp_path / "after", writers=(attachments, kits))
    assert stats["wiedza.outputs.kits"].pdf_renders == 1 and before["files"] != after["files"]
    no_memo(monkeypatch)
    reference, _ = run(content, cache, tmp_path / "reference", writers=(attachments, kits))
    assert after == reference


def test_a_change_gives_what_a_clean_build_gives(copy, tmp_path):
    """Once against a really empty cache (WeasyPrint and pandoc run again)."""
    content, cache, _ = copy
    _author(content)
    _worksheet(content)
    warm, _ = run(content, cache, tmp_path / "warm")
    clean, stats = run(content, tmp_path / "empty", tmp_path / "clean")
    assert stats["wiedza.outputs.kits"].cache_hits == 0
    assert warm == clean


def test_an_edited_worksheet_changes_its_page(copy, tmp_path):
    content, cache, first = copy
    _worksheet(content)
    warm, _ = run(content, cache, tmp_path / "warm", writers=(attachments,))
    page = "scenariusze/zestaw-testowy/karta-pracy.html"
    assert "Kto prowadzi zebrania?" in warm["pages"][page][1]
    assert "Kto prowadzi zebrania?" not in first["pages"][page][1]


# -- damaged caches are ignored --------------------------------------------------------------------------
def test_damaged_memo_files_are_ignored(copy, tmp_path):
    content, cache, first = copy
    damaged = [cache / "kits" / kit_cache.INDEX, cache / citations.ITEMS_FILE, cache / attachments.MEMO_FILE,
               cache / "front-matter-v1.json", *sorted((cache / "render-v2").glob("*.txt"))]
    for path in damaged:
        assert path.is_file(), path
        path.write_bytes(path.read_bytes()[:-7] + b"\xff{nie")
    again, _ = run(content, cache, tmp_path / "again")
    assert again == first


def test_a_foreign_memo_entry_is_a_miss(copy, tmp_path):
    """Entries of the right key but the wrong shape (another version, a hand edit) are not used."""
    content, cache, first = copy
    for path in (cache / citations.ITEMS_FILE, cache / attachments.MEMO_FILE, cache / "front-matter-v1.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({key: {"inny": "kształt"} for key in data}), encoding="utf-8")
    index = json.loads((cache / "kits" / kit_cache.INDEX).read_text(encoding="utf-8"))
    for record in index["kits"].values():
        record["files"] = "zepsute"
    (cache / "kits" / kit_cache.INDEX).write_text(json.dumps(index), encoding="utf-8")
    again, _ = run(content, cache, tmp_path / "again")
    assert again == first


def test_a_replaced_blob_is_checked_again(copy, tmp_path):
    """A cached file whose identity changed is hashed: the same bytes are used, others are not."""
    content, cache, first = copy
    index = json.loads((cache / "kits" / kit_cache.INDEX).read_text(encoding="utf-8"))
    zip_blob = next(iter(index["kits"].values()))["zip"]["blob"]
    path = cache / "kits" / zip_blob[:2] / zip_blob
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)                           # same bytes, new inode
    again, stats = run(content, cache, tmp_path / "again", writers=(attachments, kits))
    assert stats["wiedza.outputs.kits"].zips_built == 0
    path.unlink()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))   # damaged
    third, stats = run(content, cache, tmp_path / "third", writers=(attachments, kits))
    assert stats["wiedza.outputs.kits"].zips_built == 1
    assert third["files"] == again["files"] and all(again["files"][k] == first["files"][k] for k in again["files"])


# -- the tools' fingerprint ---------------------------------------------------------------------------------
def test_tool_fingerprint_is_kept_while_its_files_are_unchanged(tmp_path):
    fingerprint = convert.cached_tool_fingerprint(tmp_path)
    assert fingerprint == convert.tool_fingerprint()
    kept = json.loads((tmp_path / convert.TOOLS_FILE).read_text(encoding="utf-8"))
    assert any("libpango" in f for f in kept["files"]) and str(convert.PRINT_CSS) in kept["files"]
    # A stand-in file: while it is unchanged the kept value stands, once it changes it is recomputed.
    probe_file = tmp_path / "narzędzie.so"
    probe_file.write_bytes(b"1")
    kept = {"files": [str(probe_file)], "probe": convert._probe([str(probe_file)]), "fingerprint": "zapamiętany"}
    (tmp_path / convert.TOOLS_FILE).write_text(json.dumps(kept), encoding="utf-8")
    assert convert.cached_tool_fingerprint(tmp_path) == "zapamiętany"
    probe_file.write_bytes(b"22")
    assert convert.cached_tool_fingerprint(tmp_path) == fingerprint


# -- citations ------------------------------------------------------------------------------------------------
def test_catalogue_csl_json_is_joined_from_the_items(copy):
    content, cache, first = copy
    index = load_site(content)
    records = [citations.csl_item(index, item) for item in index.research]
    assert len(records) > 3
    assert first["files"]["publikacje/wszystkie.json"] == citations.csl_json(records).encode("utf-8")
    assert citations._catalogue_json([]) == citations.csl_json([])


# -- loading ----------------------------------------------------------------------------------------------------
def _load(content: Path, cache: Path | None):
    try:
        index = load_site(content, cache_dir=cache)
    except ContentInvalid as exc:
        return [e.format() for e in exc.report.items]
    return (index.research, index.lessons, index.pages, dict(index.bodies), [w.format() for w in index.warnings])


def test_a_warm_load_equals_a_cold_one(copy, monkeypatch):
    content, cache, _ = copy
    cold = _load(content, None)
    refuse_front_matter(monkeypatch)
    monkeypatch.setattr(render, "_render", refuse)
    assert _load(content, cache) == cold


BROKEN = {
    "unknown field": ("articles/artykul-w-kwartalniku.md", "title:", "tytul: x\ntitle:"),
    "impossible date": ("articles/artykul-w-kwartalniku.md", "date: 2025-", "date: 2025-02-30\nold_date: 2025-"),
    "duplicate key": ("articles/artykul-w-kwartalniku.md", "title:", "title: A\ntitle:"),
    "yaml syntax": ("articles/artykul-w-kwartalniku.md", "title:", "title: [niezamknięte\nx:"),
    "unfinished": ("articles/artykul-w-kwartalniku.md", "Spółdzielnie uczniowskie", "UZUPEŁNIJ Spółdzielnie uczniowskie"),
    "missing attachment": (f"{KIT}/index.md", "file: notatki.txt", "file: brak.txt"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_messages_are_the_same_with_a_warm_cache(copy, case):
    """Errors and warnings keep file, line and field whether or not the front matter was parsed
    before; the memo is warmed with the broken file too."""
    content, cache, _ = copy
    rel, old, new = BROKEN[case]
    edit(content / rel, old, new)
    first = _load(content, cache)
    assert first == _load(content, cache) == _load(content, None)
    assert case != "unfinished" or any("UZUPEŁNIJ" in w for w in first[4])


def test_unfinished_marker_line_counts_lines_as_editors_do(tmp_path):
    """CRLF, old Mac CR and Unicode line separators count as the editor counts them (as
    str.splitlines does), also with control characters that the loader removes."""
    from wiedza.errors import Report

    text = "---\r\ntitle: x\r\n---\r\nakapit\u2028drugi\x0bwiersz\rtrzeci\x1c\nUZUPEŁNIJ tu\n"
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    raw = frontmatter.read_markdown(path, Report())
    expected = next(n for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)
                    if "UZUPEŁNIJ" in line)
    assert raw.unfinished_line == expected == 9


def test_front_matter_memo_keeps_only_plain_values(tmp_path):
    """YAML whose values JSON cannot give back exactly (numeric keys) is parsed every time."""
    from wiedza.content import memo
    from wiedza.errors import Report

    path = tmp_path / "a.md"
    path.write_text("---\ntitle: x\n1: jeden\nliczba: 1.5\n---\ntreść\n", encoding="utf-8")
    parsed = memo.JsonMemo(tmp_path / "m.json")
    raw = frontmatter.read_markdown(path, Report(), parsed=parsed)
    assert raw.meta == {"title": "x", 1: "jeden", "liczba": 1.5} and not parsed.used
    path.write_text("---\ntitle: x\nliczba: 1.5\nlista: [1, yes, ~]\n---\ntreść\n", encoding="utf-8")
    raw = frontmatter.read_markdown(path, Report(), parsed=parsed)
    parsed.save()
    again = frontmatter.read_markdown(path, Report(), parsed=memo.JsonMemo(tmp_path / "m.json"))
    assert again.meta == raw.meta == {"title": "x", "liczba": 1.5, "lista": [1, True, None]}
    assert again.lines == raw.lines and again.body == raw.body == "treść\n"


def test_an_unwritable_cache_still_gives_the_same_kits(copy, tmp_path, monkeypatch):
    content, cache, first = copy
    monkeypatch.setattr(kit_cache.KitStore, "kit", lambda self, fingerprint: None)
    monkeypatch.setattr(kit_cache.KitStore, "check", lambda self, key: False)   # the ZIP is built again…
    monkeypatch.setattr(kit_cache.KitStore, "put", lambda self, key, data: False)   # …and cannot be kept
    again, stats = run(content, cache, tmp_path / "again", writers=(attachments, kits))
    assert stats["wiedza.outputs.kits"].zips_built == 1
    assert again["files"] == {k: v for k, v in first["files"].items() if k in again["files"]}
    assert again["heads"] == first["heads"]


def test_formatted_citations_of_unchanged_items_are_kept(copy, tmp_path):
    """Editing one item formats only its record; the other items' entries stay for later."""
    content, cache, _ = copy
    (kept,) = cache.glob("citations-v*.json")
    before = json.loads(kept.read_text(encoding="utf-8"))
    edit(content / "articles/artykul-w-kwartalniku.md", "title: Spółdzielnie w szkołach", "title: Spółdzielczość w szkołach")
    run(content, cache, tmp_path / "again", writers=(attachments, citations))
    after = json.loads(kept.read_text(encoding="utf-8"))
    assert len(after) == len(before) and len(set(after) - set(before)) == 2   # two styles of one new record


def test_unchanged_feeds_are_not_rendered_again(copy, tmp_path, monkeypatch):
    """A feed whose key is the one the last build staged keeps its file; an edited item's feeds
    are rendered again (and give what a clean build gives: tests/test_incremental.py)."""
    from wiedza.pipeline import build_site

    content, cache, _ = copy
    build_site(content, tmp_path / "site", cache_dir=cache)
    rendered = []
    real = feeds.render
    monkeypatch.setattr(feeds, "render", lambda ctx, spec, *a: rendered.append(spec.name) or real(ctx, spec, *a))
    build_site(content, tmp_path / "site", cache_dir=cache)
    assert rendered == []
    _article(content)
    build_site(content, tmp_path / "site", cache_dir=cache)
    assert {"wszystko", "czasopismo-kwartalnik-testowy", "temat-spoldzielnie-uczniowskie"} <= set(rendered)
    assert "temat-reintegracja" not in rendered and len(rendered) < 20, rendered
