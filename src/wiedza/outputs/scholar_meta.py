"""Machine-readable metadata in the <head> of research pages, for Google Scholar, Zotero, link
previews and search engines: Highwire `citation_*` tags (scholarly types only, never on inserts),
Dublin Core, OpenGraph, and schema.org JSON-LD; periodical and issue pages get JSON-LD too.

Every value comes from the content model; attribute values are escaped, and JSON-LD is written
so that no "</script>" or "<!--" in content can end or confuse the script element.
"""
from __future__ import annotations

import json

from .. import urls
from ..content.models import Periodical, PeriodicalIssue, ResearchItem
from .citations import full_title, main_pdf, publisher_of
from .context import BuildContext
from .html import esc

SCHEMA_TYPES = {
    "research-article": "ScholarlyArticle",
    "periodical-article": "ScholarlyArticle",
    "tradition-study": "ScholarlyArticle",
    "monograph": "Book",
    "report": "Report",
    "insert": "Article",
}
OG_LOCALES = {"pl": "pl_PL", "en": "en_US"}


def _meta(name: str, content, attr: str = "name") -> str:
    return f'<meta {attr}="{esc(name)}" content="{esc(content)}">'


def json_ld(data: dict) -> str:
    """A JSON-LD script element whose content cannot close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    return f'<script type="application/ld+json">{text}</script>'


def _day(moment) -> str:
    return moment.date().isoformat()


# -- Highwire (Google Scholar) -----------------------------------------------------------------
def highwire(ctx: BuildContext, item: ResearchItem) -> list[str]:
    index = ctx.index
    tags = [_meta("citation_title", full_title(item))]
    for key in item.authors:
        author = index.authors[key]
        tags.append(_meta("citation_author", f"{author.family}, {author.given}"))
        if author.affiliation:
            tags.append(_meta("citation_author_institution", author.affiliation))
        if author.orcid_url:
            tags.append(_meta("citation_author_orcid", author.orcid_url))
    tags.append(_meta("citation_publication_date", item.date.strftime("%Y/%m/%d")))
    if item.updated:
        tags.append(_meta("citation_online_date", item.updated.strftime("%Y/%m/%d")))
    if item.periodical:
        periodical = index.periodicals[item.periodical]
        tags += [_meta("citation_journal_title", periodical.title), _meta("citation_volume", item.volume),
                 _meta("citation_issue", item.issue)]
    if item.pages:
        tags += [_meta("citation_firstpage", item.pages[0]), _meta("citation_lastpage", item.pages[1])]
    if index.issn_of(item):
        tags.append(_meta("citation_issn", index.issn_of(item)))
    if item.isbn:
        tags.append(_meta("citation_isbn", item.isbn))
    if item.doi:
        tags.append(_meta("citation_doi", item.doi))
    if not item.periodical:
        tags.append(_meta("citation_publisher", publisher_of(index, item)))
        if item.type == "report":
            tags.append(_meta("citation_technical_report_institution", publisher_of(index, item)))
    pdf = main_pdf(ctx, item)
    if pdf:
        tags.append(_meta("citation_pdf_url", urls.absolute(index.settings.url, pdf.path)))
    tags.append(_meta("citation_language", item.language))
    for keyword in item.keywords:
        tags.append(_meta("citation_keywords", keyword))
    tags.append(_meta("citation_abstract_html_url", index.url_of(item)))
    return tags


# -- Dublin Core and OpenGraph -----------------------------------------------------------------
def dublin_core(ctx: BuildContext, item: ResearchItem) -> list[str]:
    index = ctx.index
    tags = ['<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">',
            '<link rel="schema.DCTERMS" href="http://purl.org/dc/terms/">',
            _meta("DC.title", full_title(item))]
    tags += [_meta("DC.creator", f"{index.authors[k].family}, {index.authors[k].given}") for k in item.authors]
    tags += [_meta("DC.subject", index.vocab.topics[t].name) for t in item.topics]
    tags += [_meta("DC.description", item.abstract), _meta("DC.date", _day(item.date))]
    if item.updated:
        tags.append(_meta("DCTERMS.modified", _day(item.updated)))
    tags += [_meta("DC.type", "Text"), _meta("DC.type", index.vocab.types[item.type].name),
             _meta("DC.identifier", index.url_of(item))]
    if item.doi:
        tags.append(_meta("DC.identifier", f"https://doi.org/{item.doi}"))
    if item.isbn:
        tags.append(_meta("DC.identifier", f"urn:isbn:{item.isbn}"))
    if item.periodical:
        periodical = index.periodicals[item.periodical]
        pages = f", s. {item.pages[0]}–{item.pages[1]}" if item.pages else ""
        tags.append(_meta("DC.source", f"{periodical.title}, R. {item.volume}, nr {item.issue}{pages}, ISSN {periodical.issn}"))
    tags += [_meta("DC.language", item.language), _meta("DC.rights", index.licence_of(item).url),
             _meta("DC.publisher", publisher_of(index, item))]
    return tags


def opengraph(ctx: BuildContext, item: ResearchItem) -> list[str]:
    index = ctx.index
    tags = [_meta("og:title", full_title(item), "property"), _meta("og:type", "article", "property"),
            _meta("og:url", index.url_of(item), "property"), _meta("og:description", item.abstract, "property"),
            _meta("og:locale", OG_LOCALES.get(item.language, "pl_PL"), "property"),
            _meta("og:site_name", index.settings.title, "property"),
            _meta("article:published_time", _day(item.date), "property")]
    if item.updated:
        tags.append(_meta("article:modified_time", _day(item.updated), "property"))
    tags += [_meta("article:author", urls.absolute(index.settings.url, urls.author(k)), "property") for k in item.authors]
    tags += [_meta("article:tag", k, "property") for k in item.keywords]
    return tags


# -- schema.org --------------------------------------------------------------------------------
def person(index, key: str) -> dict:
    author = index.authors[key]
    data = {"@type": "Person", "name": author.name, "givenName": author.given, "familyName": author.family,
            "url": urls.absolute(index.settings.url, urls.author(key))}
    if author.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    if author.orcid_url:
        data["sameAs"] = author.orcid_url
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": author.orcid}
    return data


def periodical_node(index, periodical: Periodical) -> dict:
    data = {"@type": "Periodical", "@id": urls.absolute(index.settings.url, urls.periodical(periodical.key)),
            "name": periodical.title, "issn": periodical.issn,
            "url": urls.absolute(index.settings.url, urls.periodical(periodical.key)),
            "publisher": {"@type": "Organization", "name": periodical.publisher}}
    if periodical.place:
        data["locationCreated"] = {"@type": "Place", "name": periodical.place}
    return data


def issue_node(index, periodical: Periodical, issue: PeriodicalIssue, *, with_parent: bool = True) -> dict:
    url = urls.absolute(index.settings.url, urls.periodical_issue(periodical.key, issue.volume, issue.issue))
    data = {"@type": "PublicationIssue", "@id": url, "url": url, "issueNumber": str(issue.issue),
            "datePublished": _day(issue.date)}
    if issue.theme:
        data["name"] = issue.theme
    if with_parent:
        data["isPartOf"] = {"@type": "PublicationVolume", "volumeNumber": str(issue.volume),
                            "isPartOf": periodical_node(index, periodical)}
    return data


def item_json_ld(ctx: BuildContext, item: ResearchItem) -> dict:
    index = ctx.index
    url = index.url_of(item)
    schema_type = SCHEMA_TYPES.get(item.type, "CreativeWork")
    data: dict = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "name": full_title(item),
        "headline": item.title[:110],
        "author": [person(index, k) for k in item.authors],
        "datePublished": _day(item.date),
        "dateModified": _day(item.modified),
        "inLanguage": item.language,
        "license": index.licence_of(item).url,
        "abstract": item.abstract,
        "description": item.abstract,
        "genre": index.vocab.types[item.type].name,
        "about": [{"@type": "Thing", "name": index.vocab.topics[t].name} for t in item.topics],
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": publisher_of(index, item)},
    }
    if item.subtitle:
        data["alternativeHeadline"] = item.subtitle
    if item.keywords:
        data["keywords"] = list(item.keywords)
    identifiers = []
    if item.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": item.doi,
                            "url": f"https://doi.org/{item.doi}"})
        data["sameAs"] = f"https://doi.org/{item.doi}"
    if item.isbn:
        identifiers.append({"@type": "PropertyValue", "propertyID": "ISBN", "value": item.isbn})
        if schema_type == "Book":
            data["isbn"] = item.isbn
    issn = index.issn_of(item)
    if issn and not item.periodical:
        identifiers.append({"@type": "PropertyValue", "propertyID": "ISSN", "value": issn})
    if identifiers:
        data["identifier"] = identifiers
    if item.pages:
        data["pageStart"] = item.pages[0]
        data["pageEnd"] = item.pages[1]
        data["pagination"] = f"{item.pages[0]}-{item.pages[1]}"
    if item.page_count:
        data["numberOfPages"] = item.page_count
    if item.place and not item.periodical:
        data["locationCreated"] = {"@type": "Place", "name": item.place}
    if item.periodical:
        periodical = index.periodicals[item.periodical]
        data["isPartOf"] = issue_node(index, periodical, periodical.find_issue(item.volume, item.issue))
    if item.period:
        data["temporalCoverage"] = item.period
    if item.region:
        data["spatialCoverage"] = {"@type": "Place", "name": item.region}
    pdf = main_pdf(ctx, item)
    if pdf:
        data["encoding"] = {"@type": "MediaObject", "contentUrl": urls.absolute(index.settings.url, pdf.path),
                            "encodingFormat": "application/pdf", "contentSize": f"{pdf.size} B"}
    return data


def _article_stub(index, item: ResearchItem) -> dict:
    data = {"@type": SCHEMA_TYPES.get(item.type, "CreativeWork"), "@id": index.url_of(item), "url": index.url_of(item),
            "name": full_title(item), "author": [{"@type": "Person", "name": index.authors[k].name} for k in item.authors]}
    if item.pages:
        data["pageStart"], data["pageEnd"] = item.pages
    return data


def periodical_json_ld(index, periodical: Periodical) -> dict:
    data = {"@context": "https://schema.org", **periodical_node(index, periodical), "description": periodical.description}
    volumes = sorted({i.volume for i in periodical.issues})
    data["hasPart"] = [
        {"@type": "PublicationVolume", "volumeNumber": str(v),
         "hasPart": [issue_node(index, periodical, i, with_parent=False)
                     for i in sorted(periodical.issues, key=lambda i: i.issue) if i.volume == v]}
        for v in volumes]
    return data


def issue_json_ld(index, periodical: Periodical, issue: PeriodicalIssue) -> dict:
    data = {"@context": "https://schema.org", **issue_node(index, periodical, issue)}
    data["hasPart"] = [_article_stub(index, item) for item in index.in_issue(periodical.key, issue.volume, issue.issue)]
    return data


# -- the writer --------------------------------------------------------------------------------
def item_head(ctx: BuildContext, item: ResearchItem) -> str:
    tags: list[str] = []
    if ctx.index.vocab.types[item.type].scholarly:
        tags += highwire(ctx, item)
    tags += dublin_core(ctx, item) + opengraph(ctx, item)
    tags.append(json_ld(item_json_ld(ctx, item)))
    return "\n".join(tags)


def write(ctx: BuildContext) -> None:
    index = ctx.index
    for item in index.research:
        ctx.add_head(item.id, item_head(ctx, item))
    for periodical in index.periodicals.values():
        ctx.stage.add_head(urls.periodical(periodical.key), json_ld(periodical_json_ld(index, periodical)))
        for issue in periodical.issues:
            ctx.stage.add_head(urls.periodical_issue(periodical.key, issue.volume, issue.issue),
                               json_ld(issue_json_ld(index, periodical, issue)))
