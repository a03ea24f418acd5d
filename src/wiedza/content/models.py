"""Typed, frozen content objects. Everything the outputs need is here; nothing re-reads content/."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    url: str
    title: str
    short_title: str
    description: str
    operator: str
    contact_email: str
    contact_phone: str | None
    address: str | None
    default_licence: str
    lesson_default_licence: str
    feed_limit: int
    max_attachment_mb: int
    tag_authority: str
    iframe_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Audience(Term):
    stage: str = ""
    ages: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Action(Term):
    priority: str = ""


@dataclass(frozen=True)
class Licence(Term):
    short: str = ""
    url: str = ""


@dataclass(frozen=True)
class ItemType(Term):
    plural: str = ""
    scholarly: bool = True


@dataclass(frozen=True)
class Vocabularies:
    topics: dict[str, Term]
    audiences: dict[str, Audience]
    priorities: dict[str, Term]
    actions: dict[str, Action]
    licences: dict[str, Licence]
    types: dict[str, ItemType]
    attachment_kinds: dict[str, Term]


@dataclass(frozen=True)
class Author:
    key: str
    given: str
    family: str
    affiliation: str | None
    orcid: str | None
    bio: str | None

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def orcid_url(self) -> str | None:
        return f"https://orcid.org/{self.orcid}" if self.orcid else None


@dataclass(frozen=True)
class Attachment:
    file: str          # path relative to the item folder, as the editor wrote it
    source: Path       # absolute path on disk
    title: str
    kind: str
    in_kit: bool
    size: int

    @property
    def extension(self) -> str:
        return self.source.suffix.lower().lstrip(".")


@dataclass(frozen=True)
class Curriculum:
    subject: str
    stage: str
    code: str
    text: str


@dataclass(frozen=True)
class Document:
    """What research items, lessons and pages share."""

    id: str
    slug: str
    title: str
    source: Path
    body: str
    body_line: int


@dataclass(frozen=True)
class ResearchItem(Document):
    type: str = ""
    date: datetime = None  # type: ignore[assignment]
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    abstract: str = ""
    subtitle: str | None = None
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    language: str = "pl"
    licence: str = ""
    doi: str | None = None
    isbn: str | None = None
    issn: str | None = None
    publisher: str | None = None
    place: str | None = None
    pages: tuple[int, int] | None = None
    page_count: int | None = None
    periodical: str | None = None
    volume: int | None = None
    issue: int | None = None
    period: str | None = None
    region: str | None = None
    attachments: tuple[Attachment, ...] = ()

    section = "publikacje"

    @property
    def summary(self) -> str:
        return self.abstract

    @property
    def modified(self) -> datetime:
        return self.updated or self.date


@dataclass(frozen=True)
class Lesson(Document):
    summary: str = ""
    action: str = ""
    audience: tuple[str, ...] = ()
    ages: tuple[int, int] | None = None
    duration_minutes: int = 0
    meetings: int = 1
    topics: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    curriculum: tuple[Curriculum, ...] = ()
    materials: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    licence: str = ""
    authors: tuple[str, ...] = ()
    date: datetime = None  # type: ignore[assignment]
    updated: datetime | None = None
    version: str = ""
    featured: bool = False
    attachments: tuple[Attachment, ...] = ()

    section = "scenariusze"

    @property
    def actions(self) -> tuple[str, ...]:
        return (self.action,)

    @property
    def modified(self) -> datetime:
        return self.updated or self.date

    @property
    def total_minutes(self) -> int:
        return self.duration_minutes * self.meetings


@dataclass(frozen=True)
class Page(Document):
    description: str = ""


@dataclass(frozen=True)
class PeriodicalIssue:
    volume: int
    issue: int
    date: datetime
    theme: str | None
    editors: tuple[str, ...]
    pdf: Attachment | None
    cover: Attachment | None


@dataclass(frozen=True)
class Periodical:
    key: str
    title: str
    issn: str
    publisher: str
    place: str | None
    frequency: str
    description: str
    editors: tuple[str, ...]
    issues: tuple[PeriodicalIssue, ...]
    source: Path = field(default=Path("."))

    def find_issue(self, volume: int | None, issue: int | None) -> PeriodicalIssue | None:
        return self._issues_by_number.get((volume, issue))

    @cached_property
    def _issues_by_number(self) -> dict[tuple[int, int], PeriodicalIssue]:
        """Looked up once per article: a scan of every issue would make loading quadratic."""
        found: dict[tuple[int, int], PeriodicalIssue] = {}
        for i in self.issues:
            found.setdefault((i.volume, i.issue), i)   # the first one, as a scan would find
        return found
