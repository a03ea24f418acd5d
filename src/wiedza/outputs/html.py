"""Small HTML building blocks shared by the page writers. Every text from content is escaped here."""
from __future__ import annotations

from datetime import datetime
from html import escape

from .. import urls
from ..content.models import Lesson, ResearchItem

MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
          "września", "października", "listopada", "grudnia")


def esc(text) -> str:
    return escape(str(text), quote=True)


def date_pl(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def time_tag(moment: datetime) -> str:
    return f'<time datetime="{moment.date().isoformat()}">{date_pl(moment)}</time>'


def link(from_path: str, to_path: str, text: str, **attrs) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{urls.relative(from_path, to_path)}"{extra}>{esc(text)}</a>'


def plural(n: int, one: str, few: str, many: str) -> str:
    """Polish plural: 1 publikacja, 2 publikacje, 5 publikacji."""
    if n == 1:
        return f"{n} {one}"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} {few}"
    return f"{n} {many}"


def duration_pl(lesson: Lesson) -> str:
    one = f"{lesson.duration_minutes} min"
    if lesson.meetings > 1:
        return f"{plural(lesson.meetings, 'spotkanie', 'spotkania', 'spotkań')} × {one}"
    return one


def ages_pl(index, lesson: Lesson) -> str:
    low, high = lesson.ages or (min(index.vocab.audiences[a].ages[0] for a in lesson.audience),
                                max(index.vocab.audiences[a].ages[1] for a in lesson.audience))
    return f"{low}–{high} lat"


def author_links(index, from_path: str, keys) -> str:
    return ", ".join(link(from_path, urls.author(k), index.authors[k].name) for k in keys)


def term_links(from_path: str, terms, to_path) -> str:
    return " ".join(f'<span class="wiedza-tag">{link(from_path, to_path(t.key), t.name)}</span>' for t in terms)


def definition_list(rows, css: str = "wiedza-meta") -> str:
    """rows: (label, html) pairs; empty values are left out."""
    inner = "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in rows if value)
    return f'<dl class="{css}">{inner}</dl>'


def bullet_list(items, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def downloads_list(from_path: str, downloads) -> str:
    """Every link states format and size, as accessibility rules require."""
    if not downloads:
        return ""
    items = []
    for d in downloads:
        label = f'<span class="wiedza-filemeta">({esc(d.label)})</span>'
        items.append(f'{link(from_path, d.path, d.title, download="") if d.extension != "html" else link(from_path, d.path, d.title)} {label}')
    return bullet_list(items, "wiedza-downloads")


def card(index, from_path: str, doc, level: int = 3) -> str:
    """A catalogue entry for a research item or a lesson kit; `level` is its heading level, one below
    the heading it sits under (skipping levels breaks the outline screen readers navigate by)."""
    path = index.path_of(doc)
    if isinstance(doc, ResearchItem):
        kind = index.vocab.types[doc.type].name
        facts = [esc(kind), time_tag(doc.date), author_links(index, from_path, doc.authors)]
        summary = doc.abstract
    else:
        facts = ["Scenariusz zajęć", esc(duration_pl(doc)), esc(ages_pl(index, doc)),
                 esc(", ".join(index.vocab.audiences[a].name for a in doc.audience))]
        summary = doc.summary
    short = summary if len(summary) <= 280 else summary[:277].rsplit(" ", 1)[0] + "…"
    return (f'<article class="wiedza-card"><h{level}>{link(from_path, path, doc.title)}</h{level}>'
            f'<p class="wiedza-card-meta">{" · ".join(f for f in facts if f)}</p>'
            f"<p>{esc(short)}</p></article>")


def card_list(index, from_path: str, docs, empty: str = "Nie ma tu jeszcze żadnych materiałów.", level: int = 3) -> str:
    if not docs:
        return f"<p>{esc(empty)}</p>"
    return '<div class="wiedza-cards">' + "".join(card(index, from_path, d, level) for d in docs) + "</div>"


def breadcrumbs(from_path: str, trail) -> str:
    """trail: (title, path) pairs; the last one is the current page."""
    parts = [link(from_path, p, t) for t, p in trail[:-1]] + [f'<span aria-current="page">{esc(trail[-1][0])}</span>']
    return f'<nav class="wiedza-crumbs" aria-label="Okruszki">{" › ".join(parts)}</nav>'
