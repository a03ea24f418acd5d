"""Accessibility of the built sample site: WCAG 2.1 A and AA rules of axe-core in Debian's headless
Chromium on every page type (desktop, 375 px phone, dark palette), the keyboard (skip link, visible
focus, catalogue filters), tagged PDFs, and the accessibility declaration in the ministry's v2.0
structure with its loader's error messages."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import html as lxml_html

from conftest import edit
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid
from wiedza.outputs.accessibility_page import A11Y_IDS

pytest.register_assert_rewrite("site_build")   # before importing it: it is loaded as a plugin too
from site_build import ARTIFACTS, MAIN_PAGES, PAGE_TYPES, ROOT, find_page, page_or_skip  # noqa: E402


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VARIANTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "mobile": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
}
SCREENSHOTS = ARTIFACTS / "screenshots"
MISSING = "publikacje/nie-ma-takiej-strony.html"   # served as 404.html, as a real server does


@pytest.fixture(scope="module")
def contexts(browser):
    made = {name: browser.new_context(locale="pl-PL", **options) for name, options in VARIANTS.items()}
    yield made
    for context in made.values():
        context.close()


AXE_URL = "__tests__/axe.min.js"   # served by site_build's server, cached by the browser
RUN_AXE = """tags => { window.__wiedzaAxe = axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                      resultTypes: ['violations']}); }"""
PARALLEL = 3   # pages audited at once: axe runs in each page's renderer while the next one loads


def url_of(http_root: str, kind: str, path: str) -> str:
    if kind == "404":
        path = MISSING
    return http_root + quote(path, safe="/?=&")


def open_page(page, url: str, kind: str) -> None:
    page.goto(url, wait_until="load")
    if kind == "wyszukiwanie":   # results are built by the page's script
        page.wait_for_load_state("networkidle")


@pytest.fixture(scope="module")
def audits(sample_site, http_root, contexts):
    """axe-core's WCAG 2.1 A/AA results for every (page kind, variant), computed PARALLEL pages at a time;
    the parametrised test below reports each one."""
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core is missing: run scripts/setup --test (npm ci)")
    results = {}
    kinds = [(kind, path) for kind in PAGE_TYPES if (path := find_page(sample_site, kind))]
    for variant, context in contexts.items():
        pages = [context.new_page() for _ in range(PARALLEL)]
        for batch in (kinds[i:i + PARALLEL] for i in range(0, len(kinds), PARALLEL)):
            for page, (kind, path) in zip(pages, batch):
                try:
                    open_page(page, url_of(http_root, kind, path), kind)
                    scheme = page.evaluate("document.body.dataset.mdColorScheme")
                    page.add_script_tag(url=http_root + AXE_URL)
                    page.evaluate(RUN_AXE, WCAG_TAGS)
                    results[kind, variant] = {"path": path, "scheme": scheme}
                except Exception as exc:  # noqa: BLE001 - reported by the test of this page
                    results[kind, variant] = {"path": path, "error": repr(exc)}
            for page, (kind, path) in zip(pages, batch):
                entry = results[kind, variant]
                if "error" in entry:
                    continue
                try:
                    entry["violations"] = page.evaluate("() => window.__wiedzaAxe.then(r => r.violations)")
                except Exception as exc:  # noqa: BLE001
                    entry["error"] = repr(exc)
        for page in pages:
            page.close()
    return results


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:4]:
            lines.append(f"      {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"        {summary[:240]}")
    return "\n".join(lines)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_wcag_21_aa_violations(kind, variant, sample_site, audits):
    path = page_or_skip(sample_site, kind)
    result = audits[kind, variant]
    assert "error" not in result, f"{path} ({variant}) could not be audited: {result['error']}"
    if variant == "dark":
        assert result["scheme"] == "slate", "the dark palette (prefers-color-scheme: dark) did not apply"
    violations = result["violations"]
    assert not violations, f"{path} ({variant}): {len(violations)} WCAG 2.1 A/AA rules fail:\n{describe(violations)}"


@pytest.mark.parametrize("variant", ["desktop", "mobile"])
def test_screenshots_of_the_main_pages(variant, sample_site, http_root, contexts):
    """Saved as test artefacts in test-artifacts/screenshots/ (1280 px and 375 px wide) for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = contexts[variant].new_page()
    saved = []
    try:
        for kind in MAIN_PAGES:
            path = find_page(sample_site, kind)
            if path is None:
                continue
            open_page(page, url_of(http_root, kind, path), kind)
            target = SCREENSHOTS / f"{kind}-{variant}.jpg"
            page.screenshot(path=str(target), full_page=True, type="jpeg", quality=80)
            saved.append(target)
    finally:
        page.close()
    assert saved and all(p.stat().st_size > 5000 for p in saved)


