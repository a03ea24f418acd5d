"""Bibliographic identifiers: format and check digits (DOI, ISSN, ISBN-13/10, ORCID, page ranges)."""
from __future__ import annotations

import re

from .fields import Problem, text

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
ISSN_RE = re.compile(r"^(\d{4})-?(\d{3}[\dX])$")
ORCID_RE = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
PAGES_RE = re.compile(r"^(\d+)\s*[-–]\s*(\d+)$")


def doi(value) -> str:
    value = text(value)
    value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", value, flags=re.I)
    if not DOI_RE.match(value):
        raise Problem(f"„{value[:60]}” nie jest poprawnym DOI.", "DOI ma postać 10.NNNN/sufiks, np. 10.5555/abc.1.")
    return value


def issn(value) -> str:
    value = text(value).upper()
    match = ISSN_RE.match(value)
    if not match:
        raise Problem(f"„{value[:20]}” nie jest numerem ISSN.", "ISSN ma postać NNNN-NNNC w cudzysłowie, np. \"2545-0018\".")
    digits = match.group(1) + match.group(2)
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if digits[7] != expected:
        raise Problem(f"ISSN {value} ma błędną cyfrę kontrolną (powinna być {expected}).", "Przepisz numer ze stopki czasopisma.")
    return f"{digits[:4]}-{digits[4:]}"


def isbn(value) -> str:
    raw = text(str(value) if isinstance(value, int) else value)
    digits = re.sub(r"[\s-]", "", raw).upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        ok = (10 - total % 10) % 10 == int(digits[12])
    elif re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        ok = total % 11 == 0
    else:
        raise Problem(f"„{raw[:20]}” nie jest numerem ISBN.", "Wpisz ISBN-13 w cudzysłowie, np. \"978-83-000000-0-0\".")
    if not ok:
        raise Problem(f"ISBN {raw} ma błędną cyfrę kontrolną.", "Przepisz numer ze strony redakcyjnej książki.")
    return raw


def orcid(value) -> str:
    value = text(value).upper().replace("HTTPS://ORCID.ORG/", "https://orcid.org/")
    match = ORCID_RE.match(value)
    if not match:
        raise Problem(f"„{value[:40]}” nie jest identyfikatorem ORCID.", "ORCID ma postać 0000-0002-1825-0097.")
    digits = match.group(1).replace("-", "")
    total = 0
    for d in digits[:15]:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if digits[15] != expected:
        raise Problem(f"ORCID {match.group(1)} ma błędną cyfrę kontrolną.", "Skopiuj identyfikator z profilu orcid.org.")
    return match.group(1)


def page_range(value) -> tuple[int, int]:
    value = text(str(value) if isinstance(value, int) else value)
    match = PAGES_RE.match(value)
    if not match:
        raise Problem(f"„{value[:20]}” nie jest zakresem stron.", "Wpisz w cudzysłowie, np. \"45-62\".")
    first, last = int(match.group(1)), int(match.group(2))
    if first < 1 or last < first:
        raise Problem(f"zakres stron {value} jest odwrócony lub zerowy.", "Pierwsza strona musi być ≤ ostatniej, np. \"45-62\".")
    return first, last
