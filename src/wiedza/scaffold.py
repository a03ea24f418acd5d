"""`wiedza new`: a correctly filled skeleton for a lesson kit or a research item."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from .content.fields import WARSAW
from .slugs import safe_slug

TODO = "UZUPEŁNIJ"


def _next_id(content: Path, prefix: str, year: int) -> str:
    used = set()
    for path in content.rglob("*.md"):
        for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines()[:40]:
            if line.startswith("id:"):
                used.add(line[3:].strip().strip("\"'"))
    number = 1
    while f"{prefix}-{year}-{number:03d}" in used:
        number += 1
    return f"{prefix}-{year}-{number:03d}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lesson_skeleton(title: str, ident: str, today: str, author: str) -> str:
    return f"""---
id: {ident}
title: {_quote(title)}
summary: >-
  {TODO}: jeden akapit – czego dotyczą zajęcia i co uczestnicy zrobią.
action: III.3            # III.3 spółdzielnie uczniowskie albo III.1 edukacja pozaformalna
audience: [sp-7-8]       # klucze z content/vocabularies.yml (audiences)
duration_minutes: 45
meetings: 1
topics: [spoldzielnie-uczniowskie]
objectives:
  - "Uczeń {TODO}"
materials:
  - {TODO}
methods:
  - {TODO}
authors: [{author}]        # klucze z content/authors.yml
date: {today}
version: "1.0"
attachments:
  - file: karta-pracy.md
    title: Karta pracy
    kind: worksheet
  - file: notatki-dla-prowadzacego.md
    title: Notatki dla prowadzącego
    kind: teacher-notes
---
## Wprowadzenie (10 min)

{TODO}

## Część główna (25 min)

{TODO}

## Podsumowanie (10 min)

{TODO}
"""


def article_skeleton(title: str, ident: str, today: str, author: str) -> str:
    return f"""---
id: {ident}
title: {_quote(title)}
type: research-article   # research-article, monograph, report, tradition-study, periodical-article, insert
date: {today}
authors: [{author}]        # klucze z content/authors.yml
abstract: >-
  {TODO}: streszczenie (widoczne na stronie, w kanałach i w metadanych).
topics: [spoldzielczosc]
actions: [III.2]
language: pl
attachments: []
---
## Wprowadzenie

{TODO}
"""


def _first_author(content: Path) -> str:
    """A valid author key, so the skeleton passes `wiedza check` before the editor changes it."""
    try:
        authors = yaml.safe_load((content / "authors.yml").read_text(encoding="utf-8-sig")) or {}
    except (OSError, yaml.YAMLError):
        authors = {}
    return next(iter(authors), TODO.lower())


def create(kind: str, title: str, content: Path) -> Path:
    today = datetime.now(WARSAW).date().isoformat()
    author = _first_author(content)
    slug = safe_slug(title)
    if kind == "lesson":
        folder = content / "lessons" / slug
        if folder.exists():
            raise FileExistsError(f"{folder} już istnieje; wybierz inny tytuł.")
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(lesson_skeleton(title, _next_id(content, "zestaw", int(today[:4])), today, author), encoding="utf-8")
        (folder / "karta-pracy.md").write_text(f"# Karta pracy: {title}\n\n1. {TODO}\n", encoding="utf-8")
        (folder / "notatki-dla-prowadzacego.md").write_text(f"# Notatki dla prowadzącego: {title}\n\n{TODO}\n", encoding="utf-8")
        return folder / "index.md"
    path = content / "articles" / f"{slug}.md"
    if path.exists() or (content / "articles" / slug).exists():
        raise FileExistsError(f"{path} już istnieje; wybierz inny tytuł.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_skeleton(title, _next_id(content, "pub", int(today[:4])), today, author), encoding="utf-8")
    return path
