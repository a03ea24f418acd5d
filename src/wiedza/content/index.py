"""SiteIndex: the frozen, checked content of the whole site that every output is written from."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from .. import urls
from ..errors import ContentError
from . import memo
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
    # The index is frozen, so lookups are computed once (cached_property writes the instance's
    # __dict__, which a frozen dataclass allows). Scanning every item per topic, author or issue
    # made listings grow with N × (authors + issues): quadratic on a growing portal.
    @cached_property
    def items(self) -> tuple[Document, ...]:
        """Research items and lessons, newest first: what feeds and search list."""
        return _newest_first(self.research + self.lessons)

    @cached_property
    def _groups(self) -> dict[tuple, tuple[Document, ...]]:
        """(kind, key) -> documents, in one pass: by topic, author and action newest first (as
        `items`), by periodical and issue in the order of `research`."""
        groups: dict[tuple, list] = defaultdict(list)
        for doc in self.items:   # the loader refuses a key listed twice in one document
            for key in doc.topics:
                groups["topic", key].append(doc)
            for key in doc.authors:
                groups["author", key].append(doc)
            for key in doc.actions:
                groups["action", key].append(doc)
        for item in self.research:
            if item.periodical:
                groups["periodical", item.periodical].append(item)
                groups["issue", item.periodical, item.volume, item.issue].append(item)
        return {key: tuple(docs) for key, docs in groups.items()}

    # -- digests of documents, for the writers' memo keys ---------------------------------
    @cached_property
    def _digests(self) -> dict[tuple[int, bool], tuple[Document, str]]:
        return {}

    def digest_of(self, doc: Document, *, body: bool = True) -> str:
        """Digest of every field of `doc` (without its Markdown `body` when body=False), made once
        per build. The body is hashed, not repr()'d: escaping its ten kilobytes in repr() made a
        digest three times as slow, and several writers key their memos on every document."""
        kept = self._digests.get((id(doc), body))
        if kept is None or kept[0] is not doc:   # the document itself is kept: its id() stays its own
            own = repr(tuple(getattr(doc, f.name) for f in fields(doc) if f.name != "body"))
            kept = (doc, memo.digest(type(doc).__name__, own, doc.body if body else ""))
            self._digests[id(doc), body] = kept
        return kept[1]

    def path_of(self, doc: Document) -> str:
        if isinstance(doc, ResearchItem):
            return urls.research(doc.slug)
        if isinstance(doc, Lesson):
            return urls.lesson(doc.slug)
        return urls.page(doc.slug)

    def url_of(self, doc: Document) -> str:
        return urls.absolute(self.settings.url, self.path_of(doc))

    def by_topic(self, key: str) -> tuple[Document, ...]:
        return self._groups.get(("topic", key), ())

    def by_author(self, key: str) -> tuple[Document, ...]:
        return self._groups.get(("author", key), ())

    def by_action(self, key: str) -> tuple[Document, ...]:
        return self._groups.get(("action", key), ())

    def in_issue(self, periodical: str, volume: int, issue: int) -> tuple[ResearchItem, ...]:
        found = self._groups.get(("issue", periodical, volume, issue), ())
        return tuple(sorted(found, key=lambda r: (r.pages or (0, 0), r.title)))

    def in_periodical(self, periodical: str) -> tuple[ResearchItem, ...]:
        return self._groups.get(("periodical", periodical), ())

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
