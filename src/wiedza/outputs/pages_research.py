"""Publication pages: each research item, the catalogue by type and year, periodicals and issues."""
from __future__ import annotations

from itertools import groupby

from .. import urls
from ..content.models import ResearchItem
from ..stage import StagedPage
from .citations import CATALOGUE_DOWNLOADS
from .context import BuildContext, human_size
from .html import (author_links, breadcrumbs, card_list, date_pl, definition_list, downloads_list, esc, link,
                   plural, term_links, time_tag)

OWNER = "strony publikacji"
HOME = ("Strona główna", "index.html")
CATALOGUE = ("Publikacje", f"{urls.RESEARCH}/index.html")


def _page(ctx: BuildContext, path: str, title: str, body: str, description: str = "", head: str = "",
          modified: str = "") -> None:
    ctx.stage.add_page(StagedPage(path=path, title=title, body_html=body, description=description,
                                  head_html=head, section=urls.RESEARCH, modified=modified), OWNER)


def _authors_block(index, path: str, item: ResearchItem) -> str:
    rows = []
    for key in item.authors:
        author = index.authors[key]
        parts = [link(path, urls.author(key), author.name)]
        if author.affiliation:
            parts.append(f'<span class="wiedza-affiliation">{esc(author.affiliation)}</span>')
        if author.orcid_url:
            parts.append(f'<a class="wiedza-orcid" href="{esc(author.orcid_url)}">{esc(author.orcid_url)}</a>')
        rows.append(" · ".join(parts))
    return "<ul class=\"wiedza-authors\">" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>"


def _source_line(index, path: str, item: ResearchItem) -> str:
    if item.periodical:
        periodical = index.periodicals[item.periodical]
        issue_path = urls.periodical_issue(periodical.key, item.volume, item.issue)
        where = f"{link(path, urls.periodical(periodical.key), periodical.title)}, " \
                f"{link(path, issue_path, f'R. {item.volume}, nr {item.issue}')}"
        if item.pages:
            where += f", s. {item.pages[0]}–{item.pages[1]}"
        return where
    bits = [item.place, item.publisher]
    return esc(": ".join(b for b in bits if b))


def item_page(ctx: BuildContext, item: ResearchItem) -> None:
    index = ctx.index
    path = index.path_of(item)
    vocab = index.vocab
    licence = vocab.licences[item.licence]
    identifiers = []
    if item.doi:
        identifiers.append(f'DOI: <a href="https://doi.org/{esc(item.doi)}">https://doi.org/{esc(item.doi)}</a>')
    if item.isbn:
        identifiers.append(f"ISBN {esc(item.isbn)}")
    if index.issn_of(item):
        identifiers.append(f"ISSN {esc(index.issn_of(item))}")
    meta = definition_list([
        ("Rodzaj", link(path, urls.research_type(item.type), vocab.types[item.type].name)),
        ("Autorzy", _authors_block(index, path, item)),
        ("Data publikacji", time_tag(item.date)),
        ("Zaktualizowano", item.updated and time_tag(item.updated)),
        ("Źródło", _source_line(index, path, item)),
        ("Liczba stron", item.page_count and str(item.page_count)),
        ("Identyfikatory", "<br>".join(identifiers)),
        ("Badany okres", item.period and esc(item.period)),
        ("Region", item.region and esc(item.region)),
        ("Tematy", term_links(path, [vocab.topics[t] for t in item.topics], urls.topic)),
        ("Działania programu", term_links(path, [vocab.actions[a] for a in item.actions], urls.action)),
        ("Słowa kluczowe", esc(", ".join(item.keywords))),
        ("Język", "polski" if item.language == "pl" else "angielski"),
        ("Licencja", f'<a rel="license" href="{esc(licence.url)}">{esc(licence.short)}</a>'),
    ])
    lang = f' lang="{item.language}"' if item.language != "pl" else ""
    parts = [
        breadcrumbs(path, [HOME, CATALOGUE, (vocab.types[item.type].plural, urls.research_type(item.type)), (item.title, path)]),
        f"<h1{lang}>{esc(item.title)}</h1>",
        item.subtitle and f'<p class="wiedza-subtitle"{lang}>{esc(item.subtitle)}</p>',
        meta,
        f'<section class="wiedza-abstract" aria-labelledby="streszczenie"{lang}><h2 id="streszczenie">Streszczenie</h2><p>{esc(item.abstract)}</p></section>',
    ]
    downloads = ctx.downloads.get(item.id, [])
    if downloads:
        parts.append(f'<section aria-labelledby="pliki"><h2 id="pliki">Pliki do pobrania</h2>{downloads_list(path, downloads)}</section>')
    parts.extend(ctx.sections.get(item.id, []))
    parts.append(f'<section class="wiedza-body"{lang} aria-label="Treść">{index.bodies[item.id]}</section>')
    _page(ctx, path, item.title, "\n".join(p for p in parts if p), item.abstract[:300], "\n".join(ctx.heads.get(item.id, [])),
          item.modified.date().isoformat())