# -- keyboard ---------------------------------------------------------------------------------
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // A visually hidden radio or checkbox shows its focus on its label (Material's palette switch).
  let shown = el;
  const own = el.getBoundingClientRect();
  if (own.width < 1 || own.height < 1) {
    const next = el.nextElementSibling;
    shown = next && next.tagName === 'LABEL' ? next : (el.labels && el.labels[0]) || el;
  }
  const style = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: String(el.className || ''),
    text: (el.textContent || el.value || '').trim().slice(0, 60), href: el.getAttribute('href'),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0, shadow: style.boxShadow,
    width: box.width, height: box.height, inContent: !!el.closest('#wiedza-tresc'),
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUS_STATE)


@pytest.fixture
def desktop(contexts):
    page = contexts["desktop"].new_page()
    yield page
    page.close()


@pytest.mark.parametrize("kind", ["strona-glowna", "zestaw-zajec", "publikacja", "deklaracja-dostepnosci", "404"])
def test_skip_link_is_first_and_moves_to_the_content(kind, desktop, sample_site, http_root):
    path = page_or_skip(sample_site, kind)
    desktop.goto(url_of(http_root, kind, path))
    desktop.keyboard.press("Tab")
    first = focused(desktop)
    assert first and "md-skip" in first["cls"] and first["text"] == "Przejdź do treści", first
    assert first["width"] > 1 and first["height"] > 1, "the skip link must become visible when focused"
    desktop.keyboard.press("Enter")
    assert desktop.evaluate("location.hash") == "#wiedza-tresc"
    desktop.keyboard.press("Tab")
    after = focused(desktop)
    assert after and after["inContent"], f"Tab after the skip link should land in the content, not on {after}"


@pytest.mark.parametrize("kind", ["strona-glowna", "katalog-scenariuszy", "zestaw-zajec", "publikacja", "kanaly",
                                  "wyszukiwanie"])
def test_every_focused_element_shows_a_visible_focus(kind, desktop, sample_site, http_root):
    path = page_or_skip(sample_site, kind)
    open_page(desktop, url_of(http_root, kind, path), kind)
    seen, problems = [], []
    for _ in range(60):
        desktop.keyboard.press("Tab")
        state = focused(desktop)
        if state is None:
            break
        key = (state["tag"], state["id"], state["href"], state["text"])
        if key in seen:
            break
        seen.append(key)
        visible_ring = (state["outline"] != "none" and state["outlineWidth"] >= 2) or state["shadow"] != "none"
        if not visible_ring or state["width"] < 1 or state["height"] < 1:
            problems.append(state)
    assert len(seen) >= 5, f"Tab reached only {len(seen)} elements on {path}"
    assert not problems, f"{path}: focused elements without a visible focus indicator:\n" + "\n".join(map(str, problems))


def tab_until(page, predicate_js: str, limit: int = 150) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return focused(page)
    raise AssertionError(f"Tab never reached {predicate_js}")


KITS_STATE = """() => {
  const kits = [...document.querySelectorAll('#wiedza-kits .wiedza-kit')];
  return {total: kits.length, shown: kits.filter(k => !k.hidden).length,
          status: document.getElementById('wiedza-filter-status').textContent,
          checked: [...document.querySelectorAll('#wiedza-filters input:checked')].map(i => i.name + '=' + i.value)};
}"""


