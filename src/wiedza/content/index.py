"""SiteIndex: the frozen, checked content of the whole site that every output is written from."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from .. import urls
from ..errors import ContentError
from .accessibility import AccessibilityDeclaration
from .models import Author, Document, Lesson, Page, Periodical, ResearchItem, Settings, Vocabularies


def _newest_first(items: Iterable) -> tuple:
    return tuple(sorted(items, key=lambda d: (d.date, d.id), reverse=True))


@dataclass(frozen=True)
class SiteIndex:
    settings: Settings
    vocab: Vocabularies
    authors: Mapping[str, Author]
    periodicals: Mapping[str, Periodical]
    research: tuple[ResearchItem, ...]      # newest first
    lessons: tuple[Lesson, ...]             # newest first
    pages: tuple[Page, ...]
    content_root: Path
    bodies: Mapping[str, str] = field(default_factory=dict)   # document id -> sanitised HTML
    warnings: tuple[ContentError, ...] = ()
    accessibility: "AccessibilityDeclaration | None" = None   # content/accessibility.yml, if present

    @classmethod
    def create(cls, *, settings, vocab, authors, periodicals, research, lessons, pages, content_root,
               accessibility=None) -> "SiteIndex":
        return cls(settings=settings, vocab=vocab, authors=MappingProxyType(dict(authors)),
                   periodicals=MappingProxyType(dict(periodicals)), research=_newest_first(research),
                   lessons=_newest_first(lessons), pages=tuple(sorted(pages, key=lambda p: p.slug)),
                   content_root=content_root, accessibility=accessibility)

    def with_bodies(self, bodies: dict[str, str], warnings: tuple) -> "SiteIndex":
        return replace(self, bodies=MappingProxyType(dict(bodies)), warnings=warnings)

    # -- lookups -------------------------------------------------------------------------
    @property
    def items(self) -> tuple[Document, ...]:
        """Research items and lessons, newest first: what feeds and search list."""
        return _newest_first(self.research + self.lessons)

    def path_of(self, doc: Document) -> str:
        if isinstance(doc, ResearchItem):
            return urls.research(doc.slug)
        if isinstance(doc, Lesson):
            return urls.lesson(doc.slug)
        return urls.page(doc.slug)

    def url_of(self, doc: Document) -> str:
        return urls.absolute(self.settings.url, self.path_of(doc))

    def by_topic(self, key: str) -> tuple[Document, ...]:
        return tuple(d for d in self.items if key in d.topics)

    def by_author(self, key: str) -> tuple[Document, ...]:
        return tuple(d for d in self.items if key in d.authors)

    def by_action(self, key: str) -> tuple[Document, ...]:
        return tuple(d for d in self.items if key in d.actions)

    def in_issue(self, periodical: str, volume: int, issue: int) -> tuple[ResearchItem, ...]:
        found = [r for r in self.research if (r.periodical, r.volume, r.issue) == (periodical, volume, issue)]
        return tuple(sorted(found, key=lambda r: (r.pages or (0, 0), r.title)))

    def in_periodical(self, periodical: str) -> tuple[ResearchItem, ...]:
        return tuple(r for r in self.research if r.periodical == periodical)

    def licence_of(self, doc) -> object:
        return self.vocab.licences[doc.licence]

    def issn_of(self, item: ResearchItem) -> str | None:
        if item.periodical:
            return self.periodicals[item.periodical].issn
        return item.issn

    @property
    def newest_date(self) -> datetime | None:
        dates = [d.modified for d in self.items]
        return max(dates) if dates else None
