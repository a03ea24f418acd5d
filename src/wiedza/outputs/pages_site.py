"""Site-wide pages: home, topics, authors, the programme and its actions, and free pages."""
from __future__ import annotations

from .. import urls
from ..content.models import Lesson, ResearchItem
from ..stage import StagedPage
from .context import BuildContext
from .html import breadcrumbs, card_list, esc, link, plural

OWNER = "strony serwisu"
HOME = ("Strona główna", "index.html")


def _page(ctx, path, title, body, description="", section=""):
    ctx.stage.add_page(StagedPage(path=path, title=title, body_html=body, description=description,
                                  section=section), OWNER)


def _count(index, docs) -> str:
    research = sum(1 for d in docs if isinstance(d, ResearchItem))  # isinstance: `in` compares whole items
    lessons = len(docs) - research
    return (f"{plural(research, 'publikacja', 'publikacje', 'publikacji')}, "
            f"{plural(lessons, 'scenariusz', 'scenariusze', 'scenariuszy')}")


def home(ctx: BuildContext) -> None:
    index = ctx.index
    s = index.settings
    path = "index.html"
    featured = [l for l in index.lessons if l.featured] or list(index.lessons[:3])
    body = (
        f"<h1>{esc(s.title)}</h1>"
        f'<p class="wiedza-lead">{esc(s.description)}</p>'
        "<p>Portal zbiera wiedzę o ekonomii społecznej i spółdzielczości: wyniki badań, monografie, czasopisma "
        "i studia polskich tradycji spółdzielczych, a także scenariusze zajęć dla szkół i edukacji pozaformalnej. "
        "Wszystko jest bezpłatne, na wolnych licencjach i działa także bez internetu, po pobraniu na dysk.</p>"
        '<div class="wiedza-entry">'
        f'<section><h2>Dla nauczycieli i edukatorów</h2><p>Gotowe scenariusze z kartami pracy do pobrania jednym plikiem, '
        f'wzory dokumentów spółdzielni uczniowskiej.</p><p>{link(path, urls.LESSONS + "/index.html", "Przeglądaj scenariusze")}</p></section>'
        f'<section><h2>Dla badaczy</h2><p>Publikacje z metadanymi do cytowania, czasopisma z rocznikami i numerami, '
        f'profile autorów.</p><p>{link(path, urls.RESEARCH + "/index.html", "Przeglądaj publikacje")}</p></section>'
        f'<section><h2>Dla obserwujących</h2><p>Kanały RSS i Atom całego serwisu, działów, tematów, czasopism i autorów.</p>'
        f'<p>{link(path, "kanaly.html", "Subskrybuj nowości")}</p></section>'
        "</div>"
        "<h2>Najnowsze publikacje</h2>" + card_list(index, path, list(index.research[:5]))
        + "<h2>Polecane scenariusze zajęć</h2>" + card_list(index, path, featured)
        + f"<p>{link(path, 'program/index.html', 'O programie „Ekonomia społeczna” i jego działaniach')}</p>"
    )
    _page(ctx, path, s.title, body, s.description)


def topics(ctx: BuildContext) -> None:
    index = ctx.index
    listing = "tematy/index.html"
    rows = []
    for term in index.vocab.topics.values():
        docs = index.by_topic(term.key)
        path = urls.topic(term.key)
        rows.append(f"<li>{link(listing, path, term.name)} – {esc(_count(index, docs))}</li>")
        body = (breadcrumbs(path, [HOME, ("Tematy", listing), (term.name, path)]) + f"<h1>{esc(term.name)}</h1>"
                + f"<p>{esc(term.description)}</p><p>{esc(_count(index, docs))}.</p>"
                + "<h2>Publikacje</h2>" + card_list(index, path, [d for d in docs if isinstance(d, ResearchItem)])
                + "<h2>Scenariusze zajęć</h2>" + card_list(index, path, [d for d in docs if isinstance(d, Lesson)]))
        _page(ctx, path, f"Temat: {term.name}", body, term.description)
    _page(ctx, listing, "Tematy", breadcrumbs(listing, [HOME, ("Tematy", listing)]) + "<h1>Tematy</h1>"
          + "<p>Wszystkie materiały portalu według tematu.</p><ul>" + "".join(rows) + "</ul>")


