"""Typed fields: each converts one YAML value or explains, in Polish, what is wrong and how to fix it.

A schema is a tuple of Field objects; `validate` applies it to a mapping and reports every
problem with its line. The README's field tables are checked against these schemas in tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Callable
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


class Problem(Exception):
    """A value that cannot be accepted: what is wrong and what to do."""

    def __init__(self, message: str, hint: str = "", subfield: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.subfield = subfield


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"wartość logiczną ({'tak' if value else 'nie'})"
    if isinstance(value, (int, float)):
        return f"liczbę {value!r}"
    if isinstance(value, list):
        return "listę"
    if isinstance(value, dict):
        return "zagnieżdżone pola"
    if value is None:
        return "pustą wartość"
    return f"„{str(value)[:40]}”"


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def text(value: Any) -> str:
    if isinstance(value, str):
        value = CONTROL.sub("", value).strip()  # YAML escapes such as "\v" cannot go into XML outputs
        if not value:
            raise Problem("pole jest puste.", "Wpisz wartość albo usuń pole, jeśli nie jest wymagane.")
        if len(value) > 20000:
            raise Problem("tekst jest dłuższy niż 20 000 znaków.", "Przenieś go do treści dokumentu.")
        return value
    hint = "Ujmij wartość w cudzysłów, np. \"1.10\" albo \"tak\"."
    raise Problem(f"oczekiwano tekstu, a jest {_describe(value)}.", hint)


def http_url(value: Any) -> str:
    value = text(value)
    if not value.startswith(("https://", "http://")) or " " in value:
        raise Problem(f"„{value[:60]}” nie jest adresem http(s).", "Wpisz pełny adres, np. https://wiedza.example.pl/.")
    return value


def slug(value: Any) -> str:
    value = text(value)
    if not SLUG_RE.match(value):
        raise Problem(f"„{value[:40]}” nie jest poprawnym identyfikatorem.",
                      "Użyj małych liter łacińskich, cyfr i łączników, np. pub-2025-001.")
    return value


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Problem(f"oczekiwano liczby całkowitej, a jest {_describe(value)}.", "Wpisz np. 45.")
    if not 0 < value < 1_000_000:
        raise Problem(f"liczba {value} jest poza zakresem.", "Wpisz liczbę dodatnią.")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Problem(f"oczekiwano true albo false, a jest {_describe(value)}.", "Wpisz true lub false.")
    return value


def when(value: Any) -> datetime:
    """A date or date-time, aware, in Europe/Warsaw."""
    if not isinstance(value, str):
        raise Problem(f"oczekiwano daty RRRR-MM-DD, a jest {_describe(value)}.", "Wpisz np. 2025-03-15.")
    match = DATE_RE.match(value.strip())
    if not match:
        raise Problem(f"„{value[:40]}” nie jest datą w formacie RRRR-MM-DD.", "Wpisz np. 2025-03-15.")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=WARSAW)
    except ValueError:
        raise Problem(f"data {value} nie istnieje w kalendarzu.", "Sprawdź dzień i miesiąc.") from None
    if not 1800 <= year <= 2100:
        raise Problem(f"rok {year} jest niewiarygodny.", "Sprawdź datę.")
    return moment


def date_only(value: Any) -> date:
    return when(value).date()


def list_of(convert: Callable[[Any], Any], *, min_items: int = 0, unique: bool = True):
    def convert_list(value: Any) -> tuple:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]  # a single value where a list is expected is a common, harmless shortcut
        if not isinstance(value, list):
            raise Problem(f"oczekiwano listy, a jest {_describe(value)}.", "Zapisz jako [a, b] lub listę z myślnikami.")
        out = []
        for i, item in enumerate(value):
            try:
                converted = convert(item)
            except Problem as problem:
                problem.subfield = f"[{i}]{problem.subfield}"
                raise
            if unique and converted in out:
                raise Problem(f"wartość {_describe(item)} powtarza się.", "Usuń powtórzenie.", f"[{i}]")
            out.append(converted)
        if len(out) < min_items:
            raise Problem(f"lista musi mieć co najmniej {min_items} element(y).", "Dodaj brakujące pozycje.")
        return tuple(out)
    return convert_list


def one_of(allowed: Callable[[], dict], what: str):
    """A key of a vocabulary; the vocabulary is looked up late, once it is loaded."""
    def convert(value: Any) -> str:
        if isinstance(value, float):  # YAML reads III.1 as text but 1.10 as a number
            value = str(value)
        value = text(value)
        terms = allowed()
        if value not in terms:
            if not terms:
                raise Problem(f"nieznana wartość „{value[:60]}” ({what}).", "Nie zdefiniowano jeszcze żadnej wartości tego rodzaju.")
            listed = ", ".join(sorted(terms)) if len(terms) <= 40 else ", ".join(sorted(terms)[:40]) + ", …"
            raise Problem(f"nieznana wartość „{value[:60]}” ({what}).", f"Dozwolone: {listed}.")
        return value
    return convert


@dataclass(frozen=True)
class Field:
    name: str
    convert: Callable[[Any], Any]
    required: bool = False
    default: Any = None
    help: str = ""


Schema = tuple[Field, ...]


def validate(data: dict, schema: Schema, *, report, path, line_of, prefix: str = "",
             required_when: dict[str, bool] | None = None) -> dict | None:
    """Convert `data` by `schema`. Every problem is reported; returns None if any field failed."""
    out: dict[str, Any] = {}
    ok = True
    known = {f.name for f in schema}
    for key in data:
        if str(key) not in known:
            near = ", ".join(sorted(known))
            report.error(path, f"nieznane pole „{key}”.", line=line_of(prefix + str(key)),
                         field=prefix + str(key), hint=f"Sprawdź pisownię. Dozwolone pola: {near}.")
            ok = False
    for f in schema:
        required = (required_when or {}).get(f.name, f.required)
        if f.name not in data or data[f.name] is None:
            if required:
                report.error(path, "brak wymaganego pola.", line=line_of(prefix.rstrip(".")) or 1,
                             field=prefix + f.name, hint=f"Dodaj `{f.name}:` ({f.help}).")
                ok = False
            out[f.name] = f.default
            continue
        try:
            out[f.name] = f.convert(data[f.name])
        except Problem as problem:
            name = prefix + f.name + problem.subfield
            report.error(path, problem.message, line=line_of(name), field=name, hint=problem.hint)
            ok = False
    return out if ok else None


def start_of_day(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=WARSAW)