def test_catalogue_filters_work_with_the_keyboard_alone(desktop, sample_site, http_root):
    path = page_or_skip(sample_site, "katalog-scenariuszy")
    desktop.goto(url_of(http_root, "katalog-scenariuszy", path))
    assert desktop.is_visible("#wiedza-filters"), "the filter form should be shown when JavaScript runs"
    summary = tab_until(desktop, "document.activeElement.matches('#wiedza-filter-box > summary')")
    assert summary["outline"] != "none"
    desktop.keyboard.press("Enter")   # fold the filters …
    assert desktop.evaluate("document.getElementById('wiedza-filter-box').open") is False
    desktop.keyboard.press("Enter")   # … and unfold them
    assert desktop.evaluate("document.getElementById('wiedza-filter-box').open") is True

    start = desktop.evaluate(KITS_STATE)
    assert start["shown"] == start["total"] > 1
    narrowed = None
    for _ in range(40):   # try options in Tab order until one narrows the list
        box = tab_until(desktop, "document.activeElement.matches('#wiedza-filters input[type=checkbox]')")
        assert box["outline"] != "none" and box["outlineWidth"] >= 2, box
        desktop.keyboard.press("Space")
        state = desktop.evaluate(KITS_STATE)
        assert len(state["checked"]) == 1, state
        assert state["status"] == f"Pasujące zestawy: {state['shown']} z {state['total']}.", state
        name, value = state["checked"][0].split("=", 1)
        mismatched = desktop.evaluate(
            "([name, value]) => [...document.querySelectorAll('#wiedza-kits .wiedza-kit')].filter(k => "
            "!k.hidden && !(k.getAttribute('data-' + name) || '').split(' ').includes(value)).length", [name, value])
        assert mismatched == 0, f"kits not matching {name}={value} are still shown"
        if 0 < state["shown"] < state["total"]:
            narrowed = state
            break
        desktop.keyboard.press("Space")   # uncheck, go on to the next option
    assert narrowed, "no single filter option narrowed the kit list"

    reset = tab_until(desktop, "document.activeElement.matches('#wiedza-filters button[type=reset]')")
    assert reset["outline"] != "none"
    desktop.keyboard.press("Enter")
    desktop.wait_for_function("document.querySelectorAll('#wiedza-kits .wiedza-kit[hidden]').length === 0")
    state = desktop.evaluate(KITS_STATE)
    assert state["checked"] == [] and state["shown"] == state["total"]
    assert state["status"] == f"Pasujące zestawy: {state['total']} z {state['total']}."


def test_no_single_key_shortcut_navigates(desktop, sample_site, http_root):
    """WCAG 2.1.4: Material binds p , n . to rel=prev/next links; our pages have none."""
    desktop.goto(http_root + "publikacje/index.html")
    before = desktop.url
    for key in ("n", ".", "p", ","):
        desktop.keyboard.press(key)
    desktop.wait_for_timeout(200)
    assert desktop.url == before


# -- PDFs -------------------------------------------------------------------------------------
def test_every_pdf_is_tagged_with_polish_language(sample_site):
    from pypdf import PdfReader

    pdfs = sorted(sample_site.rglob("*.pdf"))
    assert pdfs, "the sample site should offer PDFs (kits, publications)"
    problems = []
    for pdf in pdfs:
        root = PdfReader(pdf).trailer["/Root"]
        mark = root.get("/MarkInfo")
        marked = bool(mark and mark.get_object().get("/Marked"))
        lang = str(root.get("/Lang", ""))
        if not marked or "/StructTreeRoot" not in root or not lang.lower().startswith("pl"):
            problems.append(f"{pdf.relative_to(sample_site)}: Marked={marked}, "
                            f"StructTreeRoot={'/StructTreeRoot' in root}, Lang={lang!r}")
    assert not problems, "PDFs that are not tagged (PDF/UA) Polish documents:\n" + "\n".join(problems)


# -- the accessibility declaration ------------------------------------------------------------
def tree(site: Path, rel: str):
    return lxml_html.fromstring((site / rel).read_bytes())