def authors(ctx: BuildContext) -> None:
    index = ctx.index
    listing = "autorzy/index.html"
    rows = []
    for author in sorted(index.authors.values(), key=lambda a: (a.family, a.given)):
        docs = index.by_author(author.key)
        path = urls.author(author.key)
        rows.append(f"<li>{link(listing, path, f'{author.family} {author.given}')}"
                    + (f" – {esc(author.affiliation)}" if author.affiliation else "") + f" ({len(docs)})</li>")
        orcid = (f'<p>ORCID: <a href="{esc(author.orcid_url)}">{esc(author.orcid_url)}</a></p>' if author.orcid_url else "")
        body = (breadcrumbs(path, [HOME, ("Autorzy", listing), (author.name, path)]) + f"<h1>{esc(author.name)}</h1>"
                + (f'<p class="wiedza-affiliation">{esc(author.affiliation)}</p>' if author.affiliation else "")
                + orcid + (f"<p>{esc(author.bio)}</p>" if author.bio else "")
                + "<h2>Prace, od najnowszych</h2>" + card_list(index, path, list(docs)))
        _page(ctx, path, author.name, body, (author.bio or author.name)[:300])
    _page(ctx, listing, "Autorki i autorzy", breadcrumbs(listing, [HOME, ("Autorzy", listing)])
          + "<h1>Autorki i autorzy</h1><ul>" + "".join(rows) + "</ul>")


def programme(ctx: BuildContext) -> None:
    index = ctx.index
    vocab = index.vocab
    listing = "program/index.html"
    intro = next((p for p in index.pages if p.slug == "o-programie"), None)
    sections = []
    for pkey, priority in vocab.priorities.items():
        items = []
        for akey, action in vocab.actions.items():
            if action.priority != pkey:
                continue
            docs = index.by_action(akey)
            path = urls.action(akey)
            items.append(f"<li>{link(listing, path, f'{akey} {action.name}')} – {esc(action.description)} "
                         f"<small>({esc(_count(index, docs))})</small></li>")
            body = (breadcrumbs(path, [HOME, ("O programie", listing), (akey, path)])
                    + f"<h1>Działanie {esc(akey)}: {esc(action.name)}</h1>"
                    + f"<p>Priorytet {esc(pkey)} „{esc(priority.name)}”.</p><p>{esc(action.description)}</p>"
                    + f"<p>W portalu: {esc(_count(index, docs))}.</p>" + card_list(index, path, list(docs),
                      "Portal nie publikuje jeszcze materiałów w tym działaniu.", level=2))
            _page(ctx, path, f"Działanie {akey} {action.name}", body, action.description)
        sections.append(f"<h2>Priorytet {esc(pkey)}: {esc(priority.name)}</h2><p>{esc(priority.description)}</p>"
                        "<ul>" + "".join(items) + "</ul>")
    body = (breadcrumbs(listing, [HOME, ("O programie", listing)]) + "<h1>O programie „Ekonomia społeczna”</h1>"
            + (index.bodies[intro.id] if intro else "") + "".join(sections))
    _page(ctx, listing, "O programie", body, "Priorytety i działania programu „Ekonomia społeczna”.")


def free_pages(ctx: BuildContext) -> None:
    index = ctx.index
    for page in index.pages:
        if page.slug == "o-programie":
            continue  # its text opens the programme page
        path = index.path_of(page)
        body = breadcrumbs(path, [HOME, (page.title, path)]) + f"<h1>{esc(page.title)}</h1>" + index.bodies[page.id]
        _page(ctx, path, page.title, body, page.description)


def write(ctx: BuildContext) -> None:
    home(ctx)
    topics(ctx)
    authors(ctx)
    programme(ctx)
    free_pages(ctx)
