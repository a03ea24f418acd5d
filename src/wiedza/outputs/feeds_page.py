"""The human side of the feeds: autodiscovery links in page heads, the "Kanały RSS i Atom" page
(every feed, its URL with a copy button, how to subscribe) and the OPML list for importing.
Browsers no longer style feeds with XSLT (Chrome 155 removed it), so this page is the human view."""
from __future__ import annotations

from collections import defaultdict
from email.utils import format_datetime
from html import escape

from lxml import etree

from .. import urls
from ..content.models import Lesson
from ..stage import StagedPage
from .context import BuildContext
from .feeds import EPOCH, GROUPS, LABEL, MIME, FeedSpec, clean
from .html import breadcrumbs, esc, link, plural

COPY_JS = "assets/wiedza/js/kanaly-kopiuj.js"
OPML_DOCS = "http://opml.org/spec2.opml"

# Copies a feed URL. No network, no library: the Clipboard API where the page is a secure context
# (https, localhost, file:// in Chromium), else a hidden text area and execCommand("copy").
# Without JavaScript the buttons stay hidden and the URL is selectable text.
COPY_SCRIPT = """\
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }
  function announce(text, copied) {
    var status = document.getElementById("wiedza-copy-status");
    if (!status) { return; }
    status.textContent = copied
      ? "Skopiowano adres " + text + ". Wklej go w czytniku kanałów (Ctrl+V, na Macu Cmd+V)."
      : "Nie udało się skopiować automatycznie. Zaznacz adres i naciśnij Ctrl+C (na Macu Cmd+C).";
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(text, true); },
        function () { announce(text, fallbackCopy(text)); });
    } else {
      announce(text, fallbackCopy(text));
    }
  }
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button.getAttribute("data-copy")); });
  });
})();
"""

PAGE_STYLE = ("<style>.wiedza-feed-url{overflow-wrap:anywhere;word-break:break-all}"
              ".wiedza-copy{margin:.3em 0 0;padding:.2em .8em;font-size:.8em}</style>")


def discovery(from_path: str, spec: FeedSpec) -> str:
    """<link rel="alternate"> tags of a feed, relative to the page: readers resolve them against the
    live page's URL, and Material's JS fetches sitemap.xml beside every alternate link, which for an
    absolute link would be a request to the public domain (also from a copy opened from disk)."""
    return "\n".join(
        f'<link rel="alternate" type="{MIME[kind]}" title="{escape(f"{spec.title} ({LABEL[kind]})")}" '
        f'href="{escape(urls.relative(from_path, spec.path(kind)))}">' for kind in urls.FEED_KINDS)


def autodiscovery(ctx: BuildContext, specs: list[FeedSpec]) -> None:
    """Site feeds on every page; section, topic, action, periodical and author feeds on theirs."""
    from .pages_lessons import facets   # which lesson facet pages exist

    index, stage = ctx.index, ctx.stage
    by_name = {spec.name: spec for spec in specs}
    site_spec = by_name[urls.feed_name_site()]
    stage.site_head.append(lambda path: discovery(path, site_spec))
    research, lessons = urls.feed_name_research(), urls.feed_name_lessons()
    pages: dict[str, list[str]] = defaultdict(list)   # page path -> feed names
    for spec in specs:
        if spec.group != "site":
            pages[spec.page].append(spec.name)
    pages["czasopisma/index.html"].append(research)
    for type_ in {r.type for r in index.research}:
        pages[urls.research_type(type_)].append(research)
    for year in {r.date.year for r in index.research}:
        pages[urls.research_year(year)].append(research)
    for periodical in index.periodicals.values():
        for issue in periodical.issues:
            pages[urls.periodical_issue(periodical.key, issue.volume, issue.issue)].append(
                urls.feed_name_periodical(periodical.key))
    for facet, values in facets(index).items():
        for key in values:
            path = urls.lesson_facet(facet, key)
            pages[path].append(lessons)
            if facet == "tematy":
                pages[path].append(urls.feed_name_topic(key))
            elif facet == "dzialanie":
                pages[path].append(urls.feed_name_action(key))
    for doc in index.items:
        own = [lessons if isinstance(doc, Lesson) else research]
        own += [urls.feed_name_topic(t) for t in doc.topics]
        if getattr(doc, "periodical", None):
            own.append(urls.feed_name_periodical(doc.periodical))
        doc_path = index.path_of(doc)
        ctx.add_head(doc.id, "\n".join(discovery(doc_path, by_name[name]) for name in dict.fromkeys(own)))
        for d in ctx.downloads.get(doc.id, []):
            if d.extension == "html":          # worksheets published as pages
                pages[d.path].append(own[0])
    for path, names in sorted(pages.items()):
        stage.add_head(path, "\n".join(discovery(path, by_name[name]) for name in dict.fromkeys(names)))


