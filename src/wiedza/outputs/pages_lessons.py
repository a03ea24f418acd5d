"""Lesson kit pages, the kit catalogue with filters, and plain facet pages for browsers without JS."""
from __future__ import annotations

from .. import urls
from ..content.models import Lesson
from ..stage import StagedPage
from .context import BuildContext
from .html import (ages_pl, author_links, breadcrumbs, bullet_list, card, definition_list, downloads_list,
                   duration_pl, esc, link, plural, term_links, time_tag)

OWNER = "strony scenariuszy"
HOME = ("Strona główna", "index.html")
CATALOGUE_PATH = f"{urls.LESSONS}/index.html"
CATALOGUE = ("Scenariusze i zestawy", CATALOGUE_PATH)

# Duration buckets by the total time of all meetings.
DURATIONS = {
    "do-45-min": ("Jedna lekcja (do 45 min)", lambda m: m <= 45),
    "46-90-min": ("Do dwóch lekcji (46–90 min)", lambda m: 45 < m <= 90),
    "ponad-90-min": ("Dłuższe lub kilka spotkań (ponad 90 min)", lambda m: m > 90),
}


def duration_bucket(lesson: Lesson) -> str:
    return next(key for key, (_, test) in DURATIONS.items() if test(lesson.total_minutes))


def facets(index) -> dict[str, dict[str, tuple[str, list[Lesson]]]]:
    """facet -> key -> (label, lessons); only keys that have lessons."""
    vocab = index.vocab
    out = {
        "odbiorcy": {k: (a.name, [l for l in index.lessons if k in l.audience]) for k, a in vocab.audiences.items()},
        "czas": {k: (label, [l for l in index.lessons if duration_bucket(l) == k]) for k, (label, _) in DURATIONS.items()},
        "tematy": {k: (t.name, [l for l in index.lessons if k in l.topics]) for k, t in vocab.topics.items()},
        "dzialanie": {k: (f"{k} {a.name}", [l for l in index.lessons if l.action == k])
                      for k, a in vocab.actions.items() if k in ("III.1", "III.3")},
    }
    return {facet: {k: v for k, v in values.items() if v[1]} for facet, values in out.items()}


FACET_NAMES = {"odbiorcy": "Odbiorcy", "czas": "Czas trwania", "tematy": "Temat", "dzialanie": "Działanie programu"}


def _page(ctx, path, title, body, description="", head="", modified=""):
    ctx.stage.add_page(StagedPage(path=path, title=title, body_html=body, description=description,
                                  head_html=head, section=urls.LESSONS, modified=modified), OWNER)


def kit_page(ctx: BuildContext, lesson: Lesson) -> None:
    index = ctx.index
    vocab = index.vocab
    path = index.path_of(lesson)
    licence = vocab.licences[lesson.licence]
    downloads = ctx.downloads.get(lesson.id, [])
    kit = [d for d in downloads if d.kind == "kit"]
    files = [d for d in downloads if d.kind != "kit"]
    objectives = bullet_list([esc(o) for o in lesson.objectives])
    curriculum = "".join(
        f'<li class="wiedza-curriculum"><strong>{esc(c.subject)}, {esc(c.stage)}, {esc(c.code)}</strong>: {esc(c.text)}</li>'
        for c in lesson.curriculum)
    card_html = definition_list([
        ("Odbiorcy", esc(", ".join(vocab.audiences[a].name for a in lesson.audience)) + f" ({esc(ages_pl(index, lesson))})"),
        ("Czas trwania", esc(duration_pl(lesson))),
        ("Działanie programu", link(path, urls.action(lesson.action), f"{lesson.action} {vocab.actions[lesson.action].name}")),
        ("Tematy", term_links(path, [vocab.topics[t] for t in lesson.topics], urls.topic)),
        ("Potrzebne materiały", bullet_list([esc(m) for m in lesson.materials])),
        ("Metody", esc(", ".join(lesson.methods))),
        ("Autorzy", author_links(index, path, lesson.authors)),
        ("Wersja", f"{esc(lesson.version)}, {time_tag(lesson.modified)}"),
        ("Licencja", f'<a rel="license" href="{esc(licence.url)}">{esc(licence.short)}</a>'),
    ], "wiedza-meta wiedza-kit-card")
    parts = [
        breadcrumbs(path, [HOME, CATALOGUE, (lesson.title, path)]),
        f"<h1>{esc(lesson.title)}</h1>",
        f'<p class="wiedza-lead">{esc(lesson.summary)}</p>',
    ]
    if kit:
        parts.append(f'<p class="wiedza-kit-download">{link(path, kit[0].path, "Pobierz cały zestaw", download="", class_="md-button md-button--primary")} '
                     f'<span class="wiedza-filemeta">({esc(kit[0].label)})</span></p>')
    parts += [
        f'<section aria-labelledby="metryczka"><h2 id="metryczka">Metryczka zajęć</h2>{card_html}</section>',
        f'<section aria-labelledby="cele"><h2 id="cele">Cele zajęć</h2>{objectives}'
        + (f'<h3>Wymagania podstawy programowej</h3><ul class="wiedza-curriculum-list">{curriculum}</ul>' if curriculum else "")
        + "</section>",
    ]
    if files:
        parts.append(f'<section aria-labelledby="materialy"><h2 id="materialy">Karty pracy i załączniki</h2>{downloads_list(path, files)}</section>')
    parts.extend(ctx.sections.get(lesson.id, []))
    parts.append(f'<section class="wiedza-body" aria-labelledby="przebieg"><h2 id="przebieg">Przebieg zajęć</h2>{index.bodies[lesson.id]}</section>')
    _page(ctx, path, lesson.title, "\n".join(parts), lesson.summary[:300], "\n".join(ctx.heads.get(lesson.id, [])),
          lesson.modified.date().isoformat())


