"""OAI-PMH Static Repository (one XML file, `oai.xml`) with an oai_dc record for every research
item, for harvesters such as BASE, CORE or national repositories (via a Static Repository Gateway).

Follows "Specification for an OAI Static Repository and an OAI Static Repository Gateway"
(openarchives.org, 2004): root `Repository` in the static-repository namespace, then `Identify`,
`ListMetadataFormats` and one `ListRecords` per metadata format; day granularity; no deleted
records. Datestamps come from content (updated, else date), never from the clock.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree

from ..content.models import ResearchItem
from .citations import full_title, publisher_of
from .context import BuildContext

OWNER = "OAI-PMH"
PATH = "oai.xml"

SR = "http://www.openarchives.org/OAI/2.0/static-repository"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMAS = {
    SR: "http://www.openarchives.org/OAI/2.0/static-repository.xsd",
    OAI_DC: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    OAI_ID: "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
}


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent, ns: str, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, _q(ns, tag), **attrs)
    if text is not None:
        element.text = text
    return element


def _schema_location(ns: str) -> dict:
    return {_q(XSI, "schemaLocation"): f"{ns} {SCHEMAS[ns]}"}


def repository_domain(site_url: str) -> str:
    return urlsplit(site_url).hostname or "localhost"


def oai_identifier(site_url: str, item: ResearchItem) -> str:
    return f"oai:{repository_domain(site_url)}:{item.id}"


def datestamp(item: ResearchItem) -> str:
    return item.modified.date().isoformat()


def dc_record(index, item: ResearchItem, parent) -> None:
    dc = _sub(parent, OAI_DC, "dc", nsmap={"oai_dc": OAI_DC, "dc": DC}, **_schema_location(OAI_DC))
    _sub(dc, DC, "title", full_title(item))
    for key in item.authors:
        author = index.authors[key]
        _sub(dc, DC, "creator", f"{author.family}, {author.given}")
    for topic in item.topics:
        _sub(dc, DC, "subject", index.vocab.topics[topic].name)
    for keyword in item.keywords:
        _sub(dc, DC, "subject", keyword)
    _sub(dc, DC, "description", item.abstract)
    _sub(dc, DC, "publisher", publisher_of(index, item))
    _sub(dc, DC, "date", item.date.date().isoformat())
    _sub(dc, DC, "type", "Text")
    _sub(dc, DC, "type", index.vocab.types[item.type].name)
    _sub(dc, DC, "format", "text/html")
    _sub(dc, DC, "identifier", index.url_of(item))
    if item.doi:
        _sub(dc, DC, "identifier", f"https://doi.org/{item.doi}")
    if item.isbn:
        _sub(dc, DC, "identifier", f"urn:isbn:{item.isbn}")
    if item.periodical:
        periodical = index.periodicals[item.periodical]
        pages = f", s. {item.pages[0]}-{item.pages[1]}" if item.pages else ""
        _sub(dc, DC, "source", f"{periodical.title}, R. {item.volume}, nr {item.issue}{pages}, ISSN {periodical.issn}")
    elif index.issn_of(item):
        _sub(dc, DC, "source", f"ISSN {index.issn_of(item)}")
    _sub(dc, DC, "language", item.language)
    _sub(dc, DC, "rights", index.licence_of(item).url)


def repository_xml(index) -> bytes:
    settings = index.settings
    site_url = settings.url
    domain = repository_domain(site_url)
    items = sorted(index.research, key=lambda r: r.id)
    root = etree.Element(_q(SR, "Repository"), nsmap={None: SR, "oai": OAI, "xsi": XSI}, **_schema_location(SR))

    identify = _sub(root, SR, "Identify")
    _sub(identify, OAI, "repositoryName", settings.title)
    # A harvester reaches a static repository through a gateway, whose URL prefixes ours; without one
    # configured, the file's own address is the only base URL we can state.
    _sub(identify, OAI, "baseURL", site_url + PATH)
    _sub(identify, OAI, "protocolVersion", "2.0")
    _sub(identify, OAI, "adminEmail", settings.contact_email)
    earliest = min((datestamp(i) for i in items), default="1970-01-01")
    _sub(identify, OAI, "earliestDatestamp", earliest)
    _sub(identify, OAI, "deletedRecord", "no")
    _sub(identify, OAI, "granularity", "YYYY-MM-DD")
    description = _sub(identify, OAI, "description")
    oai_id = _sub(description, OAI_ID, "oai-identifier", nsmap={None: OAI_ID}, **_schema_location(OAI_ID))
    _sub(oai_id, OAI_ID, "scheme", "oai")
    _sub(oai_id, OAI_ID, "repositoryIdentifier", domain)
    _sub(oai_id, OAI_ID, "delimiter", ":")
    _sub(oai_id, OAI_ID, "sampleIdentifier", f"oai:{domain}:{items[0].id if items else 'pub-2025-001'}")

    formats = _sub(root, SR, "ListMetadataFormats")
    fmt = _sub(formats, OAI, "metadataFormat")
    _sub(fmt, OAI, "metadataPrefix", "oai_dc")
    _sub(fmt, OAI, "schema", SCHEMAS[OAI_DC])
    _sub(fmt, OAI, "metadataNamespace", OAI_DC)

    records = _sub(root, SR, "ListRecords", metadataPrefix="oai_dc")
    for item in items:
        record = _sub(records, OAI, "record")
        header = _sub(record, OAI, "header")
        _sub(header, OAI, "identifier", oai_identifier(site_url, item))
        _sub(header, OAI, "datestamp", datestamp(item))
        dc_record(index, item, _sub(record, OAI, "metadata"))
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write(ctx: BuildContext) -> None:
    ctx.stage.write_bytes(PATH, repository_xml(ctx.index), OWNER)