def _catalogue_files(ctx: BuildContext, path: str) -> str:
    """The whole catalogue as BibTeX, RIS and CSL-JSON (staged by the citations writer)."""
    files = ctx.downloads.get(CATALOGUE_DOWNLOADS, [])
    if not files:
        return ""
    return ('<section aria-labelledby="caly-katalog"><h2 id="caly-katalog">Cały katalog do menedżera bibliografii</h2>'
            + downloads_list(path, files) + "</section>")


def catalogue_pages(ctx: BuildContext) -> None:
    index = ctx.index
    vocab = index.vocab
    home = f"{urls.RESEARCH}/index.html"
    years = sorted({r.date.year for r in index.research}, reverse=True)
    types = [t for t in vocab.types.values() if any(r.type == t.key for r in index.research)]
    facets = (
        '<nav class="wiedza-facets" aria-label="Przeglądaj publikacje">'
        "<h2>Według rodzaju</h2>" + "<ul>" + "".join(
            f"<li>{link(home, urls.research_type(t.key), t.plural)} ({sum(r.type == t.key for r in index.research)})</li>" for t in types)
        + "</ul><h2>Według roku</h2><ul>" + "".join(
            f"<li>{link(home, urls.research_year(y), str(y))} ({sum(r.date.year == y for r in index.research)})</li>" for y in years)
        + "</ul><h2>Według tematu i autora</h2><ul>"
        + f"<li>{link(home, 'tematy/index.html', 'Wszystkie tematy')}</li>"
        + f"<li>{link(home, 'autorzy/index.html', 'Autorki i autorzy')}</li>"
        + f"<li>{link(home, 'czasopisma/index.html', 'Czasopisma i ich numery')}</li></ul></nav>"
    )
    body = (breadcrumbs(home, [HOME, CATALOGUE]) + "<h1>Publikacje</h1>"
            f"<p>Badania, monografie, raporty, studia tradycji spółdzielczych, artykuły z czasopism i wkładki do prasy "
            f"powstałe w Działaniu III.2. W katalogu: {plural(len(index.research), 'publikacja', 'publikacje', 'publikacji')}.</p>"
            + facets + _catalogue_files(ctx, home) + "<h2>Wszystkie publikacje, od najnowszych</h2>"
            + "".join(f"<h3>{year}</h3>" + card_list(index, home, list(group), level=4)
                      for year, group in groupby(index.research, key=lambda r: r.date.year)))
    _page(ctx, home, "Publikacje", body, "Katalog publikacji programu: badania, monografie, raporty, czasopisma.")
    for t in types:
        path = urls.research_type(t.key)
        docs = [r for r in index.research if r.type == t.key]
        _page(ctx, path, t.plural, breadcrumbs(path, [HOME, CATALOGUE, (t.plural, path)]) + f"<h1>{esc(t.plural)}</h1>"
              + f"<p>{plural(len(docs), 'publikacja', 'publikacje', 'publikacji')}.</p>" + card_list(index, path, docs, level=2))
    for year in years:
        path = urls.research_year(year)
        docs = [r for r in index.research if r.date.year == year]
        title = f"Publikacje z roku {year}"
        _page(ctx, path, title, breadcrumbs(path, [HOME, CATALOGUE, (str(year), path)]) + f"<h1>{title}</h1>"
              + card_list(index, path, docs, level=2))


