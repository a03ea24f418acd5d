"""Lesson kits: the ZIP and every file in it, opened with real readers (pypdf, python-docx, odfpy);
byte-identical rebuilds; the cache; JSON-LD on the kit page."""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odf
from pypdf import PdfReader

from conftest import MINI, SAMPLE
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid
from wiedza.outputs import attachments, convert, kits
from wiedza.outputs.context import BuildContext
from wiedza.outputs.lesson_jsonld import script_tag
from wiedza.pipeline import build_site
from wiedza.stage import Stage

POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


# -- helpers ------------------------------------------------------------------------------------
def kit_zip(site: Path, lesson) -> Path:
    return site / "scenariusze" / lesson.slug / f"{lesson.slug}-zestaw.zip"


def read_zip(path: Path) -> tuple[zipfile.ZipFile, dict[str, bytes]]:
    archive = zipfile.ZipFile(path)
    return archive, {info.filename: archive.read(info) for info in archive.infolist()}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_headings(data: bytes) -> tuple[str, list[str]]:
    document = docx.Document(io.BytesIO(data))
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    return title, [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def odt_headings(data: bytes) -> tuple[str, list[str]]:
    document = load_odf(io.BytesIO(data))
    title = next(teletype.extractText(p) for p in document.getElementsByType(odf_text.P)
                 if p.getAttribute("stylename") == "Title")
    return title, [teletype.extractText(h) for h in document.getElementsByType(odf_text.H)]


def kits_only(index, cache: Path, out: Path, jobs: int = 2):
    """Run the attachments and kits writers alone (no engine): returns (context, stats)."""
    ctx = BuildContext(index=index, stage=Stage(out), cache_dir=cache, jobs=jobs)
    attachments.write(ctx)
    return ctx, kits.write(ctx)


def tree(root: Path, suffixes=(".zip", ".pdf", ".docx", ".odt")) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in suffixes}


def check_kit(site: Path, index, lesson) -> dict[str, bytes]:
    """Everything every kit must satisfy; returns the entries for kit-specific checks."""
    archive, files = read_zip(kit_zip(site, lesson))
    names = [i.filename for i in archive.infolist()]
    assert names == sorted(names), "entries must be sorted"
    when = (max(lesson.modified.year, 1980), lesson.modified.month, lesson.modified.day, 12, 0, 0)
    for info in archive.infolist():
        assert kits.windows_safe(info.filename), info.filename
        assert info.date_time == when, info.filename
        assert info.external_attr >> 16 == 0o100644 and info.create_system == 3
        assert info.extra == b"", f"{info.filename} has extra fields"
        assert not info.filename.endswith("/")
    assert len({n.casefold() for n in names}) == len(names), "names must differ also without case"
    # manifest: every other entry with its size and SHA-256
    manifest = json.loads(files["manifest.json"])
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["size"] == len(files[name]), name
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest(), name
    assert manifest["kit"]["version"] == lesson.version and manifest["kit"]["url"] == index.url_of(lesson)
    # the plan in three formats
    stem = f"{kits.PLAN} – "
    plan = {n.rsplit(".", 1)[1]: files[n] for n in files if n.startswith(stem)}
    assert set(plan) == {"pdf", "docx", "odt"}
    text = pdf_text(plan["pdf"])
    assert lesson.title.split()[0] in text and "Metryczka zajęć" in text and "Przebieg zajęć" in text
    assert POLISH & set(text), "Polish letters must survive in the PDF text"
    assert re.search(r"Strona 1 z \d+", text)
    reader = PdfReader(io.BytesIO(plan["pdf"]))
    assert reader.metadata.title == lesson.title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "pl" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp or b"<pdfuaid:part>1<" in xmp, "PDF/UA-1 identification"
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842), "A4"
    for fmt, headings_of in (("docx", docx_headings), ("odt", odt_headings)):
        title, headings = headings_of(plan[fmt])
        assert title == lesson.title, fmt
        for heading in ("Metryczka zajęć", "Cele zajęć", "Przebieg zajęć", "Jak cytować"):
            assert heading in headings, (fmt, heading, headings)
    core = docx.Document(io.BytesIO(plan["docx"])).core_properties
    assert core.created.date() == lesson.modified.date(), "DOCX dates come from the content, not the clock"
    # every in-kit attachment; Markdown ones also converted
    for attachment in lesson.attachments:
        entries = [n for n, e in listed.items() if e["title"] == attachment.title and e["kind"] == attachment.kind]
        if not attachment.in_kit:
            assert not entries, attachment.file
            continue
        extensions = sorted(n.rsplit(".", 1)[1] for n in entries)
        expected = {"md": ["docx", "md", "pdf"] + (["odt"] if attachment.kind == "template" else [])}
        assert extensions == sorted(expected.get(attachment.extension, [attachment.extension])), (attachment.file, entries)
        source = next(n for n in entries if n.endswith("." + attachment.extension))
        assert files[source] == attachment.source.read_bytes()
        for name in entries:
            assert listed[name]["template"] == (attachment.kind == "template")
    readme = files["CZYTAJ.txt"].decode("utf-8-sig")
    for needle in (lesson.title, lesson.version, index.url_of(lesson), "Jak cytować", "LICENCJA.txt",
                   index.vocab.licences[lesson.licence].url):
        assert needle in readme, needle
    assert "\r\n" in readme
    licence = files["LICENCJA.txt"].decode("utf-8-sig")
    assert index.vocab.licences[lesson.licence].name in licence and index.url_of(lesson) in licence
    return files


