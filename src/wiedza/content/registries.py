"""Site settings, vocabularies, authors and periodicals: the data files every document refers to."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import Report
from . import fields as F
from . import identifiers as ID
from .attachments import load_attachment
from .frontmatter import FAILED, read_yaml_file
from .models import (Action, Audience, Author, ItemType, Licence, Periodical, PeriodicalIssue,
                     Settings, Term, Vocabularies)


def _host(value: Any) -> str:
    value = F.text(value).lower()
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", value):
        raise F.Problem(f"„{value[:60]}” nie jest nazwą hosta.", "Wpisz samą nazwę, np. www.youtube-nocookie.com.")
    return value


def _site_url(value: Any) -> str:
    value = F.http_url(value)
    return value if value.endswith("/") else value + "/"  # page paths are appended to it


def settings_schema(licences) -> F.Schema:
    licence = F.one_of(lambda: licences(), "licencja")
    return (
        F.Field("url", _site_url, True, help="adres publiczny portalu"),
        F.Field("title", F.text, True, help="tytuł portalu"),
        F.Field("short_title", F.text, True, help="krótki tytuł"),
        F.Field("description", F.text, True, help="opis portalu"),
        F.Field("operator", F.text, True, help="podmiot prowadzący portal"),
        F.Field("contact_email", F.text, True, help="adres e-mail kontaktu"),
        F.Field("contact_phone", F.text, help="telefon kontaktowy"),
        F.Field("address", F.text, help="adres pocztowy"),
        F.Field("default_licence", licence, True, help="licencja publikacji"),
        F.Field("lesson_default_licence", licence, True, help="licencja scenariuszy"),
        F.Field("feed_limit", F.integer, default=50, help="liczba wpisów w kanałach"),
        F.Field("max_attachment_mb", F.integer, default=50, help="limit rozmiaru załącznika w MB"),
        F.Field("tag_authority", F.text, True, help="domena i rok do identyfikatorów tag:"),
        F.Field("iframe_hosts", F.list_of(_host), default=(), help="hosty, z których wolno osadzać <iframe>"),
    )


def _line_of(lines: dict):
    return lambda key: lines.get(key)


def _mapping(value, path: Path, report: Report, what: str) -> dict:
    if value is FAILED:
        return {}
    if not isinstance(value, dict):
        report.error(path, f"plik musi zawierać {what} w postaci `klucz: wartości`.", line=1)
        return {}
    return value


def load_vocabularies(path: Path, report: Report) -> Vocabularies:
    raw, lines = read_yaml_file(path, report)
    raw = _mapping(raw, path, report, "słowniki")
    line_of = _line_of(lines)

    def section(name: str, schema: F.Schema, build) -> dict:
        entries = raw.get(name)
        if not isinstance(entries, dict) or not entries:
            report.error(path, f"brak słownika `{name}`.", line=line_of(name) or 1, field=name,
                         hint="Dodaj go z co najmniej jednym hasłem.")
            return {}
        out = {}
        for key, value in entries.items():
            key = str(key)
            if not isinstance(value, dict):
                report.error(path, "hasło musi mieć pola (np. name).", line=line_of(f"{name}.{key}"), field=f"{name}.{key}")
                continue
            data = F.validate(value, schema, report=report, path=path, line_of=line_of, prefix=f"{name}.{key}.")
            if data is not None:
                out[key] = build(key, data)
        return out

    named = (F.Field("name", F.text, True, help="nazwa"), F.Field("description", F.text, default=""))
    ages = F.list_of(F.integer, min_items=2, unique=False)
    audiences = section("audiences", named + (F.Field("stage", F.text, default=""), F.Field("ages", ages, True, help="[od, do]")),
                        lambda k, d: Audience(k, d["name"], d["description"], d["stage"], tuple(d["ages"][:2])))
    priorities = section("priorities", named, lambda k, d: Term(k, d["name"], d["description"]))
    actions = section("actions", named, lambda k, d: Action(k, d["name"], d["description"], k.split(".")[0]))
    for key, action in actions.items():
        if action.priority not in priorities:
            report.error(path, f"działanie {key} należy do nieznanego priorytetu {action.priority}.",
                         line=line_of(f"actions.{key}"), field=f"actions.{key}", hint="Klucz działania to np. III.2.")
    return Vocabularies(
        topics=section("topics", named, lambda k, d: Term(k, d["name"], d["description"])),
        audiences=audiences,
        priorities=priorities,
        actions=actions,
        licences=section("licences", named + (F.Field("short", F.text, True, help="skrót"), F.Field("url", F.http_url, True, help="adres licencji")),
                         lambda k, d: Licence(k, d["name"], d["description"], d["short"], d["url"])),
        types=section("types", named + (F.Field("plural", F.text, True, help="liczba mnoga"), F.Field("scholarly", F.boolean, default=True)),
                      lambda k, d: ItemType(k, d["name"], d["description"], d["plural"], d["scholarly"])),
        attachment_kinds=section("attachment_kinds", named, lambda k, d: Term(k, d["name"], d["description"])),
    )


def load_settings(path: Path, report: Report, vocab: Vocabularies) -> Settings | None:
    raw, lines = read_yaml_file(path, report)
    raw = _mapping(raw, path, report, "ustawienia")
    data = F.validate(raw, settings_schema(lambda: vocab.licences), report=report, path=path, line_of=_line_of(lines))
    return Settings(**data) if data is not None and raw else None


AUTHOR_SCHEMA: F.Schema = (
    F.Field("given", F.text, True, help="imię"),
    F.Field("family", F.text, True, help="nazwisko"),
    F.Field("affiliation", F.text, help="afiliacja"),
    F.Field("orcid", ID.orcid, help="ORCID"),
    F.Field("bio", F.text, help="krótka nota"),
)


def load_authors(path: Path, report: Report) -> dict[str, Author | None]:
    raw, lines = read_yaml_file(path, report)
    raw = _mapping(raw, path, report, "autorów")
    out = {}
    for key, value in raw.items():
        key = str(key)
        try:
            F.slug(key)
        except F.Problem as problem:
            report.error(path, problem.message, line=lines.get(key), field=key, hint=problem.hint)
            continue
        if not isinstance(value, dict):
            report.error(path, "autor musi mieć pola given i family.", line=lines.get(key), field=key)
            continue
        data = F.validate(value, AUTHOR_SCHEMA, report=report, path=path, line_of=_line_of(lines), prefix=f"{key}.")
        # An author with a reported mistake still exists: documents naming it must not get a second,
        # misleading "unknown author" error. The build stops on the first error anyway.
        out[key] = Author(key=key, **data) if data is not None else None
    return out


def issue_schema(authors) -> F.Schema:
    return (
        F.Field("volume", F.integer, True, help="rocznik (tom)"),
        F.Field("issue", F.integer, True, help="numer"),
        F.Field("date", F.when, True, help="data wydania"),
        F.Field("theme", F.text, help="temat numeru"),
        F.Field("editors", F.list_of(F.one_of(authors, "autor")), default=(), help="redaktorzy numeru"),
        F.Field("pdf", F.text, help="plik PDF numeru"),
        F.Field("cover", F.text, help="okładka"),
    )


def periodical_schema(authors) -> F.Schema:
    return (
        F.Field("title", F.text, True, help="tytuł"),
        F.Field("issn", ID.issn, True, help="ISSN w cudzysłowie"),
        F.Field("publisher", F.text, True, help="wydawca"),
        F.Field("place", F.text, help="miejsce wydania"),
        F.Field("frequency", F.text, True, help="częstotliwość, np. półrocznik"),
        F.Field("description", F.text, True, help="opis"),
        F.Field("editors", F.list_of(F.one_of(authors, "autor")), default=(), help="redakcja"),
        F.Field("issues", lambda v: v if isinstance(v, list) else F.text(v), default=[], help="lista numerów"),
    )


def load_periodicals(folder: Path, report: Report, authors: dict, max_bytes: int) -> dict[str, Periodical | None]:
    out: dict[str, Periodical | None] = {}
    if not folder.is_dir():
        return out
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        path = entry / "periodical.yml"
        if not entry.is_dir() or not path.is_file():
            report.error(entry, "tu powinien być folder czasopisma z plikiem periodical.yml.",
                         hint="Utwórz content/periodicals/<klucz>/periodical.yml.")
            continue
        raw, lines = read_yaml_file(path, report)
        raw = _mapping(raw, path, report, "opis czasopisma")
        line_of = _line_of(lines)
        data = F.validate(raw, periodical_schema(lambda: authors), report=report, path=path, line_of=line_of)
        if data is None:
            out[entry.name] = None  # known but invalid: see load_authors
            continue
        issues = []
        for i, item in enumerate(data["issues"] or []):
            prefix = f"issues[{i}]."
            if not isinstance(item, dict):
                report.error(path, "numer musi mieć pola volume, issue, date.", line=line_of(prefix[:-1]), field=prefix[:-1])
                continue
            d = F.validate(item, issue_schema(lambda: authors), report=report, path=path, line_of=line_of, prefix=prefix)
            if d is None:
                continue
            files = {}
            for name in ("pdf", "cover"):
                files[name] = d[name] and load_attachment(
                    entry, {"file": d[name], "title": f"{data['title']} {d['volume']}/{d['issue']}",
                            "kind": "fulltext" if name == "pdf" else "image"},
                    report=report, path=path, line_of=lambda key, n=name: line_of(prefix + n), max_bytes=max_bytes,
                    prefix=prefix + name)
            if any((x.volume, x.issue) == (d["volume"], d["issue"]) for x in issues):
                report.error(path, f"numer {d['volume']}/{d['issue']} powtarza się.", line=line_of(prefix[:-1]),
                             field=prefix[:-1], hint="Każdy numer opisz raz.")
                continue
            issues.append(PeriodicalIssue(d["volume"], d["issue"], d["date"], d["theme"], d["editors"],
                                          files["pdf"] or None, files["cover"] or None))
        issues.sort(key=lambda x: (x.volume, x.issue))
        fields = {k: v for k, v in data.items() if k != "issues"}
        out[entry.name] = Periodical(key=entry.name, issues=tuple(issues), source=path, **fields)
    return out
