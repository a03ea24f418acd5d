"""The accessibility declaration (deklaracja dostępności): content/accessibility.yml, validated like
every other registry. The page itself is written by outputs/accessibility_page.py in the structure
the ministry fixed ("Warunki techniczne publikacji oraz struktura dokumentu elektronicznego
deklaracji dostępności", version 2.0 of 31 July 2024); this module only holds the facts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Report
from . import fields as F
from .frontmatter import FAILED, read_yaml_file
from .models import Page, Settings

FILE = "accessibility.yml"
SLUG = "deklaracja-dostepnosci"   # the page's address; no free page may take it

# status key -> the word the ministry's status sentence uses
STATUSES = {"compliant": "zgodna", "partially-compliant": "częściowo zgodna", "non-compliant": "niezgodna"}
METHODS = {"self-assessment": "samoocena", "external-audit": "badanie przez podmiot zewnętrzny"}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")


@dataclass(frozen=True)
class Barrier:
    """Content that is not accessible (or not covered by the act): what, why, and how else to get it."""

    content: str
    reason: str
    alternative: str | None = None


@dataclass(frozen=True)
class MobileApp:
    name: str
    url: str


@dataclass(frozen=True)
class AccessibilityDeclaration:
    source: Path
    published: date
    updated: date
    status: str
    non_compliant: tuple[Barrier, ...]
    exempt: tuple[Barrier, ...]
    disproportionate_burden: str | None
    prepared: date
    reviewed: date | None
    method: str
    method_details: str | None
    auditor: str | None
    facilitations: str | None
    keyboard_shortcuts: str | None
    contact_person: str
    email: str
    phone: str
    complaints: str
    supervisory_body: str | None
    architecture: str
    architecture_url: str | None
    communication: str
    mobile_apps: tuple[MobileApp, ...]

    @property
    def status_word(self) -> str:
        return STATUSES[self.status]


def _choice(allowed: dict[str, str], what: str):
    def convert(value: Any) -> str:
        value = F.text(value)
        if value not in allowed:
            raise F.Problem(f"nieznana wartość „{value[:40]}” ({what}).", f"Dozwolone: {', '.join(allowed)}.")
        return value
    return convert


def _email(value: Any) -> str:
    value = F.text(value)
    if not EMAIL_RE.match(value):
        raise F.Problem(f"„{value[:60]}” nie jest adresem e-mail.", "Wpisz np. dostepnosc@example.pl.")
    return value


def _phone(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise F.Problem("numer telefonu zapisany jako liczba traci spacje i znak +.",
                        "Ujmij go w cudzysłów, np. \"+48 22 000 00 00\".")
    value = F.text(value)
    if not PHONE_RE.match(value):
        raise F.Problem(f"„{value[:40]}” nie jest numerem telefonu.", "Wpisz np. \"+48 22 000 00 00\".")
    return value


def _entries(value: Any) -> list:
    """A list of mappings; each entry is validated with its own schema below."""
    if not isinstance(value, list):
        raise F.Problem(f"oczekiwano listy, a jest {F._describe(value)}.", "Zapisz pozycje jako listę z myślnikami (`- content: …`).")
    return value


SCHEMA: F.Schema = (
    F.Field("published", F.date_only, True, help="data publikacji strony, RRRR-MM-DD"),
    F.Field("updated", F.date_only, True, help="data ostatniej istotnej aktualizacji strony"),
    F.Field("status", _choice(STATUSES, "stan zgodności"), True, help=", ".join(STATUSES)),
    F.Field("non_compliant", _entries, default=[], help="lista treści niezgodnych z wymaganiami"),
    F.Field("exempt", _entries, default=[], help="lista treści wyłączonych z ustawy"),
    F.Field("disproportionate_burden", F.text, help="opis oceny nadmiernych kosztów"),
    F.Field("prepared", F.date_only, True, help="data sporządzenia deklaracji"),
    F.Field("reviewed", F.date_only, help="data ostatniego przeglądu deklaracji"),
    F.Field("method", _choice(METHODS, "metoda przygotowania"), True, help=", ".join(METHODS)),
    F.Field("method_details", F.text, help="jak przeprowadzono ocenę (narzędzia, zakres)"),
    F.Field("auditor", F.text, help="kto przeprowadził badanie zewnętrzne"),
    F.Field("facilitations", F.text, help="udogodnienia, ograniczenia i inne informacje"),
    F.Field("keyboard_shortcuts", F.text, help="skróty klawiszowe serwisu"),
    F.Field("contact_person", F.text, True, help="osoba lub komórka odpowiedzialna za dostępność"),
    F.Field("email", _email, help="e-mail do zgłoszeń; domyślnie contact_email z site.yml"),
    F.Field("phone", _phone, help="telefon do zgłoszeń; domyślnie contact_phone z site.yml"),
    F.Field("complaints", F.text, True, help="do kogo i jak składać skargi (nazwa, adres, e-mail)"),
    F.Field("supervisory_body", F.text, help="organ nadzorujący podmiot"),
    F.Field("architecture", F.text, True, help="dostępność architektoniczna siedziby"),
    F.Field("architecture_url", F.http_url, help="adres pełniejszego opisu dostępności architektonicznej"),
    F.Field("communication", F.text, True, help="dostępność komunikacyjno-informacyjna"),
    F.Field("mobile_apps", _entries, default=[], help="lista aplikacji mobilnych"),
)

BARRIER_SCHEMA: F.Schema = (
    F.Field("content", F.text, True, help="która treść lub funkcja"),
    F.Field("reason", F.text, True, help="dlaczego nie jest dostępna"),
    F.Field("alternative", F.text, help="jak inaczej uzyskać tę treść"),
)

APP_SCHEMA: F.Schema = (
    F.Field("name", F.text, True, help="nazwa aplikacji"),
    F.Field("url", F.http_url, True, help="adres aplikacji w sklepie"),
)


def load_accessibility(content: Path, report: Report, settings: Settings | None,
                       pages: list[Page] = ()) -> AccessibilityDeclaration | None:
    """Read content/accessibility.yml. A missing file is a warning: the page is then not built."""
    path = content / FILE
    for page in pages:
        if page.slug == SLUG:
            report.error(page.source, f"adres {SLUG}.html zajmuje deklaracja dostępności tworzona z {FILE}.",
                         line=1, hint=f"Usuń tę stronę; dane deklaracji wpisz do content/{FILE}.")
    if not path.is_file():
        report.warning(path, "brak deklaracji dostępności; serwis podmiotu publicznego musi ją publikować.",
                       hint=f"Utwórz content/{FILE} (pola opisuje README, „Accessibility declaration”).")
        return None
    raw, lines = read_yaml_file(path, report)
    if raw is FAILED:
        return None
    if not isinstance(raw, dict):
        report.error(path, "plik musi zawierać pola deklaracji w postaci `klucz: wartość`.", line=1)
        return None
    line_of = lines.get
    data = F.validate(raw, SCHEMA, report=report, path=path, line_of=line_of)
    if data is None:
        return None

    def entries(name: str, schema: F.Schema, build) -> tuple | None:
        out, ok = [], True
        for i, entry in enumerate(data[name] or []):
            prefix = f"{name}[{i}]"
            if not isinstance(entry, dict):
                fields = ", ".join(f.name for f in schema)
                report.error(path, f"pozycja musi mieć pola ({fields}).", line=line_of(prefix), field=prefix)
                ok = False
                continue
            converted = F.validate(entry, schema, report=report, path=path, line_of=line_of, prefix=prefix + ".")
            if converted is None:
                ok = False
            else:
                out.append(build(**converted))
        return tuple(out) if ok else None

    non_compliant = entries("non_compliant", BARRIER_SCHEMA, Barrier)
    exempt = entries("exempt", BARRIER_SCHEMA, Barrier)
    apps = entries("mobile_apps", APP_SCHEMA, MobileApp)
    ok = None not in (non_compliant, exempt, apps)

    def problem(field: str, message: str, hint: str) -> None:
        nonlocal ok
        report.error(path, message, line=line_of(field) or 1, field=field, hint=hint)
        ok = False

    if data["updated"] < data["published"]:
        problem("updated", "data aktualizacji jest wcześniejsza niż data publikacji.", "Sprawdź obie daty.")
    if data["reviewed"] and data["reviewed"] < data["prepared"]:
        problem("reviewed", "data przeglądu jest wcześniejsza niż data sporządzenia deklaracji.", "Sprawdź obie daty.")
    if data["status"] == "compliant" and (data["non_compliant"] or data["disproportionate_burden"]):
        problem("status", "deklarujesz pełną zgodność, a wymieniasz treści niedostępne.",
                "Zmień status na partially-compliant albo usuń listę non_compliant.")
    if data["status"] != "compliant" and not (data["non_compliant"] or data["exempt"] or data["disproportionate_burden"]):
        problem("status", "status inny niż pełna zgodność wymaga opisu niedostępnych treści.",
                "Wypełnij non_compliant (albo exempt, disproportionate_burden) lub zmień status na compliant.")
    if data["method"] == "external-audit" and not data["auditor"]:
        problem("auditor", "przy badaniu zewnętrznym trzeba podać, kto je przeprowadził.", "Dodaj `auditor:`.")
    email = data["email"] or (settings.contact_email if settings else None)
    phone = data["phone"] or (settings.contact_phone if settings else None)
    if settings is not None and not phone:
        problem("phone", "deklaracja musi podawać telefon do zgłoszeń.",
                "Dodaj `phone:` tutaj albo `contact_phone:` w site.yml.")
    if not ok or settings is None:
        return None
    fields = {k: v for k, v in data.items() if k not in ("non_compliant", "exempt", "mobile_apps", "email", "phone")}
    return AccessibilityDeclaration(source=path, non_compliant=non_compliant, exempt=exempt, mobile_apps=apps,
                                    email=email, phone=phone, **fields)