# -- the small fixture, through the whole pipeline ------------------------------------------------
@pytest.fixture(scope="module")
def mini_builds(tmp_path_factory):
    """Two cold builds with separate caches, and a third one warm."""
    root = tmp_path_factory.mktemp("kits-mini")
    a = build_site(MINI, root / "a", cache_dir=root / "cache-a")
    b = build_site(MINI, root / "b", cache_dir=root / "cache-b")
    c = build_site(MINI, root / "c", cache_dir=root / "cache-a")
    return root, (a, b, c)


def test_mini_kit_is_complete(mini_builds):
    root, _ = mini_builds
    index = load_site(MINI)
    lesson = index.lessons[0]
    files = check_kit(root / "a", index, lesson)
    assert "Karty pracy/Karta pracy.pdf" in files and "Karty pracy/Karta pracy.docx" in files
    assert not any(n.endswith(".txt") and "Notatki" in n for n in files), "in_kit: false stays out"
    sheet = pdf_text(files["Karty pracy/Karta pracy.pdf"])
    assert "Co to jest spółdzielnia?" in sheet
    title, headings = docx_headings(files["Karty pracy/Karta pracy.docx"])
    assert title == "Karta pracy"


def test_each_file_is_also_published_beside_the_kit_page(mini_builds):
    root, _ = mini_builds
    folder = root / "a" / "scenariusze" / "zestaw-testowy"
    _, files = read_zip(folder / "zestaw-testowy-zestaw.zip")
    for name in ("zestaw-testowy-plan-zajec.pdf", "zestaw-testowy-plan-zajec.docx", "zestaw-testowy-plan-zajec.odt",
                 "karta-pracy.pdf", "karta-pracy.docx"):
        assert (folder / name).is_file(), name
    assert (folder / "karta-pracy.pdf").read_bytes() == files["Karty pracy/Karta pracy.pdf"]
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="zestaw-testowy-zestaw\.zip"[^>]*>Pobierz cały zestaw</a> '
                     r'<span class="wiedza-filemeta">\(ZIP, \d+ KB\)</span>', html)
    for title in ("Plan zajęć (PDF)", "Plan zajęć (DOCX)", "Plan zajęć (ODT)", "Karta pracy (PDF)", "Karta pracy (DOCX)"):
        assert re.search(re.escape(title) + r'</a> <span class="wiedza-filemeta">\((PDF|DOCX|ODT), \d+ KB\)', html), title