def test_declaration_has_exactly_the_ids_of_the_v2_structure(sample_site, site_url):
    doc = tree(sample_site, "deklaracja-dostepnosci.html")
    ids = [e.get("id") for e in doc.iter() if isinstance(e.tag, str) and (e.get("id") or "").startswith("a11y-")]
    assert len(ids) == len(set(ids)), f"repeated ids: {ids}"
    assert set(ids) <= set(A11Y_IDS), f"ids the v2.0 structure does not define: {set(ids) - set(A11Y_IDS)}"
    required = {k for k, needed in A11Y_IDS.items() if needed}
    assert required <= set(ids), f"missing required ids: {required - set(ids)}"
    assert "a11y-data-przeglad" in ids   # the sample declaration has been reviewed
    content = doc.get_element_by_id("wiedza-tresc")
    assert content.xpath("string(.//h1)") == "Deklaracja dostępności"
    for ident in ("a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-data-sporzadzenie", "a11y-data-przeglad"):
        element = doc.get_element_by_id(ident)
        assert element.tag == "time" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", element.get("datetime")), ident
    assert doc.get_element_by_id("a11y-url").get("href") == site_url
    assert doc.get_element_by_id("a11y-email").get("href").startswith("mailto:")
    assert doc.get_element_by_id("a11y-status").text_content().startswith("Strona internetowa jest częściowo zgodna z ustawą")
    wstep = doc.get_element_by_id("a11y-wstep")
    for inner in ("a11y-podmiot", "a11y-zakres", "a11y-url"):
        assert wstep.xpath(f".//*[@id='{inner}']"), f"{inner} belongs inside a11y-wstep"
    headings = [h.text_content() for h in content.xpath(".//h2")]
    expected = ["Stan dostępności cyfrowej", "Niedostępne treści", "Przygotowanie deklaracji dostępności",
                "Udogodnienia, ograniczenia i inne informacje", "Skróty klawiszowe",
                "Informacje zwrotne i dane kontaktowe", "Obsługa wniosków i skarg związanych z dostępnością",
                "Pozostałe informacje"]
    assert headings == expected
    assert [h.text_content() for h in content.xpath(".//h3")][-3:] == [
        "Aplikacje mobilne", "Dostępność architektoniczna", "Dostępność komunikacyjno-informacyjna"]
    assert "ilustracyjny" in doc.get_element_by_id("a11y-architektura").text_content()


def html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_every_page_links_the_declaration_and_is_polish(sample_site, site_url):
    declaration = f'<meta name="deklaracja-dostępności" content="{site_url}deklaracja-dostepnosci.html">'
    for page in html_pages(sample_site):
        rel = page.relative_to(sample_site).as_posix()
        text = page.read_text(encoding="utf-8")
        doc = lxml_html.fromstring(text)
        assert doc.get("lang") == "pl", rel
        links = [a for a in doc.iter("a") if a.text_content().strip() == "Deklaracja dostępności"]
        assert links, f"{rel} has no link to the accessibility declaration"
        assert links[0].get("href").endswith("deklaracja-dostepnosci.html"), rel
        assert doc.xpath("//link[@rel='icon']"), f"{rel} has no favicon"
        if rel != "deklaracja-dostepnosci.html":
            assert not [e for e in doc.iter() if isinstance(e.tag, str) and (e.get("id") or "").startswith("a11y-")], \
                f"{rel}: a11y-* ids belong to the declaration only"
        if rel != "404.html":
            assert declaration in text, f"{rel} lacks the deklaracja-dostępności meta tag"
            og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[starts-with(@property, 'og:')]")}
            for prop in ("og:site_name", "og:locale", "og:title", "og:url"):
                assert og.get(prop), f"{rel} lacks {prop}"
            assert og["og:url"].startswith(site_url), rel


def test_robots_txt_allows_all_and_names_the_sitemap(sample_site, site_url):
    text = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *\nAllow: /\n" in text
    assert f"Sitemap: {site_url}sitemap.xml" in text.splitlines()
    assert (sample_site / "sitemap.xml").is_file()


def test_404_page_is_polish_and_leads_back(sample_site):
    doc = tree(sample_site, "404.html")
    content = doc.get_element_by_id("wiedza-tresc")
    assert "Nie znaleziono strony" in content.xpath("string(.//h1)")
    hrefs = {a.get("href") for a in content.iter("a")}
    for target in ("/index.html", "/publikacje/index.html", "/scenariusze/index.html", "/szukaj.html"):
        assert target in hrefs, f"the 404 page should link {target}"


