"""The OAI-PMH Static Repository file and the sitemap.

The sections are validated against the OAI-PMH 2.0 schema (taken from pyoai's sources by
scripts/setup --test) with our own minimal oai_dc schema (tests/schemas); the Static Repository
wrapper, whose schema ships nowhere installable, is checked element by element with lxml: the
namespaces, the order and cardinality of Identify's children, the record headers, and the oai_dc
records' elements (only the fifteen Dublin Core elements, in the dc namespace).
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from lxml import etree

from conftest import ROOT
from scholarly import SITE_URL, build, index, site  # noqa: F401 - index, site are fixtures
from wiedza.outputs.citations import full_title

SR = "http://www.openarchives.org/OAI/2.0/static-repository"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
DC_ELEMENTS = {"title", "creator", "subject", "description", "publisher", "contributor", "date", "type", "format",
               "identifier", "source", "language", "relation", "coverage", "rights"}
IDENTIFY_ORDER = ["repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp", "deletedRecord",
                  "granularity", "compression", "description"]


@pytest.fixture(scope="module")
def repo(site):
    return etree.parse(str(site / "oai.xml")).getroot()


def q(ns, tag):
    return f"{{{ns}}}{tag}"


def local(element):
    return etree.QName(element).localname


def valid_day(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        return False
    date.fromisoformat(text)
    return True


def test_root_and_sections(repo, site):
    assert (site / "oai.xml").read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert repo.tag == q(SR, "Repository")
    assert [c.tag for c in repo] == [q(SR, "Identify"), q(SR, "ListMetadataFormats"), q(SR, "ListRecords")]
    location = repo.get(q(XSI, "schemaLocation")).split()
    assert location == [SR, "http://www.openarchives.org/OAI/2.0/static-repository.xsd"]


def test_identify(repo, index):
    identify = repo.find(q(SR, "Identify"))
    assert all(c.tag.startswith(f"{{{OAI}}}") for c in identify)
    names = [local(c) for c in identify]
    # Schema order, each required element once (adminEmail and description may repeat).
    assert names == sorted(names, key=IDENTIFY_ORDER.index)
    for required in ("repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp",
                     "deletedRecord", "granularity"):
        assert names.count(required) >= 1, required
    get = lambda name: identify.findtext(q(OAI, name))  # noqa: E731
    assert get("repositoryName") == index.settings.title
    assert get("baseURL") == SITE_URL + "oai.xml"
    assert get("protocolVersion") == "2.0"
    assert get("adminEmail") == index.settings.contact_email
    assert get("deletedRecord") == "no"           # static repositories cannot record deletions
    assert get("granularity") == "YYYY-MM-DD"     # the only granularity a static repository may use
    earliest = min(r.modified.date() for r in index.research).isoformat()
    assert get("earliestDatestamp") == earliest == "2023-05-15"
    oai_id = identify.find(f"{{{OAI}}}description/{{http://www.openarchives.org/OAI/2.0/oai-identifier}}oai-identifier")
    assert oai_id.findtext("{http://www.openarchives.org/OAI/2.0/oai-identifier}repositoryIdentifier") == "test.example.pl"


def test_metadata_formats(repo):
    formats = repo.find(q(SR, "ListMetadataFormats"))
    (fmt,) = formats
    assert fmt.tag == q(OAI, "metadataFormat")
    assert [local(c) for c in fmt] == ["metadataPrefix", "schema", "metadataNamespace"]
    assert fmt.findtext(q(OAI, "metadataPrefix")) == "oai_dc"
    assert fmt.findtext(q(OAI, "metadataNamespace")) == OAI_DC
    assert fmt.findtext(q(OAI, "schema")) == "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


def test_records(repo, index):
    (records,) = repo.findall(q(SR, "ListRecords"))
    assert records.get("metadataPrefix") == "oai_dc"
    assert all(r.tag == q(OAI, "record") for r in records)
    headers = [r.find(q(OAI, "header")) for r in records]
    identifiers = [h.findtext(q(OAI, "identifier")) for h in headers]
    assert len(identifiers) == len(set(identifiers)) == len(index.research)
    assert sorted(identifiers) == sorted(f"oai:test.example.pl:{r.id}" for r in index.research)
    for record, header in zip(records, headers):
        assert [local(c) for c in record] == ["header", "metadata"]
        assert [local(c) for c in header] == ["identifier", "datestamp"]
        assert header.get("status") is None
        assert valid_day(header.findtext(q(OAI, "datestamp")))


def dc_of(repo, item_id):
    for record in repo.iter(q(OAI, "record")):
        if record.findtext(f"{{{OAI}}}header/{{{OAI}}}identifier").endswith(f":{item_id}"):
            return record
    raise AssertionError(item_id)


def test_dc_records_follow_the_content(repo, index):
    for item in index.research:
        record = dc_of(repo, item.id)
        assert record.findtext(f"{{{OAI}}}header/{{{OAI}}}datestamp") == (item.updated or item.date).date().isoformat()
        (dc,) = record.find(q(OAI, "metadata"))
        assert dc.tag == q(OAI_DC, "dc")
        assert dc.get(q(XSI, "schemaLocation")).split() == [OAI_DC, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"]
        assert all(c.tag.startswith(f"{{{DC}}}") and local(c) in DC_ELEMENTS for c in dc)
        assert all((c.text or "").strip() for c in dc)
        values = lambda name: [c.text for c in dc.findall(q(DC, name))]  # noqa: E731
        assert values("title") == [full_title(item)]
        assert values("creator") == [f"{index.authors[k].family}, {index.authors[k].given}" for k in item.authors]
        topics = [index.vocab.topics[t].name for t in item.topics]
        assert values("subject")[: len(topics)] == topics
        assert values("description") == [item.abstract]
        assert values("date") == [item.date.date().isoformat()]
        assert "Text" in values("type")
        assert values("identifier")[0] == index.url_of(item)
        assert (f"https://doi.org/{item.doi}" in values("identifier")) == bool(item.doi)
        assert values("language") == [item.language]
        assert values("rights") == [index.licence_of(item).url]
        assert len(values("publisher")) == 1


def test_periodical_article_names_its_source(repo):
    (dc,) = dc_of(repo, "test-art-2").find(q(OAI, "metadata"))
    assert dc.findtext(q(DC, "source")) == "Kwartalnik Testowy, R. 1, nr 1, s. 45-62, ISSN 2049-3630"


def test_oai_file_is_deterministic(tmp_path, site):
    _, again = build(tmp_path)
    assert (again / "oai.xml").read_bytes() == (site / "oai.xml").read_bytes()
    assert (again / "sitemap.xml").read_bytes() == (site / "sitemap.xml").read_bytes()


# -- sitemap.xml (MkDocs, with our template: lastmod from the content, never the build date) ------
def test_sitemap_lists_every_item_page(site, index):
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    entries = {u.findtext(q(SITEMAP, "loc")): u.findtext(q(SITEMAP, "lastmod")) for u in root.findall(q(SITEMAP, "url"))}
    assert len(entries) == len(root.findall(q(SITEMAP, "url")))
    for doc in index.items:
        assert entries[index.url_of(doc)] == doc.modified.date().isoformat(), doc.id
    for url, lastmod in entries.items():
        assert url.startswith(SITE_URL) and url.endswith(".html")
        assert lastmod is None or valid_day(lastmod)


# -- validation against the OAI-PMH 2.0 schema ------------------------------------------------------
SCHEMAS = ROOT / "tests" / "schemas"
OAI_XSD = ROOT / ".cache" / "schemas" / "OAI-PMH.xsd"   # from pyoai 2.5.0's sources, by scripts/setup --test


@pytest.fixture(scope="module")
def oai_schema(tmp_path_factory):
    if not OAI_XSD.is_file():
        pytest.fail(f"{OAI_XSD} is missing: run scripts/setup --test (it extracts the OAI-PMH schema)")
    folder = tmp_path_factory.mktemp("xsd")
    (folder / "OAI-PMH.xsd").write_bytes(OAI_XSD.read_bytes())
    for name in ("oai_dc.xsd", "dc.xsd", "oai-identifier.xsd"):
        (folder / name).write_bytes((SCHEMAS / name).read_bytes())
    # One entry schema so the strict <metadata> wildcard finds the oai_dc declaration.
    (folder / "all.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="{OAI}" schemaLocation="OAI-PMH.xsd"/>'
        f'<xs:import namespace="{OAI_DC}" schemaLocation="oai_dc.xsd"/>'
        '<xs:import namespace="http://www.openarchives.org/OAI/2.0/oai-identifier" schemaLocation="oai-identifier.xsd"/>'
        '</xs:schema>', encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(folder / "all.xsd")))


@pytest.mark.parametrize("section,verb", [("Identify", "Identify"), ("ListMetadataFormats", "ListMetadataFormats"),
                                          ("ListRecords", "ListRecords")])
def test_sections_are_valid_oai_pmh_responses(repo, oai_schema, section, verb):
    """A static repository's sections are OAI-PMH response bodies: wrapped in the protocol's envelope,
    each must validate against the OAI-PMH 2.0 schema (records with their oai_dc metadata)."""
    section_element = repo.find(q(SR, section))
    assert section_element is not None
    # The same content under the protocol's element name: only the section's own (default)
    # namespace changes; its children are already in the OAI namespace.
    body = etree.tostring(section_element, encoding="unicode").replace(f'xmlns="{SR}"', f'xmlns="{OAI}"', 1)
    # ListRecords' metadataPrefix attribute belongs to the Static Repository format (checked above),
    # in the protocol it is a request argument
    body = re.sub(r'^(<ListRecords\b[^>]*?) metadataPrefix="[^"]*"', r"\1", body)
    base_url = repo.find(q(SR, "Identify")).findtext(q(OAI, "baseURL"))
    prefix = ' metadataPrefix="oai_dc"' if verb == "ListRecords" else ""
    document = etree.fromstring(
        f'<OAI-PMH xmlns="{OAI}"><responseDate>2026-01-01T00:00:00Z</responseDate>'
        f'<request verb="{verb}"{prefix}>{base_url}</request>{body}</OAI-PMH>')
    assert etree.QName(document[2]).namespace == OAI
    assert oai_schema.validate(document), oai_schema.error_log.filter_from_errors()