def test_kit_page_has_learning_resource_json_ld(mini_builds):
    root, _ = mini_builds
    html = (root / "a" / "scenariusze/zestaw-testowy/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = next(d for d in map(json.loads, blocks) if d.get("@type") == "LearningResource")
    assert data["inLanguage"] == "pl" and data["timeRequired"] == "PT90M" and data["typicalAgeRange"] == "10-12"
    assert data["version"] == "1.10" and data["datePublished"] == "2025-09-01"
    assert data["license"].startswith("https://creativecommons.org/")
    assert data["author"][0]["@type"] == "Person" and data["author"][0]["name"] == "Adam Lis"
    alignment = data["educationalAlignment"][0]
    assert alignment == {"@type": "AlignmentObject", "alignmentType": "teaches",
                         "educationalFramework": "Podstawa programowa kształcenia ogólnego",
                         "targetName": "Wiedza o społeczeństwie, II etap edukacyjny, WOS-test",
                         "targetDescription": "Uczeń opisuje formy współpracy."}
    assert data["teaches"] and data["educationalLevel"]
    zip_encoding = next(e for e in data["encoding"] if e["encodingFormat"] == "application/zip")
    assert zip_encoding["contentUrl"].endswith("/scenariusze/zestaw-testowy/zestaw-testowy-zestaw.zip")
    sheet = next(p for p in data["hasPart"] if p["name"] == "Karta pracy")
    assert {e["encodingFormat"] for e in sheet["encoding"]} == {
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def test_json_ld_cannot_break_out_of_its_script():
    tag = script_tag({"name": "</script><script>alert(1)</script><!-- x", "b": "</SCRIPT>"})
    inner = tag[len('<script type="application/ld+json">'):-len("</script>")]
    assert "</" not in inner and "<!--" not in inner
    assert json.loads(inner)["name"] == "</script><script>alert(1)</script><!-- x"


def test_two_builds_give_identical_kits(mini_builds):
    root, _ = mini_builds
    a, b, c = (tree(root / x / "scenariusze") for x in "abc")
    assert a and a.keys() == b.keys() == c.keys()
    for name in a:
        assert a[name] == b[name], f"{name} differs between two cold builds"
        assert a[name] == c[name], f"{name} differs between a cold and a cached build"


def test_second_run_takes_everything_from_the_cache(tmp_path):
    index = load_site(MINI)
    _, cold = kits_only(index, tmp_path / "cache", tmp_path / "one")
    assert cold.pdf_renders == 2 and cold.rendered["docx"] == 2 and cold.rendered["odt"] == 1
    assert cold.cache_hits == 0 and cold.zips_built == 1
    _, warm = kits_only(index, tmp_path / "cache", tmp_path / "two")
    assert warm.pdf_renders == 0 and sum(warm.rendered.values()) == 0, "WeasyPrint and pandoc must not run again"
    assert warm.cache_hits == warm.documents == 5 and warm.zip_cache_hits == 1 and warm.zips_built == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_output_does_not_depend_on_how_the_work_is_shared(tmp_path):
    """One process, worker processes, and threads (what `serve` uses: it has an HTTP thread)."""
    import threading

    index = load_site(MINI)
    kits_only(index, tmp_path / "c1", tmp_path / "one", jobs=1)
    kits_only(index, tmp_path / "c2", tmp_path / "forked", jobs=2)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        kits_only(index, tmp_path / "c3", tmp_path / "threads", jobs=2)
    finally:
        stop.set()
    one = tree(tmp_path / "one")
    assert one and one == tree(tmp_path / "forked") == tree(tmp_path / "threads")


def test_a_damaged_cache_entry_is_rebuilt_not_published(tmp_path):
    index = load_site(MINI)
    kits_only(index, tmp_path / "cache", tmp_path / "one")
    entries = sorted(p for p in (tmp_path / "cache" / "kits").rglob("*") if p.is_file())
    for path in entries:
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))
    _, stats = kits_only(index, tmp_path / "cache", tmp_path / "two")
    assert stats.cache_hits == 0 and sum(stats.rendered.values()) == 5
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_an_edited_worksheet_rebuilds_only_its_own_files(tmp_path, mini):
    _, cold = kits_only(load_site(mini), tmp_path / "cache", tmp_path / "one")
    sheet = mini / "lessons/zestaw-testowy/karta-pracy.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n2. Kto należy do spółdzielni?\n", encoding="utf-8")
    _, warm = kits_only(load_site(mini), tmp_path / "cache", tmp_path / "two")
    assert dict(warm.rendered) == {"pdf": 1, "docx": 1} and warm.cache_hits == 3 and warm.zips_built == 1


