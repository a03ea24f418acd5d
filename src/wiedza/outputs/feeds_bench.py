"""A synthetic site for timing the feeds writer (scripts/bench-feeds): N items built directly as
models, with long Polish bodies full of relative links, and downloads as the writers would add them.
Nothing here is used by a real build."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from ..content.fields import WARSAW
from ..content.index import SiteIndex
from ..content.models import (Action, Audience, Author, ItemType, Lesson, Licence, Periodical, PeriodicalIssue,
                              ResearchItem, Settings, Term, Vocabularies)
from ..stage import Stage
from .context import BuildContext, Download

PARAGRAPH = (
    "<p>Spółdzielnie uczniowskie uczą współpracy, odpowiedzialności i gospodarności. Uczniowie sami "
    "wybierają zarząd, prowadzą sklepik i rozliczają się przed walnym zgromadzeniem &amp; radą rodziców. "
    'Zobacz <a href="../inny-tekst-{n}/index.html#wnioski">wnioski z badania</a>, '
    '<a href="dane-{n}.csv">dane</a> oraz <a href="https://example.org/zrodlo?a=1&amp;b=2">źródło</a>.</p>\n'
)


def _body(n: int, paragraphs: int) -> str:
    parts = [f'<h2 id="rozdzial-{i}">Rozdział {i}</h2>\n' + PARAGRAPH.format(n=n) * 3 for i in range(paragraphs)]
    parts.append(f'<figure><img src="rysunek-{n}.png" alt="Schemat" width="600"><figcaption>Rys. 1</figcaption></figure>')
    return "".join(parts)


def synthetic_context(n: int, root: Path, *, authors: int = 300, paragraphs: int = 6, seed: int = 1) -> BuildContext:
    """A BuildContext with n items (4/5 research, 1/5 lessons) staged into `root`."""
    rng = random.Random(seed)
    settings = Settings(url="https://wiedza.example.pl/", title="Wiedza – test wydajności", short_title="Wiedza",
                        description="Serwis syntetyczny.", operator="Zespół", contact_email="a@example.pl",
                        contact_phone=None, address=None, default_licence="CC-BY-4.0",
                        lesson_default_licence="CC-BY-SA-4.0", feed_limit=50, max_attachment_mb=50,
                        tag_authority="wiedza.example.pl,2025")
    topics = {f"temat-{i}": Term(f"temat-{i}", f"Temat {i}", "Opis tematu.") for i in range(10)}
    actions = {f"{p}.{i}": Action(f"{p}.{i}", f"Działanie {p}.{i}", "Opis działania.", priority=p)
               for p in ("I", "II", "III") for i in range(1, 5)}
    vocab = Vocabularies(
        topics=topics,
        audiences={"sp-4-6": Audience("sp-4-6", "Szkoła podstawowa, klasy 4–6", stage="II", ages=(10, 13))},
        priorities={p: Term(p, f"Priorytet {p}") for p in ("I", "II", "III")},
        actions=actions,
        licences={k: Licence(k, k, short=k, url=f"https://creativecommons.org/{k}") for k in ("CC-BY-4.0", "CC-BY-SA-4.0")},
        types={t: ItemType(t, t.capitalize(), plural=t) for t in ("monograph", "report", "periodical-article")},
        attachment_kinds={k: Term(k, k) for k in ("fulltext", "data", "worksheet")},
    )
    people = {f"autor-{i}": Author(f"autor-{i}", "Anna", f"Nowak-{i}", None, None, None) for i in range(authors)}
    start = datetime(2020, 1, 1, tzinfo=WARSAW)
    issues = tuple(PeriodicalIssue(1, i, start + timedelta(days=90 * i), None, (), None, None) for i in range(1, 40))
    periodicals = {f"czasopismo-{i}": Periodical(f"czasopismo-{i}", f"Czasopismo {i}", "2049-3630", "Wydawca",
                                                   None, "kwartalnik", "Opis.", (), issues) for i in range(4)}
    research, lessons, bodies, downloads = [], [], {}, {}
    for i in range(n):
        date = start + timedelta(hours=rng.randrange(5 * 365 * 24))
        common = dict(id=f"doc-{i:05d}", slug=f"tekst-{i:05d}", title=f"Tekst numer {i} & <spółdzielnie>",
                      source=root / f"{i}.md", body="", body_line=1, date=date,
                      authors=tuple(rng.sample(sorted(people), rng.randint(1, 3))),
                      topics=tuple(rng.sample(sorted(topics), 2)))
        if i % 5:
            periodical = f"czasopismo-{i % 4}" if i % 3 == 0 else None
            research.append(ResearchItem(**common, type="periodical-article" if periodical else "monograph",
                                         abstract="Abstrakt badania o spółdzielczości. " * 8,
                                         actions=("III.2",), licence="CC-BY-4.0", periodical=periodical,
                                         volume=1 if periodical else None, issue=1 if periodical else None))
            folder = f"publikacje/tekst-{i:05d}"
            downloads[common["id"]] = [Download(f"{folder}/pelny-tekst.pdf", "Pełny tekst", "pdf", 100_000 + i,
                                                "fulltext", True),
                                       Download(f"{folder}/dane-{i}.csv", "Dane", "csv", 2_000 + i, "data")]
        else:
            lessons.append(Lesson(**common, summary="Zajęcia o spółdzielni uczniowskiej. " * 5, action="III.3",
                                  audience=("sp-4-6",), duration_minutes=45, licence="CC-BY-SA-4.0", version="1.0"))
            folder = f"scenariusze/tekst-{i:05d}"
            downloads[common["id"]] = [Download(f"{folder}/karta.html", "Karta pracy", "html", 3_000, "worksheet"),
                                       Download(f"{folder}/karta.pdf", "Karta pracy (PDF)", "pdf", 50_000, "worksheet"),
                                       Download(f"{folder}/tekst-{i:05d}.zip", "Cały zestaw", "zip", 400_000 + i, "kit")]
        bodies[common["id"]] = _body(i, paragraphs)
    index = SiteIndex.create(settings=settings, vocab=vocab, authors=people, periodicals=periodicals,
                             research=research, lessons=lessons, pages=[], content_root=root)
    ctx = BuildContext(index=index.with_bodies(bodies, ()), stage=Stage(root / "docs"), cache_dir=root / "cache")
    ctx.downloads.update(downloads)
    return ctx
