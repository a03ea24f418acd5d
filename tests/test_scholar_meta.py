"""<head> metadata of research pages (Highwire, Dublin Core, OpenGraph, JSON-LD) and JSON-LD of
periodical and issue pages, parsed from the built site and compared with the content."""
from __future__ import annotations

import json
import re

import pytest

from scholarly import SITE_URL, by_slug, index, item_page, meta, metas, page, site  # noqa: F401 - index, site are fixtures
from wiedza.outputs.citations import full_title


def json_ld(doc) -> list[dict]:
    return [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]


def scholarly(index, item) -> bool:
    return index.vocab.types[item.type].scholarly


# -- Highwire -----------------------------------------------------------------------------------
def test_fixture_has_what_the_tests_need(index):
    types = {r.type for r in index.research}
    assert {"periodical-article", "monograph", "report", "research-article", "insert"} <= types
    assert any(r.language == "en" for r in index.research)


def test_highwire_tags_follow_the_content(site, index):
    for item in index.research:
        if not scholarly(index, item):
            continue
        doc = item_page(site, item.slug)
        assert meta(doc, "citation_title") == full_title(item)
        assert metas(doc, "citation_author") == [f"{index.authors[k].family}, {index.authors[k].given}" for k in item.authors]
        assert meta(doc, "citation_publication_date") == item.date.strftime("%Y/%m/%d")
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", meta(doc, "citation_publication_date"))
        assert meta(doc, "citation_language") == item.language
        assert meta(doc, "citation_doi") == item.doi
        assert meta(doc, "citation_isbn") == item.isbn
        assert meta(doc, "citation_issn") == index.issn_of(item)
        assert meta(doc, "citation_abstract_html_url") == index.url_of(item)
        if item.periodical:
            periodical = index.periodicals[item.periodical]
            assert meta(doc, "citation_journal_title") == periodical.title
            assert (meta(doc, "citation_volume"), meta(doc, "citation_issue")) == (str(item.volume), str(item.issue))
            assert meta(doc, "citation_publisher") is None
        else:
            assert meta(doc, "citation_journal_title") is None
            assert meta(doc, "citation_publisher") == (item.publisher or index.settings.operator)
        if item.pages:
            assert (meta(doc, "citation_firstpage"), meta(doc, "citation_lastpage")) == tuple(map(str, item.pages))
        else:
            assert meta(doc, "citation_firstpage") is None


def test_author_institution_and_orcid_follow_their_author(site):
    doc = item_page(site, "jeden-czlonek-jeden-glos")
    tags = [(m.get("name"), m.get("content")) for m in doc.xpath('//head/meta[starts-with(@name, "citation_author")]')]
    assert tags == [("citation_author", "Nowak, Ewa"), ("citation_author_institution", "Uczelnia Testowa"),
                    ("citation_author_orcid", "https://orcid.org/0000-0002-1825-0097"), ("citation_author", "Lis, Adam")]


def test_pdf_url_is_absolute_and_points_at_the_main_pdf(site):
    doc = item_page(site, "raport-testowy")
    assert meta(doc, "citation_pdf_url") == SITE_URL + "publikacje/raport-testowy/raport.pdf"
    assert (site / "publikacje/raport-testowy/raport.pdf").read_bytes().startswith(b"%PDF")
    assert meta(item_page(site, "monografia-testowa"), "citation_pdf_url") is None   # CSV data is not a PDF


def test_inserts_carry_no_citation_tags(site, index):
    inserts = [r for r in index.research if not scholarly(index, r)]
    assert inserts
    for item in inserts:
        doc = item_page(site, item.slug)
        assert not doc.xpath('//meta[starts-with(@name, "citation_")]')
        assert meta(doc, "DC.title") == item.title         # other metadata stays
        assert meta(doc, "og:title", "property") == item.title


# -- Dublin Core and OpenGraph ------------------------------------------------------------------
def test_dublin_core(site, index):
    for item in index.research:
        doc = item_page(site, item.slug)
        assert doc.xpath('//head/link[@rel="schema.DC"]/@href') == ["http://purl.org/dc/elements/1.1/"]
        assert meta(doc, "DC.title") == full_title(item)
        assert metas(doc, "DC.creator") == [f"{index.authors[k].family}, {index.authors[k].given}" for k in item.authors]
        assert meta(doc, "DC.date") == item.date.date().isoformat()
        identifiers = metas(doc, "DC.identifier")
        assert identifiers[0] == index.url_of(item)
        assert (f"https://doi.org/{item.doi}" in identifiers) == bool(item.doi)
        assert (f"urn:isbn:{item.isbn}" in identifiers) == bool(item.isbn)
        assert meta(doc, "DC.language") == item.language
        assert meta(doc, "DC.rights") == index.licence_of(item).url
        assert "Text" in metas(doc, "DC.type")
        assert meta(doc, "DC.publisher")


def test_opengraph(site, index):
    for item in index.research:
        doc = item_page(site, item.slug)
        og = lambda name: meta(doc, f"og:{name}", "property")  # noqa: E731
        assert og("title") == full_title(item)
        assert og("type") == "article"
        assert og("url") == index.url_of(item)
        assert og("description") == item.abstract
        assert og("locale") == ("en_US" if item.language == "en" else "pl_PL")
        assert og("site_name") == index.settings.title