def test_office_files_are_deterministic_only_with_source_date_epoch(tmp_path):
    """Why pandoc gets SOURCE_DATE_EPOCH: docProps/core.xml and meta.xml otherwise hold 'now'."""
    html = '<!DOCTYPE html><html lang="pl"><head><title>T</title></head><body><h1>Żółw</h1><p>x</p></body></html>'
    for fmt, member in (("docx", "docProps/core.xml"), ("odt", "meta.xml")):
        data = convert.html_to_office(html, fmt, tmp_path, 1_700_000_000)
        xml = zipfile.ZipFile(io.BytesIO(data)).read(member).decode()
        assert "2023-11-14T22:13:20Z" in xml, xml
        assert all(i.date_time[:3] == (2023, 11, 14) for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
        assert data == convert.html_to_office(html, fmt, tmp_path, 1_700_000_000)


def test_windows_safe_names():
    assert kits.safe_name('Karta: „Co to jest?” <a>/b\\c|d*') == "Karta – „Co to jest” a-b-c-d"
    assert kits.safe_name("Zażółć gęślą jaźń.  ") == "Zażółć gęślą jaźń"
    assert kits.safe_name("CON") == "CON_" and kits.safe_name("aux.txt") == "aux_.txt" and kits.safe_name("...") == "plik"
    assert len(kits.safe_name("słowo " * 40)) <= 70
    for name in ("a/CON.pdf", "x/y. ", "a?.pdf", "b.", "c/ d /e.pdf", 'a"b.txt'):
        assert not kits.windows_safe(name), name
    assert kits.windows_safe("Wzory dokumentów/Wzór statutu spółdzielni – wersja 2.docx")


def test_polish_typography_keeps_short_words_with_the_next_one():
    out = convert.polish_typography("<p>Idę w las i z psem – o tak.</p><pre>w kodzie</pre>")
    assert out == "<p>Idę w\u00a0las i\u00a0z\u00a0psem\u00a0– o\u00a0tak.</p><pre>w kodzie</pre>"


# -- the sample content ---------------------------------------------------------------------------
def _lessons_only(tmp: Path) -> Path:
    target = tmp / "content"
    target.mkdir()
    for name in ("lessons", "authors.yml", "site.yml", "vocabularies.yml"):
        source = SAMPLE / name
        if source.is_dir():
            shutil.copytree(source, target / name, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def sample_kits(tmp_path_factory):
    """The sample lessons (content/lessons with the registries) through the kits writer."""
    root = tmp_path_factory.mktemp("kits-sample")
    try:
        index = load_site(_lessons_only(root))
    except ContentInvalid as exc:
        pytest.skip(f"the sample lessons do not load yet: {exc.report.errors[0].format()}")
    if not index.lessons:
        pytest.skip("no sample lessons yet")
    ctx, stats = kits_only(index, root / "cache", root / "site")
    return root, index, ctx, stats


def test_every_sample_kit_is_complete(sample_kits):
    root, index, _, stats = sample_kits
    for lesson in index.lessons:
        check_kit(root / "site", index, lesson)
    assert set(stats.sizes) == {l.slug for l in index.lessons}


def test_school_cooperative_pack_has_every_template_as_docx_odt_and_pdf(sample_kits):
    root, index, _, _ = sample_kits
    lesson = next((l for l in index.lessons if l.slug == "pakiet-startowy-spoldzielni-uczniowskiej"), None)
    if lesson is None:
        pytest.skip("content/lessons/pakiet-startowy-spoldzielni-uczniowskiej is not written yet")
    _, files = read_zip(kit_zip(root / "site", lesson))
    manifest = {f["name"]: f for f in json.loads(files["manifest.json"])["files"]}
    templates = [a for a in lesson.attachments if a.kind == "template" and a.extension == "md"]
    assert templates
    for attachment in templates:
        stem = f"{kits.KIND_FOLDERS['template']}/{kits.safe_name(attachment.title)}"
        for fmt in ("pdf", "docx", "odt"):
            name = f"{stem}.{fmt}"
            assert name in files, name
            assert manifest[name]["template"] is True and manifest[name]["kind"] == "template"
        assert "WZÓR" in pdf_text(files[f"{stem}.pdf"])
        core = docx.Document(io.BytesIO(files[f"{stem}.docx"])).core_properties
        assert core.category == "Wzór dokumentu"
        meta = zipfile.ZipFile(io.BytesIO(files[f"{stem}.odt"])).read("meta.xml").decode()
        assert 'meta:name="category"' in meta and "Wzór dokumentu" in meta
        assert odt_headings(files[f"{stem}.odt"])[0] == docx_headings(files[f"{stem}.docx"])[0]


def test_full_sample_site_builds_with_kits(sample_kits, tmp_path):
    """The whole content/ through the pipeline, when it loads (it is still being written)."""
    try:
        index = load_site(SAMPLE)
    except ContentInvalid as exc:
        errors = exc.report.errors
        pytest.skip(f"content/ does not load yet ({len(errors)} errors, first: {errors[0].format()})")
    root = sample_kits[0]
    build_site(SAMPLE, tmp_path / "site", cache_dir=root / "cache")
    for lesson in index.lessons:
        check_kit(tmp_path / "site", index, lesson)
