"""The accessibility declaration page, deklaracja-dostepnosci.html, from content/accessibility.yml and
the site settings. Structure, headings and element ids follow the ministry's "Warunki techniczne
publikacji oraz struktura dokumentu elektronicznego deklaracji dostępności", version 2.0 (31 July
2024): the fixed `a11y-*` ids let monitoring software read the declaration, so the set of ids used
here is exactly the one that document defines (A11Y_IDS); tests check the page carries no other."""
from __future__ import annotations

import re
from datetime import date

from .. import urls
from ..content.accessibility import SLUG, AccessibilityDeclaration
from ..stage import StagedPage
from .context import BuildContext
from .html import breadcrumbs, esc

OWNER = "deklaracja dostępności"
PATH = urls.page(SLUG)
TITLE = "Deklaracja dostępności"

# Every id of the v2.0 structure: (id, required). Optional ones appear only when the data has them
# (a review date, a disproportionate-burden assessment, mobile apps, a link to a fuller description
# of the building).
A11Y_IDS = {
    "a11y-wstep": True, "a11y-podmiot": True, "a11y-zakres": True, "a11y-url": True,
    "a11y-data-publikacja": True, "a11y-data-aktualizacja": True, "a11y-status": True,
    "a11y-ocena": False, "a11y-data-sporzadzenie": True, "a11y-data-przeglad": False,
    "a11y-kontakt": True, "a11y-email": True, "a11y-telefon": True, "a11y-procedura": True,
    "a11y-aplikacje": False, "a11y-architektura": True, "a11y-architektura-url": False,
    "a11y-komunikacja": True,
}

ACT = ("ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji "
       "mobilnych podmiotów publicznych")
RPO_URL = "https://www.rpo.gov.pl/"


def paragraphs(text: str | None) -> str:
    """Editor's text to escaped paragraphs: a blank line starts a new paragraph."""
    if not text:
        return ""
    blocks = [re.sub(r"\s+", " ", b).strip() for b in re.split(r"\n\s*\n", text)]
    return "".join(f"<p>{esc(b)}</p>" for b in blocks if b)


def _time(ident: str, day: date) -> str:
    return f'<time id="{ident}" datetime="{day.isoformat()}">{day.isoformat()}</time>'


def status_sentence(decl: AccessibilityDeclaration) -> str:
    """One of the three sentences of the ministry's template, word for word."""
    tail = "." if decl.status == "compliant" else " z powodu niezgodności lub wyłączeń wymienionych poniżej."
    return f"Strona internetowa jest {decl.status_word} z {ACT}{tail}"