def test_attribute_values_are_escaped(site):
    raw = (site / "publikacje/artykul-w-kwartalniku/index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Spółdzielnie w szkołach &amp; &lt;kooperacja&gt;">' in raw
    doc = item_page(site, "wkladka-testowa")
    abstract = 'Wkładka dla uczniów </script><script>alert("x")</script> <!-- i "cudzysłów" & więcej.'
    assert meta(doc, "DC.description") == abstract
    assert meta(doc, "og:description", "property") == abstract


# -- JSON-LD ------------------------------------------------------------------------------------
def test_json_ld_types(site, index):
    expected = {"periodical-article": "ScholarlyArticle", "research-article": "ScholarlyArticle",
                "tradition-study": "ScholarlyArticle", "monograph": "Book", "report": "Report", "insert": "Article"}
    for item in index.research:
        (data,) = json_ld(item_page(site, item.slug))
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == expected[item.type]
        assert data["name"] == full_title(item)
        assert data["url"] == data["@id"] == index.url_of(item)
        assert data["datePublished"] == item.date.date().isoformat()
        assert data["dateModified"] == item.modified.date().isoformat()
        assert data["inLanguage"] == item.language
        assert data["license"] == index.licence_of(item).url
        assert data["abstract"] == item.abstract
        ids = {i["propertyID"]: i["value"] for i in data.get("identifier", [])}
        assert ids.get("DOI") == item.doi
        assert ids.get("ISBN") == item.isbn


def test_json_ld_authors(site, index):
    (data,) = json_ld(item_page(site, "jeden-czlonek-jeden-glos"))
    nowak, lis = data["author"]
    assert nowak == {"@type": "Person", "name": "Ewa Nowak", "givenName": "Ewa", "familyName": "Nowak",
                     "url": SITE_URL + "autorzy/ewa-nowak.html",
                     "affiliation": {"@type": "Organization", "name": "Uczelnia Testowa"},
                     "sameAs": "https://orcid.org/0000-0002-1825-0097",
                     "identifier": {"@type": "PropertyValue", "propertyID": "ORCID", "value": "0000-0002-1825-0097"}}
    assert "sameAs" not in lis and "affiliation" not in lis


def test_json_ld_periodical_article_is_part_of_issue_volume_periodical(site):
    (data,) = json_ld(item_page(site, "jeden-czlonek-jeden-glos"))
    issue = data["isPartOf"]
    assert issue["@type"] == "PublicationIssue" and issue["issueNumber"] == "1"
    assert issue["url"] == SITE_URL + "czasopisma/kwartalnik-testowy/1-1.html"
    volume = issue["isPartOf"]
    assert volume == {"@type": "PublicationVolume", "volumeNumber": "1", "isPartOf": volume["isPartOf"]}
    periodical = volume["isPartOf"]
    assert periodical["@type"] == "Periodical" and periodical["issn"] == "2049-3630"
    assert periodical["name"] == "Kwartalnik Testowy"
    assert (data["pageStart"], data["pageEnd"]) == (45, 62)


def test_json_ld_book_has_isbn(site):
    (data,) = json_ld(item_page(site, "monografia-testowa"))
    assert data["isbn"] == "978-83-930000-0-5" and data["numberOfPages"] == 120
    assert data["publisher"] == {"@type": "Organization", "name": "Wydawnictwo Testowe"}


def test_script_end_tag_in_content_is_inert(site, index):
    raw = (site / "publikacje/wkladka-testowa/index.html").read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">')
    block = raw[start: raw.index("</script>", start)]
    assert "</" not in block and "<!--" not in block
    doc = item_page(site, "wkladka-testowa")
    assert not [s for s in doc.xpath("//script") if "alert" in (s.text or "") and s.get("type") != "application/ld+json"]
    (data,) = json_ld(doc)
    assert data["abstract"] == by_slug(index, "wkladka-testowa").abstract


def test_periodical_page_json_ld(site):
    (data,) = json_ld(page(site, "czasopisma/kwartalnik-testowy/index.html"))
    assert data["@type"] == "Periodical" and data["issn"] == "2049-3630"
    assert data["url"] == SITE_URL + "czasopisma/kwartalnik-testowy/index.html"
    (volume,) = data["hasPart"]
    assert volume["@type"] == "PublicationVolume" and volume["volumeNumber"] == "1"
    (issue,) = volume["hasPart"]
    assert issue["@type"] == "PublicationIssue" and issue["issueNumber"] == "1"
    assert issue["datePublished"] == "2025-03-01" and issue["name"] == "Spółdzielnie"


def test_issue_page_json_ld(site, index):
    (data,) = json_ld(page(site, "czasopisma/kwartalnik-testowy/1-1.html"))
    assert data["@type"] == "PublicationIssue"
    assert data["isPartOf"]["isPartOf"]["issn"] == "2049-3630"
    parts = [(p["url"], p.get("pageStart")) for p in data["hasPart"]]
    assert parts == [(index.url_of(by_slug(index, "artykul-w-kwartalniku")), 10),
                     (index.url_of(by_slug(index, "jeden-czlonek-jeden-glos")), 45)]


def test_orcid_links_stay_on_item_and_author_pages(site):
    orcid = "https://orcid.org/0000-0002-1825-0097"
    assert item_page(site, "jeden-czlonek-jeden-glos").xpath(f'//a[@href="{orcid}"]')
    assert page(site, "autorzy/ewa-nowak.html").xpath(f'//a[@href="{orcid}"]')