def periodical_pages(ctx: BuildContext) -> None:
    index = ctx.index
    listing = "czasopisma/index.html"
    trail = [HOME, CATALOGUE, ("Czasopisma", listing)]
    entries = []
    for periodical in index.periodicals.values():
        path = urls.periodical(periodical.key)
        entries.append(f'<article class="wiedza-card"><h2>{link(listing, path, periodical.title)}</h2>'
                       f"<p>ISSN {esc(periodical.issn)} · {esc(periodical.frequency)} · {esc(periodical.publisher)}</p>"
                       f"<p>{esc(periodical.description)}</p></article>")
        issues_html = []
        for volume, issues in groupby(sorted(periodical.issues, key=lambda i: (-i.volume, -i.issue)), key=lambda i: i.volume):
            items = []
            for issue in issues:
                issue_path = urls.periodical_issue(periodical.key, issue.volume, issue.issue)
                label = f"Nr {issue.issue}/{issue.date.year}" + (f": {issue.theme}" if issue.theme else "")
                count = len(index.in_issue(periodical.key, issue.volume, issue.issue))
                items.append(f"{link(path, issue_path, label)} ({plural(count, 'artykuł', 'artykuły', 'artykułów')})")
                issue_page(ctx, periodical, issue)
            issues_html.append(f"<h3>Rocznik {volume}</h3><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        editors = author_links(index, path, periodical.editors)
        body = (breadcrumbs(path, trail + [(periodical.title, path)]) + f"<h1>{esc(periodical.title)}</h1>"
                + f"<p>{esc(periodical.description)}</p>"
                + definition_list([("ISSN", esc(periodical.issn)), ("Wydawca", esc(periodical.publisher)),
                                   ("Miejsce wydania", periodical.place and esc(periodical.place)),
                                   ("Częstotliwość", esc(periodical.frequency)), ("Redakcja", editors)])
                + "<h2>Numery</h2>" + "".join(issues_html))
        _page(ctx, path, periodical.title, body, periodical.description[:300])
    _page(ctx, listing, "Czasopisma", breadcrumbs(listing, trail) + "<h1>Czasopisma</h1>"
          + "<p>Czasopisma tematyczne programu z ich rocznikami i numerami.</p>" + "".join(entries))


def issue_page(ctx: BuildContext, periodical, issue) -> None:
    index = ctx.index
    path = urls.periodical_issue(periodical.key, issue.volume, issue.issue)
    title = f"{periodical.title}, R. {issue.volume}, nr {issue.issue}"
    rows = []
    for item in index.in_issue(periodical.key, issue.volume, issue.issue):
        pages = f"{item.pages[0]}–{item.pages[1]}" if item.pages else ""
        rows.append(f"<tr><td>{link(path, index.path_of(item), item.title)}</td>"
                    f"<td>{author_links(index, path, item.authors)}</td><td>{pages}</td></tr>")
    toc = ('<table class="wiedza-toc"><caption>Spis treści</caption><thead><tr><th scope="col">Tytuł</th>'
           '<th scope="col">Autorzy</th><th scope="col">Strony</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
    files = []
    if issue.pdf:
        target = urls.periodical_file(periodical.key, issue.pdf.file)
        files.append(f'{link(path, target, "Cały numer", download="")} <span class="wiedza-filemeta">(PDF, {esc(human_size(issue.pdf.size))})</span>')
    cover = ""
    if issue.cover:
        cover = (f'<img class="wiedza-cover" src="{urls.relative(path, urls.periodical_file(periodical.key, issue.cover.file))}" '
                 f'alt="Okładka numeru {issue.issue}/{issue.date.year}" width="180">')
    body = (breadcrumbs(path, [HOME, CATALOGUE, ("Czasopisma", "czasopisma/index.html"),
                               (periodical.title, urls.periodical(periodical.key)), (f"Nr {issue.issue}", path)])
            + f"<h1>{esc(title)}</h1>" + cover
            + (f'<p class="wiedza-subtitle">{esc(issue.theme)}</p>' if issue.theme else "")
            + definition_list([("Data wydania", time_tag(issue.date)), ("ISSN", esc(periodical.issn)),
                               ("Redakcja numeru", author_links(index, path, issue.editors))])
            + (f"<ul class=\"wiedza-downloads\"><li>{files[0]}</li></ul>" if files else "") + toc)
    _page(ctx, path, title, body, f"Spis treści: {title}, {date_pl(issue.date)}.")


def write(ctx: BuildContext) -> None:
    for item in ctx.index.research:
        item_page(ctx, item)
    catalogue_pages(ctx)
    periodical_pages(ctx)
