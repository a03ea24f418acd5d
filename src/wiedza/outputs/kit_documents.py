"""The lesson plan and the Markdown worksheets of a kit as HTML documents for the conversion tools
(WeasyPrint for PDF, pandoc for DOCX/ODT): metadata card, running headers, absolute links, Polish
print typography, the citation and licence lines."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..content.models import Attachment, Lesson
from ..content.render import render_markdown
from . import convert
from .html import ages_pl, date_pl, duration_pl, esc

TEMPLATE_KIND = "template"
TEMPLATE_NOTE = "WZÓR – dostosuj przed użyciem razem z dyrekcją szkoły"

_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")', re.IGNORECASE)
_HEADING = re.compile(r"<(/?)h([1-5])(?=[\s>])", re.IGNORECASE)


def absolute_links(html: str, base_url: str, markdown_pages: bool = False) -> str:
    """A PDF or DOCX leaves the site: relative links become absolute URLs. In a worksheet a link
    to another .md file points to its published page (.html)."""
    def replace(match: re.Match) -> str:
        href = match.group(2)
        parts = urlsplit(href)
        if not href or href.startswith("#") or parts.scheme or href.startswith("//"):
            return match.group(0)
        if markdown_pages and parts.path.endswith(".md"):
            href = href.replace(parts.path, parts.path[:-3] + ".html", 1)
        return f"{match.group(1)}{esc(urljoin(base_url, href))}{match.group(3)}"
    return _HREF.sub(replace, html)


def linkify(text: str) -> str:
    """Escape plain text and turn its web addresses into links (never hyphenated in print)."""
    out = []
    for i, part in enumerate(re.split(r"(https?://[^\s]+[^\s.,;)])", text)):
        out.append(f'<a class="bare" href="{esc(part)}">{esc(part)}</a>' if i % 2 else esc(part))
    return "".join(out)


def shift_headings(html: str) -> str:
    """h1..h5 -> h2..h6: the procedure sits under the plan's own <h2>."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def _document(title: str, body: str, *, css_class: str, meta: dict[str, list[str]] | None = None) -> str:
    head = ["<meta charset=\"utf-8\">", f"<title>{esc(title)}</title>"]
    for name, values in (meta or {}).items():
        head += [f'<meta name="{esc(name)}" content="{esc(v)}">' for v in values]
    return ('<!DOCTYPE html>\n<html lang="pl">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            f'<body class="{css_class}">\n{body}\n</body>\n</html>\n')


def _running(title: str, note: str, licence_line: str) -> str:
    """Header and footer texts (CSS running elements): artefacts, not part of the tagged text."""
    return (f'<div class="run-title">{esc(title)}</div><div class="run-note">{esc(note)}</div>'
            f'<div class="run-licence">{esc(licence_line)}</div>\n')


@dataclass
class LessonInfo:
    """What the kit of one lesson needs, computed once in the main process."""

    lesson: Lesson
    doc_path: str
    url: str
    folder: Path
    licence: object
    epoch: int
    zip_time: tuple[int, int, int, int, int, int]
    authors: list[str]
    label: str        # the kit file for messages, e.g. content/lessons/x/index.md


def kit_label(index, lesson: Lesson) -> str:
    """The kit file as messages name it, e.g. content/lessons/x/index.md."""
    try:
        return lesson.source.relative_to(index.content_root.parent).as_posix()
    except ValueError:
        return lesson.source.as_posix()


def lesson_info(index, lesson: Lesson) -> LessonInfo:
    day = lesson.modified.date()
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)
    label = kit_label(index, lesson)
    return LessonInfo(lesson=lesson, doc_path=index.path_of(lesson), url=index.url_of(lesson),
                   folder=lesson.source.parent, licence=index.vocab.licences[lesson.licence],
                   epoch=int(noon.timestamp()), zip_time=(max(day.year, 1980), day.month, day.day, 12, 0, 0),
                   authors=[index.authors[k].name for k in lesson.authors], label=label)


def _pdf_meta(info: LessonInfo, description: str, keywords: list[str]) -> dict[str, list[str]]:
    lesson = info.lesson
    return {"author": info.authors, "description": [description], "keywords": keywords,
            "generator": ["Wiedza"], "dcterms.created": [lesson.date.date().isoformat()],
            "dcterms.modified": [lesson.modified.date().isoformat()]}


def office_meta(*, authors: list[str], subject: str, description: str, keywords: list[str], category: str) -> str:
    lit = convert.markdown_literal
    data = {"lang": "pl-PL", "subject": lit(subject), "description": lit(description),
            "keywords": [lit(k) for k in keywords], "category": lit(category)}
    if authors:
        data["author"] = [lit(a) for a in authors]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def citation(index, info: LessonInfo) -> str:
    """'Lewandowska K., Mazur J. (2026). Tytuł (wersja 1.1) [scenariusz zajęć]. Serwis. URL'."""
    names = ", ".join(f"{index.authors[k].family} {index.authors[k].given[:1]}." for k in info.lesson.authors)
    lesson = info.lesson
    return (f"{names} ({lesson.modified.year}). {lesson.title} (wersja {lesson.version}) [scenariusz zajęć]. "
            f"{index.settings.title}. {info.url}")


def attribution(index, info: LessonInfo) -> str:
    """The 'title, author, source, licence' line Creative Commons asks for."""
    lesson = info.lesson
    return (f"„{lesson.title}” (wersja {lesson.version}), autorzy: {', '.join(info.authors)}, "
            f"{index.settings.short_title}: {info.url}, licencja {info.licence.short}")