def _barriers(items) -> str:
    rows = []
    for item in items:
        text = f"<strong>{esc(item.content)}</strong>. Powód: {esc(item.reason.rstrip('.'))}."
        if item.alternative:
            text += f" Dostęp alternatywny: {esc(item.alternative.rstrip('.'))}."
        rows.append(f"<li>{text}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def _tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def body(ctx: BuildContext, decl: AccessibilityDeclaration) -> str:
    s = ctx.index.settings
    parts = [
        breadcrumbs(PATH, [("Strona główna", "index.html"), (TITLE, PATH)]),
        f"<h1>{TITLE}</h1>",
        f'<p id="a11y-wstep"><span id="a11y-podmiot">{esc(s.operator)}</span> zobowiązuje się zapewnić dostępność '
        f'swojej <span id="a11y-zakres">strony internetowej</span> zgodnie z {ACT}. Deklaracja dostępności dotyczy '
        f'strony internetowej <a id="a11y-url" href="{esc(s.url)}">{esc(s.title)}</a>.</p>',
        "<ul>"
        f"<li>Data publikacji strony internetowej: {_time('a11y-data-publikacja', decl.published)}.</li>"
        f"<li>Data ostatniej istotnej aktualizacji: {_time('a11y-data-aktualizacja', decl.updated)}.</li>"
        "</ul>",
        "<h2>Stan dostępności cyfrowej</h2>",
        f'<p id="a11y-status">{esc(status_sentence(decl))}</p>',
    ]
    if decl.non_compliant or decl.exempt or decl.disproportionate_burden:
        parts.append("<h2>Niedostępne treści</h2>")
        if decl.non_compliant:
            parts.append("<h3>Niezgodność z załącznikiem</h3><p>Poniższe treści nie spełniają wymagań "
                         "załącznika do ustawy (WCAG 2.1 na poziomie AA):</p>" + _barriers(decl.non_compliant))
        if decl.exempt:
            parts.append("<h3>Treści nieobjęte przepisami</h3><p>Ustawa nie obejmuje poniższych treści:</p>"
                         + _barriers(decl.exempt))
        if decl.disproportionate_burden:
            parts.append(f'<h3>Nadmierne koszty</h3><div id="a11y-ocena">{paragraphs(decl.disproportionate_burden)}</div>')

    if decl.method == "external-audit":
        method = f"Deklarację sporządziliśmy na podstawie badania przeprowadzonego przez podmiot zewnętrzny: {decl.auditor}."
    else:
        method = f"Deklarację sporządziliśmy na podstawie samooceny przeprowadzonej przez {s.operator}."
    review = (f"<li>Data ostatniego przeglądu deklaracji: {_time('a11y-data-przeglad', decl.reviewed)}.</li>"
              if decl.reviewed else "")
    parts += [
        "<h2>Przygotowanie deklaracji dostępności</h2>",
        f"<ul><li>Data sporządzenia deklaracji: {_time('a11y-data-sporzadzenie', decl.prepared)}.</li>{review}</ul>",
        f"<p>{esc(method)}</p>" + paragraphs(decl.method_details),
    ]
    if decl.facilitations:
        parts.append("<h2>Udogodnienia, ograniczenia i inne informacje</h2>" + paragraphs(decl.facilitations))
    if decl.keyboard_shortcuts:
        parts.append("<h2>Skróty klawiszowe</h2>" + paragraphs(decl.keyboard_shortcuts))

    parts += [
        "<h2>Informacje zwrotne i dane kontaktowe</h2>",
        f'<p>Wszystkie problemy z dostępnością cyfrową tej strony internetowej możesz zgłosić do: '
        f'<span id="a11y-kontakt">{esc(decl.contact_person)}</span>, '
        f'e-mail: <a id="a11y-email" href="mailto:{esc(decl.email)}">{esc(decl.email)}</a>, '
        f'telefon: <a id="a11y-telefon" href="{esc(_tel(decl.phone))}">{esc(decl.phone)}</a>.</p>',
        "<p>Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności cyfrowej tej strony internetowej, "
        "jej elementu albo pliku do pobrania. Możesz też poprosić o udostępnienie informacji w innej, "
        "alternatywnej formie, na przykład przez odczytanie niedostępnego dokumentu albo przesłanie tekstu "
        "w innym formacie.</p>",
        "<p>W żądaniu podaj:</p><ul><li>swoje imię i nazwisko,</li><li>dane do kontaktu (np. e-mail lub "
        "telefon),</li><li>adres strony lub nazwę pliku, którego dotyczy żądanie,</li><li>na czym polega "
        "problem i jaki sposób jego rozwiązania lub jaka forma informacji będzie dla Ciebie najwygodniejsza.</li></ul>",
        "<p>Odpowiemy niezwłocznie, nie później niż w ciągu 7 dni od otrzymania żądania. Jeżeli nie zdołamy "
        "w tym terminie, poinformujemy Cię, kiedy to zrobimy; ten nowy termin nie będzie dłuższy niż 2 miesiące "
        "od dnia złożenia żądania. Jeżeli zapewnienie dostępności cyfrowej nie będzie możliwe, zaproponujemy "
        "alternatywny sposób dostępu do informacji.</p>",
        "<h2>Obsługa wniosków i skarg związanych z dostępnością</h2>",
        '<div id="a11y-procedura">'
        "<p>Jeżeli odmówimy zapewnienia dostępności, nie dotrzymamy terminu albo nie zgadzasz się na "
        "zaproponowany alternatywny sposób dostępu, możesz złożyć skargę na brak dostępności cyfrowej.</p>"
        f"<p>Skargę złóż do: {esc(decl.complaints)}</p>"
        + (f"<p>Organ nadzorujący: {esc(decl.supervisory_body)}</p>" if decl.supervisory_body else "")
        + "<p>Po wyczerpaniu tej procedury możesz złożyć wniosek do "
        f'<a href="{RPO_URL}">Rzecznika Praw Obywatelskich</a> i poprosić o interwencję w swojej sprawie.</p>'
        "</div>",
        "<h2>Pozostałe informacje</h2>",
        "<h3>Aplikacje mobilne</h3>",
    ]
    if decl.mobile_apps:
        apps = "".join(f'<li><a href="{esc(a.url)}">{esc(a.name)}</a></li>' for a in decl.mobile_apps)
        parts.append(f'<div id="a11y-aplikacje"><p>{esc(s.operator)} udostępnia aplikacje mobilne:</p><ul>{apps}</ul></div>')
    else:
        parts.append(f'<p id="a11y-aplikacje">{esc(s.operator)} nie udostępnia aplikacji mobilnych.</p>')
    address = f"<p>Adres siedziby: {esc(s.address)}.</p>" if s.address else ""
    more = (f'<p><a id="a11y-architektura-url" href="{esc(decl.architecture_url)}">Pełny opis dostępności '
            "architektonicznej siedziby</a></p>" if decl.architecture_url else "")
    parts += [
        "<h3>Dostępność architektoniczna</h3>",
        f'<div id="a11y-architektura">{address}{paragraphs(decl.architecture)}{more}</div>',
        "<h3>Dostępność komunikacyjno-informacyjna</h3>",
        f'<div id="a11y-komunikacja">{paragraphs(decl.communication)}</div>',
    ]
    return "\n".join(parts)


def write(ctx: BuildContext) -> None:
    decl = ctx.index.accessibility
    if decl is None:
        return  # reported as a warning when the content was loaded
    s = ctx.index.settings
    ctx.stage.add_page(StagedPage(path=PATH, title=TITLE, body_html=body(ctx, decl),
                                  description=f"Deklaracja dostępności strony internetowej {s.title}."), OWNER)
    # The technical conditions recommend this tag in the head of every page (good practice).
    tag = f'<meta name="deklaracja-dostępności" content="{esc(urls.absolute(s.url, PATH))}">'
    ctx.stage.site_head.append(lambda _path: tag)  # site_head entries are functions of the page path
