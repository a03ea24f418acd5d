"""A deterministic synthetic Polish content tree of N items, for benchmarks.

The text is recombined from the sentences of the sample content (written for this project), so
word frequencies and inflection look like the real portal. Proportions follow the portal's plan:
70 % research items (some with a PDF), 20 % periodical articles, 10 % lesson kits with two
Markdown worksheets and a CSV each. What grows with a real portal grows here too: one author per
four items and quarterly periodicals of about a dozen articles per issue (one periodical per
thousand items), while the vocabularies (topics, audiences, actions) stay as they are.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

SAMPLE = Path(__file__).resolve().parents[3] / "content"
WORDS_PER_ITEM = 1500
TYPES = ("research-article", "report", "tradition-study", "monograph", "insert")
ITEMS_PER_AUTHOR = 4
ARTICLES_PER_ISSUE = 12
ITEMS_PER_PERIODICAL = 1000
GIVEN = ("Agnieszka", "Barbara", "Ewa", "Joanna", "Małgorzata", "Zofia", "Hanna", "Irena", "Marta", "Teresa",
         "Adam", "Andrzej", "Jakub", "Krzysztof", "Marek", "Michał", "Paweł", "Stanisław", "Wojciech", "Józef")
FAMILY = ("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Wieczorek", "Wróbel",
          "Dudek", "Adamczyk", "Sikora", "Baran", "Michalak", "Szewczyk", "Pietrzak", "Marciniak", "Kubiak", "Duda")


def _sentences(sample: Path) -> list[str]:
    text = []
    for path in sorted(sample.rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        body = re.sub(r"[#|*>`\[\]()_-]+", " ", body)
        text.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.split()) >= 6)
    return sorted(set(text))


def _paragraphs(rng: random.Random, sentences: list[str], words: int) -> str:
    out, count, paragraph = [], 0, []
    section = 1
    while count < words:
        sentence = rng.choice(sentences)
        paragraph.append(sentence)
        count += len(sentence.split())
        if len(paragraph) >= rng.randint(4, 7):
            out.append(" ".join(paragraph))
            paragraph = []
            if rng.random() < 0.3:
                out.append(f"## Część {section}")
                section += 1
    if paragraph:
        out.append(" ".join(paragraph))
    return "\n\n".join(out) + "\n"


def _title(rng: random.Random, sentences: list[str]) -> str:
    words = rng.choice(sentences).rstrip(".!?").split()
    return " ".join(words[: rng.randint(4, 9)]).strip(",;:") or "Bez tytułu"


def _dump(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def generate(target: Path, n: int, seed: int = 2026) -> Path:
    """Write a content tree of `n` items into `target` (replaced) and return it."""
    rng = random.Random(seed)
    sentences = _sentences(SAMPLE)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("site.yml", "vocabularies.yml", "authors.yml", "accessibility.yml"):
        if (SAMPLE / name).exists():
            shutil.copy(SAMPLE / name, target / name)
    for folder in ("periodicals", "pages"):
        if (SAMPLE / folder).exists():
            shutil.copytree(SAMPLE / folder, target / folder)
    vocab = yaml.safe_load((SAMPLE / "vocabularies.yml").read_text(encoding="utf-8"))
    authors = _authors(target, n)
    topics, audiences = sorted(vocab["topics"]), sorted(vocab["audiences"])
    issues = _periodicals(target, n, authors)
    pdf = next(SAMPLE.rglob("*.pdf"))
    for i in range(n):
        day = f"{2020 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        common = {"title": _title(rng, sentences), "date": day, "authors": rng.sample(authors, rng.randint(1, 3)),
                  "topics": rng.sample(topics, rng.randint(1, 3))}
        body = _paragraphs(rng, sentences, WORDS_PER_ITEM)
        share = i % 10
        if share < 7:
            kind = TYPES[i % len(TYPES)]
            meta = {"id": f"bench-pub-{i:05d}", **common, "type": kind, "abstract": rng.choice(sentences),
                    "actions": ["III.2"]}
            if kind == "monograph":
                meta.update(isbn="978-83-967741-0-1", publisher="Wydawnictwo Przykładowe", place="Warszawa")
            if kind == "report":
                meta.update(publisher="Instytut Przykładowy", place="Kraków")
            folder = target / "articles" / f"pozycja-{i:05d}"
            folder.mkdir(parents=True)
            if i % 3 == 0:
                shutil.copy(pdf, folder / "pelny-tekst.pdf")
                meta["attachments"] = [{"file": "pelny-tekst.pdf", "title": "Pełny tekst", "kind": "fulltext"}]
            (folder / "index.md").write_text(_dump(meta) + body, encoding="utf-8")
        elif share < 9:
            periodical, volume, issue = issues[(i // 10) % len(issues)]
            first = 1 + (i // 10) * 20 % 400
            meta = {"id": f"bench-art-{i:05d}", **common, "type": "periodical-article", "abstract": rng.choice(sentences),
                    "actions": ["III.2"], "periodical": periodical, "volume": volume,
                    "issue": issue, "pages": f"{first}-{first + 15}"}
            path = target / "articles" / f"artykul-{i:05d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump(meta) + body, encoding="utf-8")
        else:
            folder = target / "lessons" / f"zestaw-{i:05d}"
            folder.mkdir(parents=True)
            meta = {"id": f"bench-kit-{i:05d}", **common, "summary": rng.choice(sentences),
                    "action": "III.3" if i % 2 else "III.1", "audience": rng.sample(audiences, rng.randint(1, 2)),
                    "duration_minutes": rng.choice([45, 90, 120]), "meetings": rng.choice([1, 1, 2]),
                    "objectives": rng.sample(sentences, 4), "materials": ["kartki", "flamastry"],
                    "methods": ["praca w grupach", "dyskusja"], "version": "1.0",
                    "attachments": [
                        {"file": "karta-pracy.md", "title": "Karta pracy", "kind": "worksheet"},
                        {"file": "notatki.md", "title": "Notatki dla prowadzącego", "kind": "teacher-notes"},
                        {"file": "dane.csv", "title": "Dane do ćwiczenia", "kind": "handout"},
                    ]}
            (folder / "index.md").write_text(_dump(meta) + body, encoding="utf-8")
            (folder / "karta-pracy.md").write_text("# Karta pracy\n\n" + _paragraphs(rng, sentences, 200), encoding="utf-8")
            (folder / "notatki.md").write_text("# Notatki\n\n" + _paragraphs(rng, sentences, 150), encoding="utf-8")
            (folder / "dane.csv").write_text("rok,liczba\n2024,12\n2025,17\n", encoding="utf-8")
    return target


def _authors(target: Path, n: int) -> list[str]:
    """The sample's authors plus generated ones, one per ITEMS_PER_AUTHOR items; returns the keys."""
    registry = yaml.safe_load((SAMPLE / "authors.yml").read_text(encoding="utf-8"))
    for k in range(max(0, n // ITEMS_PER_AUTHOR - len(registry))):
        given, family = GIVEN[k % len(GIVEN)], FAMILY[(k // len(GIVEN)) % len(FAMILY)]
        registry[f"autor-{k:05d}"] = {"given": given, "family": f"{family}-{k}" if k >= len(GIVEN) * len(FAMILY) else family,
                                      "affiliation": f"Uniwersytet Przykładowy, zespół {k % 40 + 1}"}
    (target / "authors.yml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False, width=1000),
                                        encoding="utf-8")
    return sorted(registry)


def _periodicals(target: Path, n: int, authors: list[str]) -> list[tuple[str, int, int]]:
    """The sample periodical plus quarterly ones, so an issue holds about ARTICLES_PER_ISSUE
    articles; returns every (periodical, volume, issue)."""
    sample = target / "periodicals" / "zeszyty-ekonomii-spolecznej" / "periodical.yml"
    base = yaml.safe_load(sample.read_text(encoding="utf-8"))
    issues = [("zeszyty-ekonomii-spolecznej", i["volume"], i["issue"]) for i in base["issues"]]
    count = max(1, n // ITEMS_PER_PERIODICAL)
    articles = -(-n * 2 // 10)                       # the 20 % share, rounded up
    issues_needed = -(-articles // ARTICLES_PER_ISSUE)
    per_periodical = max(1, issues_needed // count)
    for p in range(count):
        key = f"kwartalnik-{p + 1:02d}"
        numbers = [(1 + q // 4, 1 + q % 4) for q in range(per_periodical)]
        meta = {"title": f"Kwartalnik Spółdzielczy {p + 1}", "issn": _issn(2545_0100 + p), "publisher": base["publisher"],
                "place": "Lublin", "frequency": "kwartalnik",
                "description": f"Syntetyczny kwartalnik numer {p + 1} do pomiarów wydajności.",
                "editors": authors[p % len(authors): p % len(authors) + 2],
                "issues": [{"volume": v, "issue": q, "date": f"{2010 + v}-{3 * q:02d}-28", "theme": f"Numer {q}/{v}"}
                           for v, q in numbers]}
        folder = target / "periodicals" / key
        folder.mkdir(parents=True)
        (folder / "periodical.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000),
                                               encoding="utf-8")
        issues += [(key, v, q) for v, q in numbers]
    return issues


def _issn(seven_digits: int) -> str:
    """An ISSN with its mod 11 check digit (X for 10)."""
    digits = f"{seven_digits:07d}"[-7:]
    check = (11 - sum(int(d) * w for d, w in zip(digits, range(8, 1, -1))) % 11) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"