# -- the loader of content/accessibility.yml --------------------------------------------------
def only_error(content: Path):
    with pytest.raises(ContentInvalid) as caught:
        load_site(content)
    errors = caught.value.report.errors
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


def line_of(path: Path, startswith: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(startswith))


DECL = "accessibility.yml"
DECL_CASES = [
    ("unknown status", lambda p: edit(p, "status: partially-compliant", "status: częściowo"), "status", "status:", "Dozwolone"),
    ("missing field", lambda p: edit(p, "contact_person: Jan Testowy\n", ""), "contact_person", None, "brak wymaganego pola"),
    ("updated before published", lambda p: edit(p, "updated: 2025-06-01", "updated: 2024-06-01"), "updated", "updated:", "wcześniejsza"),
    ("review before preparation", lambda p: edit(p, "reviewed: 2025-06-02", "reviewed: 2025-01-02"), "reviewed", "reviewed:", "wcześniejsza"),
    ("entry without reason", lambda p: edit(p, "    reason: obraz bez warstwy tekstowej\n", ""), "non_compliant[0].reason", None, "brak wymaganego pola"),
    ("phone as number", lambda p: edit(p, 'phone: "+48 22 000 00 00"', "phone: 48220000000"), "phone", "phone:", "cudzysłów"),
    ("bad e-mail", lambda p: edit(p, "contact_person:", "email: dostepnosc-at-example\ncontact_person:"), "email", "email:", "e-mail"),
    ("compliant with barriers", lambda p: edit(p, "status: partially-compliant", "status: compliant"), "status", "status:", "pełną zgodność"),
    ("audit without auditor", lambda p: edit(p, "method: self-assessment", "method: external-audit"), "auditor", None, "auditor"),
    ("impossible date", lambda p: edit(p, "prepared: 2025-01-20", "prepared: 2025-02-30"), "prepared", "prepared:", "nie istnieje"),
]


@pytest.mark.parametrize("name,mutate,field,line_start,words", DECL_CASES, ids=[c[0] for c in DECL_CASES])
def test_declaration_mistakes_are_reported_with_file_line_and_field(mini, name, mutate, field, line_start, words):
    mutate(mini / DECL)
    error = only_error(mini)
    assert error.path.endswith(DECL) and error.field == field, error.format()
    if line_start:
        assert error.line == line_of(mini / DECL, line_start), error.format()
    assert words in error.message + error.hint, error.format()


def test_missing_phone_falls_back_to_site_settings_or_is_an_error(mini):
    edit(mini / DECL, 'phone: "+48 22 000 00 00"\n', "")
    error = only_error(mini)   # the mini site.yml has no contact_phone either
    assert error.field == "phone" and "site.yml" in error.hint
    edit(mini / "site.yml", "contact_email: test@example.pl", 'contact_email: test@example.pl\ncontact_phone: "+48 11 111 11 11"')
    declaration = load_site(mini).accessibility
    assert declaration.phone == "+48 11 111 11 11" and declaration.email == "test@example.pl"


def test_a_free_page_cannot_take_the_declarations_address(mini):
    (mini / "pages").mkdir(exist_ok=True)
    (mini / "pages" / "deklaracja-dostepnosci.md").write_text("---\ntitle: Deklaracja\n---\nTekst.\n", encoding="utf-8")
    error = only_error(mini)
    assert error.path.endswith("pages/deklaracja-dostepnosci.md") and DECL in error.message + error.hint


def test_without_the_file_the_site_builds_with_a_warning(mini):
    (mini / DECL).unlink()
    index = load_site(mini)
    assert index.accessibility is None
    assert [w.path for w in index.warnings] == ["content/accessibility.yml"]
    with pytest.raises(ContentInvalid):
        load_site(mini, strict=True)


def test_declaration_data_reaches_the_index(mini):
    declaration = load_site(mini).accessibility
    assert declaration.status_word == "częściowo zgodna"
    assert declaration.non_compliant[0].alternative == "tekst statutu na stronie zestawu"
    assert declaration.email == "test@example.pl"   # from site.yml
    assert declaration.mobile_apps == ()