def _facet_nav(index, from_path: str, groups) -> str:
    out = ['<nav class="wiedza-facets" aria-label="Przeglądaj scenariusze">']
    for facet, values in groups.items():
        out.append(f"<h2>{esc(FACET_NAMES[facet])}</h2><ul>")
        for key, (label, lessons) in values.items():
            out.append(f"<li>{link(from_path, urls.lesson_facet(facet, key), label)} ({len(lessons)})</li>")
        out.append("</ul>")
    out.append("</nav>")
    return "".join(out)


def _filter_form(groups) -> str:
    """Checkbox filters; catalogue.js shows matching kits and live counts. Hidden without JS."""
    out = ['<form class="wiedza-filters" id="wiedza-filters" hidden aria-label="Filtruj scenariusze">'
           '<details id="wiedza-filter-box" open><summary>Filtruj zestawy</summary>']
    for facet, values in groups.items():
        out.append(f'<fieldset><legend>{esc(FACET_NAMES[facet])}</legend>')
        for key, (label, lessons) in values.items():
            ident = f"f-{facet}-{key}".replace(".", "-")
            out.append(f'<label for="{ident}"><input type="checkbox" id="{ident}" name="{facet}" value="{esc(key)}"> '
                       f'{esc(label)} <span class="wiedza-count" data-facet="{facet}" data-key="{esc(key)}">({len(lessons)})</span></label>')
        out.append("</fieldset>")
    out.append('<button type="reset" class="md-button">Wyczyść filtry</button></details></form>')
    out.append('<p id="wiedza-filter-status" role="status" aria-live="polite"></p>')
    return "".join(out)


def catalogue(ctx: BuildContext) -> None:
    index = ctx.index
    groups = facets(index)
    path = CATALOGUE_PATH
    entries = []
    for lesson in index.lessons:
        data = {
            "odbiorcy": " ".join(lesson.audience), "czas": duration_bucket(lesson),
            "tematy": " ".join(lesson.topics), "dzialanie": lesson.action,
        }
        attrs = " ".join(f'data-{k}="{esc(v)}"' for k, v in data.items())
        entries.append(f'<li class="wiedza-kit" {attrs}>{card(index, path, lesson)}</li>')
    body = (breadcrumbs(path, [HOME, CATALOGUE]) + "<h1>Scenariusze i zestawy zajęć</h1>"
            + "<p>Gotowe scenariusze zajęć o współpracy, spółdzielczości i ekonomii społecznej – dla szkół "
              "(Działanie III.3, spółdzielnie uczniowskie) i edukacji pozaformalnej młodzieży (Działanie III.1). "
              "Każdy zestaw pobierzesz jako jeden plik: plan zajęć w PDF i do edycji, karty pracy i załączniki.</p>"
            + _filter_form(groups)
            + f'<div class="wiedza-no-js">{_facet_nav(index, path, groups)}</div>'
            + f"<h2>Wszystkie zestawy ({len(index.lessons)})</h2>"
            + f'<ul class="wiedza-kits" id="wiedza-kits">{"".join(entries)}</ul>'
            + f'<script src="{urls.relative(path, "assets/wiedza/js/catalogue.js")}" defer></script>')
    _page(ctx, path, "Scenariusze i zestawy", body, "Scenariusze zajęć do pobrania: spółdzielnie uczniowskie i edukacja pozaformalna.")
    for facet, values in groups.items():
        for key, (label, lessons) in values.items():
            facet_path = urls.lesson_facet(facet, key)
            title = f"Scenariusze – {FACET_NAMES[facet].lower()}: {label}"
            body = (breadcrumbs(facet_path, [HOME, CATALOGUE, (label, facet_path)]) + f"<h1>{esc(title)}</h1>"
                    + f"<p>{plural(len(lessons), 'zestaw', 'zestawy', 'zestawów')}.</p>"
                    + '<div class="wiedza-cards">' + "".join(card(index, facet_path, l, level=2) for l in lessons) + "</div>"
                    + _facet_nav(index, facet_path, groups))
            _page(ctx, facet_path, title, body)


def write(ctx: BuildContext) -> None:
    for lesson in ctx.index.lessons:
        kit_page(ctx, lesson)
    catalogue(ctx)