def plan_html(index, info: LessonInfo, kit_attachments: list[Attachment], *, for_print: bool) -> str:
    lesson = info.lesson
    vocab = index.vocab
    licence = info.licence
    audiences = ", ".join(vocab.audiences[a].name for a in lesson.audience)
    duration = duration_pl(lesson) + (f" (razem {lesson.total_minutes} min)" if lesson.meetings > 1 else "")
    version = f"{lesson.version} z {date_pl(lesson.modified)}"
    if lesson.updated:
        version += f" (pierwsza publikacja {date_pl(lesson.date)})"
    rows = [
        ("Odbiorcy", esc(f"{audiences} ({ages_pl(index, lesson)})")),
        ("Czas trwania", esc(duration)),
        ("Działanie programu", esc(f"{lesson.action} {vocab.actions[lesson.action].name}")),
        ("Tematy", esc(", ".join(vocab.topics[t].name for t in lesson.topics))),
        ("Metody", esc(", ".join(lesson.methods))),
        ("Autorzy", esc(", ".join(info.authors))),
        ("Wersja", esc(version)),
        ("Licencja", f'{esc(licence.name)} ({esc(licence.short)}), '
                     f'<a class="bare" href="{esc(licence.url)}">{esc(licence.url)}</a>'),
        ("Źródło", f'<a class="bare" href="{esc(info.url)}">{esc(info.url)}</a>'),
    ]
    card = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{v}</td></tr>' for k, v in rows if v)
    parts = []
    if for_print:
        parts.append(_running(lesson.title, f"Scenariusz zajęć · wersja {lesson.version}",
                              f"{licence.short} · {index.settings.short_title} · {info.url}"))
    parts += [f"<h1>{esc(lesson.title)}</h1>", f'<p class="lead">{esc(lesson.summary)}</p>',
              "<h2>Metryczka zajęć</h2>", f'<table class="card"><tbody>{card}</tbody></table>',
              "<h2>Cele zajęć</h2>", "<ul>" + "".join(f"<li>{esc(o)}</li>" for o in lesson.objectives) + "</ul>"]
    if lesson.curriculum:
        parts += ["<h3>Wymagania podstawy programowej</h3>", "<ul>" + "".join(
            f"<li><strong>{esc(c.subject)}, {esc(c.stage)}, {esc(c.code)}</strong>: {esc(c.text)}</li>"
            for c in lesson.curriculum) + "</ul>"]
    if lesson.materials:
        parts += ["<h2>Potrzebne materiały</h2>", "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in lesson.materials) + "</ul>"]
    if kit_attachments:
        parts += ["<h2>Materiały w zestawie</h2>", "<ul>" + "".join(
            f"<li>{esc(a.title)} ({esc(vocab.attachment_kinds[a.kind].name.lower())})</li>" for a in kit_attachments) + "</ul>"]
    body = absolute_links(index.bodies[lesson.id], info.url)
    parts += ["<h2>Przebieg zajęć</h2>", shift_headings(convert.local_images(body, info.folder)),
              "<h2>Jak cytować</h2>", f'<p class="cite">{linkify(citation(index, info))}</p>',
              f'<p class="cite">Licencja: {linkify(attribution(index, info))}.</p>']
    body_html = "\n".join(parts)
    if for_print:
        body_html = convert.polish_typography(body_html)
        meta = _pdf_meta(info, lesson.summary, ["scenariusz zajęć", *(vocab.topics[t].name for t in lesson.topics)])
        return _document(lesson.title, body_html, css_class="plan", meta=meta)
    return _document(lesson.title, body_html, css_class="plan")


def sheet_html(index, info: LessonInfo, attachment: Attachment, *, for_print: bool) -> str:
    lesson = info.lesson
    kind = index.vocab.attachment_kinds[attachment.kind].name
    text = attachment.source.read_text(encoding="utf-8-sig")
    html = convert.local_images(absolute_links(render_markdown(text), info.url, markdown_pages=True), info.folder)
    if not re.search(r"<h1[\s>]", html):
        html = f"<h1>{esc(attachment.title)}</h1>\n{html}"
    if attachment.kind == TEMPLATE_KIND and "WZÓR" not in text:
        html = re.sub(r"(</h1>)", f'\\1\n<p class="template-note">{esc(TEMPLATE_NOTE)}</p>', html, count=1)
    source = (f'<p class="source">Z zestawu „{esc(lesson.title)}” (wersja {esc(lesson.version)}), licencja '
              f'{esc(info.licence.short)}: <a class="bare" href="{esc(info.url)}">{esc(info.url)}</a></p>')
    parts = []
    if for_print:
        note = "WZÓR DOKUMENTU" if attachment.kind == TEMPLATE_KIND else kind
        parts.append(_running(lesson.title, note, f"{info.licence.short} · {index.settings.short_title} · {info.url}"))
    parts += [html, source]
    body_html = "\n".join(parts)
    if for_print:
        keywords = [kind.lower(), *(index.vocab.topics[t].name for t in lesson.topics)]
        meta = _pdf_meta(info, f"{kind} z zestawu „{lesson.title}”", keywords)
        return _document(attachment.title, convert.polish_typography(body_html), css_class="sheet", meta=meta)
    return _document(attachment.title, body_html, css_class="sheet")