def _contents(spec: FeedSpec, limit: int) -> str:
    if spec.total == 0:
        count = "Na razie pusty: pierwsze materiały pojawią się tu po publikacji."
    elif spec.total <= limit:
        count = f"Obecnie {plural(spec.total, 'materiał', 'materiały', 'materiałów')}."
    else:
        count = f"{limit} najnowszych z {spec.total} materiałów."
    return f"{esc(spec.subtitle)} {esc(count)}"


def _url_cell(url: str, what: str, mime: str) -> str:
    return (f'<td><a class="wiedza-feed-url" href="{esc(url)}" type="{mime}">{esc(url)}</a><br>'
            f'<button type="button" class="md-button wiedza-copy" data-copy="{esc(url)}" '
            f'aria-label="Kopiuj adres: {esc(what)}" hidden>Kopiuj</button></td>')


def _feed_tables(ctx: BuildContext, path: str, specs: list[FeedSpec]) -> str:
    s = ctx.index.settings
    out = []
    for group, heading in GROUPS.items():
        rows = []
        for spec in (x for x in specs if x.group == group):
            atom, rss = (urls.absolute(s.url, spec.path(kind)) for kind in urls.FEED_KINDS)
            rows.append(f'<tr><th scope="row">{link(path, spec.page, spec.label)}</th>'
                        f"<td>{_contents(spec, s.feed_limit)}</td>"
                        f"{_url_cell(atom, f'kanał Atom, {spec.label}', MIME['atom'])}"
                        f"{_url_cell(rss, f'kanał RSS, {spec.label}', MIME['rss'])}</tr>")
        if rows:
            out.append(f"<h3>{esc(heading)}</h3>"
                       f'<table class="wiedza-feeds"><caption>Kanały: {esc(heading.lower())}</caption>'
                       '<thead><tr><th scope="col">Kanał</th><th scope="col">Co zawiera</th>'
                       '<th scope="col">Adres Atom (zalecany)</th><th scope="col">Adres RSS 2.0</th></tr></thead>'
                       f"<tbody>{''.join(rows)}</tbody></table>")
    return "".join(out)


def page_html(ctx: BuildContext, specs: list[FeedSpec]) -> str:
    s = ctx.index.settings
    path = urls.feeds_page()
    opml_url = urls.absolute(s.url, urls.feeds_opml())
    site_atom = urls.absolute(s.url, urls.feed(urls.feed_name_site(), "atom"))
    return "".join([
        breadcrumbs(path, [("Strona główna", "index.html"), ("Kanały RSS i Atom", path)]),
        "<h1>Kanały RSS i Atom</h1>",
        '<p class="wiedza-lead">Kanał (RSS albo Atom) to stały adres, pod którym serwis publikuje listę swoich '
        "nowości. Zamiast regularnie zaglądać na stronę, możesz dodać ten adres do czytnika kanałów, a nowe "
        "publikacje i scenariusze zajęć same do Ciebie trafią. Subskrypcja jest bezpłatna, nie wymaga adresu "
        "e-mail ani konta w serwisie i można ją w każdej chwili usunąć.</p>",
        '<h2 id="czytnik">Czym jest czytnik kanałów?</h2>',
        "<p>Czytnik kanałów działa jak skrzynka na nowości z wielu stron naraz: co jakiś czas sam sprawdza "
        "dodane do niego kanały i pokazuje tytuły, streszczenia i pełne teksty nowych materiałów z linkami do "
        "serwisu. Czytnikiem może być aplikacja w telefonie, program na komputerze, serwis w przeglądarce "
        "albo program pocztowy. Przykłady:</p>",
        "<ul><li>w przeglądarce, po założeniu konta: Feedly, Inoreader, NewsBlur;</li>"
        "<li>na komputerze: Thunderbird (program pocztowy z wbudowanym czytnikiem kanałów), NetNewsWire "
        "(macOS), QuiteRSS (Windows, Linux), Akregator i Liferea (Linux);</li>"
        "<li>w telefonie: Feeder (Android), NetNewsWire (iPhone, iPad) oraz aplikacje Feedly i Inoreader.</li></ul>"
        "<p>To tylko przykłady, serwis nie jest związany z żadnym z nich. Zadziała każdy czytnik, który "
        "obsługuje RSS lub Atom.</p>",
        '<h2 id="jak-subskrybowac">Jak zasubskrybować kanał, krok po kroku</h2><ol>'
        "<li>Wybierz z <a href=\"#lista\">listy poniżej</a> kanał, który Cię interesuje: cały serwis, jeden z "
        "działów, temat, działanie programu, czasopismo albo autorkę lub autora.</li>"
        "<li>Skopiuj jego adres przyciskiem „Kopiuj” pod adresem. Jeśli przycisku nie widać, zaznacz adres "
        "myszą i naciśnij Ctrl+C (na komputerze Mac: Cmd+C).</li>"
        "<li>Otwórz czytnik i wybierz polecenie dodawania kanału. Zwykle nazywa się „Dodaj subskrypcję”, "
        "„Subskrybuj” albo „Nowy kanał” lub jest oznaczone znakiem +.</li>"
        "<li>Wklej adres w pole, które pokaże czytnik (Ctrl+V, na Macu Cmd+V), i potwierdź.</li>"
        "<li>Gotowe. Nowe materiały pojawią się w czytniku same, gdy czytnik następnym razem sprawdzi kanał.</li></ol>"
        "<p>Wiele czytników przyjmuje też adres zwykłej strony serwisu, np. strony tematu albo autorki: "
        "czytnik sam znajdzie kanał tej strony.</p>",
        '<h2 id="atom-czy-rss">Atom czy RSS?</h2>',
        "<p>Każdy kanał ma dwa adresy: Atom i RSS 2.0, z tymi samymi wpisami. Wybierz Atom, jeśli czytnik go "
        "obsługuje (robi to prawie każdy): przy materiale z kilkoma plikami do pobrania Atom podaje wszystkie "
        "pliki. RSS 2.0 pozwala dołączyć do wpisu tylko jeden plik, więc dołączamy główny: cały zestaw ZIP "
        "przy scenariuszach, pełny tekst PDF przy publikacjach. Nie subskrybuj obu adresów tego samego kanału, "
        "bo każda nowość pojawi się wtedy dwa razy.</p>",
        '<h2 id="kod-zamiast-strony">Dlaczego po kliknięciu adresu kanału widzę kod?</h2>',
        "<p>Kanał jest plikiem dla czytnika, a nie stroną do czytania, więc przeglądarka pokazuje go jako tekst "
        "(XML) albo proponuje pobranie pliku. To normalne: skopiuj adres i wklej go do czytnika.</p>",
        '<h2 id="opml">Wszystkie kanały naraz: plik OPML</h2>',
        "<p>OPML to plik z listą kanałów, który czytniki importują za jednym razem. "
        f"{link(path, urls.feeds_opml(), 'Pobierz listę wszystkich kanałów (OPML)', download='')}, a potem w czytniku "
        "wybierz polecenie importu (zwykle „Importuj OPML”, „Importuj subskrypcje” albo „Import” w "
        "ustawieniach) i wskaż pobrany plik. Niektóre czytniki przyjmują zamiast pliku jego adres:</p>",
        f'<table class="wiedza-feeds"><tbody><tr><th scope="row">Lista OPML</th>'
        f"{_url_cell(opml_url, 'lista wszystkich kanałów OPML', 'text/x-opml')}"
        "</tr></tbody></table>",
        "<p>Lista zawiera każdy kanał serwisu jeden raz, w formacie Atom. Kanałów jest sporo (także osobny dla "
        "każdej autorki i każdego autora), dlatego przy imporcie odznacz te, których nie potrzebujesz. "
        f"Jeśli chcesz tylko jednego kanału ze wszystkimi nowościami, wystarczy adres {esc(site_atom)}.</p>",
        '<h2 id="lista">Lista kanałów</h2>',
        f"<p>Każdy kanał podaje najwyżej {s.feed_limit} najnowszych materiałów.</p>",
        '<p id="wiedza-copy-status" class="wiedza-copy-status" role="status" aria-live="polite"></p>',
        _feed_tables(ctx, path, specs),
    ])


