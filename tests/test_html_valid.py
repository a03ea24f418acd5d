"""Every HTML file of the built sample site is valid HTML (the Nu Html Checker, one JVM call), and our
copy of Material's base template differs from the installed one only by the documented fixes.

Run `python tests/test_html_valid.py --write-base` after upgrading mkdocs-material to refresh
src/wiedza/theme/overrides/base.html from the new version."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUR_BASE = ROOT / "src" / "wiedza" / "theme" / "overrides" / "base.html"


HEADER = """{#-
  Copy of Material for MkDocs' base.html with three fixes (see tests/test_html_valid.py, PATCHES):
  1. the drawer and search toggles carry no `autocomplete` (not allowed on checkboxes: invalid HTML);
  2. the skip link "Przejdź do treści" is always there, pointing to the article (#wiedza-tresc);
     Material shows it only for pages with a Markdown table of contents, which ours never have;
  3. no <link rel="prev"/"next">: Material binds the single keys p , n . to them, and single-character
     shortcuts that cannot be turned off fail WCAG 2.1.4.
  Regenerate after a Material upgrade: python tests/test_html_valid.py --write-base
-#}
"""

# (what Material has, what we render instead); each must match exactly once.
PATCHES = [
    ("{#-\n  This file was automatically generated - do not edit\n-#}\n", HEADER),
    ('type="checkbox" id="__drawer" autocomplete="off">', 'type="checkbox" id="__drawer">'),
    ('type="checkbox" id="__search" autocomplete="off">', 'type="checkbox" id="__search">'),
    ("""      {% if page.toc | first is defined %}
        {% set skip = page.toc | first %}
        <a href="{{ skip.url | url }}" class="md-skip">
          {{ lang.t("action.skip") }}
        </a>
      {% endif %}
""", """      <a href="#wiedza-tresc" class="md-skip">
        {{ lang.t("action.skip") }}
      </a>
"""),
    ("""      {% if page.previous_page %}
        <link rel="prev" href="{{ page.previous_page.url | url }}">
      {% endif %}
      {% if page.next_page %}
        <link rel="next" href="{{ page.next_page.url | url }}">
      {% endif %}
""", ""),
    ('<article class="md-content__inner md-typeset">', '<article class="md-content__inner md-typeset" id="wiedza-tresc">'),
]


def patched_material_base() -> str:
    import material

    text = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    for old, new in PATCHES:
        assert text.count(old) == 1, f"Material's base.html changed; this patch no longer applies:\n{old}"
        text = text.replace(old, new)
    return text


def test_base_template_is_materials_with_our_fixes_only():
    assert OUR_BASE.read_text(encoding="utf-8") == patched_material_base(), (
        "src/wiedza/theme/overrides/base.html is not the installed Material base.html with PATCHES applied; "
        "run: python tests/test_html_valid.py --write-base")


@pytest.fixture(scope="module")
def vnu_messages(sample_site):
    if shutil.which("java") is None or not VNU.is_file():
        pytest.fail("the Nu Html Checker needs java and node_modules/vnu-jar: run scripts/setup --test")
    files = sorted(str(p) for p in sample_site.rglob("*.html"))
    done = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stderr or "{}")
    return files, report.get("messages", [])


def test_every_page_is_valid_html(sample_site, vnu_messages):
    files, messages = vnu_messages
    assert len(files) > 20
    problems = [f"{m['url'].split(str(sample_site) + '/')[-1]}:{m.get('lastLine')}: {m['message']} "
                f"[{m.get('extract', '').strip()[:80]}]" for m in messages]
    assert not problems, f"{len(problems)} HTML errors in {len(files)} files:\n" + "\n".join(problems[:40])


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-base"]:
        OUR_BASE.write_text(patched_material_base(), encoding="utf-8")
        print(f"wrote {OUR_BASE}")
