"""The README is the editors' manual: every field the models accept must be documented there."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from wiedza.content import accessibility, documents, registries
from wiedza.content.attachments import attachment_schema

README = (ROOT / "README.md").read_text(encoding="utf-8")

SCHEMAS = {
    "Research item": documents.research_schema(None, {}, {}),
    "Lesson kit": documents.lesson_schema(None, {}),
    "Attachments": attachment_schema(None),
    "Site settings": registries.settings_schema(None),
    "Authors": registries.AUTHOR_SCHEMA,
    "Pages": documents.PAGE_SCHEMA,
    "Periodical": registries.periodical_schema(None),
    "Accessibility declaration": accessibility.SCHEMA,
}


def section(title: str) -> str:
    start = README.index(f"### {title}")
    end = README.find("\n### ", start + 1)
    return README[start:end]


@pytest.mark.parametrize("title", SCHEMAS)
def test_every_field_is_documented_in_its_table(title):
    text = section(title)
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M))
    fields = {f.name for f in SCHEMAS[title]}
    assert fields <= documented, f"undocumented in README '{title}': {sorted(fields - documented)}"
    assert documented <= fields, f"documented but not accepted: {sorted(documented - fields)}"


def test_issue_fields_are_documented():
    text = section("Periodical")
    for field in registries.issue_schema(None):
        assert f"`{field.name}`" in text


def test_declaration_entry_fields_are_documented():
    text = section("Accessibility declaration")
    for field in accessibility.BARRIER_SCHEMA + accessibility.APP_SCHEMA:
        assert f"`{field.name}`" in text


def test_readme_names_the_two_commands_that_exist():
    for command in ("scripts/build", "scripts/test"):
        assert command in README and (ROOT / command).is_file()
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