def opml(ctx: BuildContext, specs: list[FeedSpec]) -> bytes:
    """OPML 2.0: every feed once (its Atom file), grouped as on the feeds page."""
    index = ctx.index
    s = index.settings
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = clean(f"{s.short_title}: wszystkie kanały RSS i Atom")
    etree.SubElement(head, "dateCreated").text = format_datetime(index.newest_date or EPOCH)
    etree.SubElement(head, "ownerName").text = clean(s.operator)
    etree.SubElement(head, "ownerEmail").text = clean(s.contact_email)
    etree.SubElement(head, "docs").text = OPML_DOCS
    body = etree.SubElement(root, "body")
    for group, heading in GROUPS.items():
        members = [spec for spec in specs if spec.group == group]
        if not members:
            continue
        folder = etree.SubElement(body, "outline", text=heading, title=heading)
        for spec in members:
            etree.SubElement(folder, "outline", type="rss", text=spec.title, title=spec.title,
                             description=spec.subtitle, xmlUrl=urls.absolute(s.url, spec.path("atom")),
                             htmlUrl=urls.absolute(s.url, spec.page), language="pl")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write(ctx: BuildContext, specs: list[FeedSpec], owner: str) -> None:
    autodiscovery(ctx, specs)
    stage = ctx.stage
    path = urls.feeds_page()
    stage.write_text(COPY_JS, COPY_SCRIPT, owner)
    stage.write_bytes(urls.feeds_opml(), opml(ctx, specs), owner)
    head = f'<script src="{urls.relative(path, COPY_JS)}" defer></script>\n{PAGE_STYLE}'
    newest = ctx.index.newest_date   # the list changes only with content
    stage.add_page(StagedPage(path=path, title="Kanały RSS i Atom", body_html=page_html(ctx, specs),
                              description="Wszystkie kanały RSS i Atom serwisu z adresami do skopiowania "
                                          "i instrukcją subskrypcji.", head_html=head,
                              modified=newest.date().isoformat() if newest else ""), owner)
