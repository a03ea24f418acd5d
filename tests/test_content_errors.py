"""One broken input per error class: the message must name the file, the line and the field."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import edit, errors_of, line_of
from wiedza.cli import main
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid

ART = "articles/artykul-w-kwartalniku.md"
MONO = "articles/monografia-testowa/index.md"
KIT = "lessons/zestaw-testowy/index.md"


def only_error(content: Path):
    errors = errors_of(content)
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


# (name, file, mutation, expected field, expected line prefix or None, words in the message)
CASES = [
    ("malformed yaml", ART, lambda p: edit(p, "title: Spółdzielnie", "title: [Spółdzielnie"), None, "title:", "YAML"),
    ("missing field", ART, lambda p: edit(p, "abstract: Krótki abstrakt o spółdzielniach uczniowskich.\n", ""), "abstract", None, "brak wymaganego pola"),
    ("wrong type", KIT, lambda p: edit(p, "duration_minutes: 45", "duration_minutes: czterdzieści"), "duration_minutes", "duration_minutes:", "liczby całkowitej"),
    ("unquoted version", KIT, lambda p: edit(p, 'version: "1.10"', "version: 1.10"), "version", "version:", "1.1"),
    ("unknown topic", ART, lambda p: edit(p, "topics: [spoldzielnie-uczniowskie]", "topics: [spoldzielnie-szkolne]"), "topics[0]", "topics:", "spoldzielczosc"),
    ("unknown author", ART, lambda p: edit(p, "authors: [ewa-nowak, adam-lis]", "authors: [ewa-nowak, jan-kowalski]"), "authors[1]", "authors:", "jan-kowalski"),
    ("impossible date", ART, lambda p: edit(p, "date: 2025-03-01", "date: 2025-02-30"), "date", "date:", "nie istnieje"),
    ("updated before date", MONO, lambda p: edit(p, "updated: 2025-01-10", "updated: 2024-01-10"), "updated", "updated:", "wcześniejsza"),
    ("unknown field", ART, lambda p: edit(p, "volume: 1", "volume: 1\nvolumen: 2"), "volumen", "volumen:", "nieznane pole"),
    ("bad isbn", MONO, lambda p: edit(p, "978-83-930000-0-5", "978-83-930000-0-4"), "isbn", "isbn:", "cyfrę kontrolną"),
    ("bad doi", MONO, lambda p: edit(p, "doi: 10.5555/test.1", "doi: 11.5555/test"), "doi", "doi:", "DOI"),
    ("reversed pages", ART, lambda p: edit(p, 'pages: "10-20"', 'pages: "45-12"'), "pages", "pages:", "odwrócony"),
    ("unknown issue", ART, lambda p: edit(p, "issue: 1", "issue: 7"), "issue", "issue:", "1/1"),
    ("missing attachment", MONO, lambda p: (p.parent / "dane.csv").unlink(), "attachments[0].file", "  - file: dane.csv", "brak pliku"),
    ("attachment outside", MONO, lambda p: edit(p, "file: dane.csv", "file: ../dane.csv"), "attachments[0].file", "  - file:", "poza folder"),
    ("absolute attachment", MONO, lambda p: edit(p, "file: dane.csv", "file: /etc/passwd"), "attachments[0].file", "  - file:", "poza folder"),
    ("unknown file type", MONO, lambda p: (edit(p, "file: dane.csv", "file: dane.exe"), (p.parent / "dane.csv").rename(p.parent / "dane.exe")),
     "attachments[0].file", "  - file:", ".exe"),
    ("broken internal link", ART, lambda p: edit(p, "monografia-testowa/index.md#", "monografia-inna/index.md#"), "treść", "Spółdzielnie uczniowskie uczą", "zepsuty link"),
    ("broken anchor in other doc", ART, lambda p: edit(p, "#rozdzial-pierwszy", "#rozdzial-drugi"), "treść", "Spółdzielnie uczniowskie uczą", "docelowym"),
    ("broken anchor", KIT, lambda p: edit(p, "Rozdaj [kartę pracy](karta-pracy.md).", "Zobacz [niżej](#brak-takiej)."), "treść", "Zobacz [niżej]", "kotwicy"),
]


@pytest.mark.parametrize("name,rel,mutate,field,line_start,words", CASES, ids=[c[0] for c in CASES])
def test_error_names_file_line_field(mini, name, rel, mutate, field, line_start, words):
    path = mini / rel
    mutate(path)
    error = only_error(mini)
    assert error.path.endswith(rel), error.format()
    assert error.field == field, error.format()
    if line_start is not None:
        assert error.line == line_of(path, line_start), error.format()
    assert words in error.format(), error.format()
    assert error.hint, "every error says what to do"


def test_symlink_out_of_folder_is_refused(mini, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("tajne\n")
    folder = mini / "articles" / "monografia-testowa"
    (folder / "dane.csv").unlink()
    os.symlink(secret, folder / "dane.csv")
    error = only_error(mini)
    assert "dowiązanie" in error.message and error.field == "attachments[0].file"


def test_file_over_size_limit(mini):
    edit(mini / "site.yml", "max_attachment_mb: 5", "max_attachment_mb: 1")
    (mini / "articles" / "monografia-testowa" / "dane.csv").write_bytes(b"0," * 600_000)
    error = only_error(mini)
    assert "limit" in error.message and error.field == "attachments[0].file"


def test_no_front_matter(mini):
    (mini / ART).write_text("# Tylko tekst\n", encoding="utf-8")
    error = only_error(mini)
    assert error.line == 1 and "front matter" in error.message


def test_empty_file(mini):
    (mini / ART).write_text("", encoding="utf-8")
    assert "pusty" in only_error(mini).message


def test_not_utf8(mini):
    path = mini / ART
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    error = only_error(mini)
    assert "UTF-8" in error.message and error.line == 3  # the first non-ASCII letter is in the title


def test_bom_and_crlf_are_accepted(mini):
    path = mini / ART
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    index = load_site(mini)
    assert any(r.id == "test-art-1" for r in index.research)


def test_duplicate_id(mini):
    edit(mini / MONO, "id: test-mono-1", "id: test-art-1")
    error = only_error(mini)
    assert error.field == "id" and "test-art-1" in error.message and error.line == 2


def test_two_files_one_url(mini):
    (mini / "articles" / "Monografia Testowa.md").write_text((mini / ART).read_text(encoding="utf-8"), encoding="utf-8")
    messages = [e.format() for e in errors_of(mini)]
    assert any("ten sam adres" in m and "monografia-testowa" in m for m in messages), messages


def test_spaces_and_polish_letters_in_names_get_safe_urls(mini):
    (mini / ART).rename(mini / "articles" / "Spółdzielnie w szkołach.md")
    index = load_site(mini)
    item = next(r for r in index.research if r.id == "test-art-1")
    assert index.path_of(item) == "publikacje/spoldzielnie-w-szkolach/index.html"


def test_yaml_python_tag_is_rejected_safely(mini):
    edit(mini / ART, "title: Spółdzielnie", "title: !!python/object/apply:os.system ['echo pwned']\nsubtitle: Spółdzielnie")
    error = only_error(mini)
    assert "YAML" in error.message


def test_yes_no_trap(mini):
    edit(mini / ART, "volume: 1", "volume: 1\nlanguage: no")
    error = only_error(mini)
    assert error.field == "language" and "cudzysłów" in error.hint


def test_unlisted_file_is_a_warning_not_silently_dropped(mini):
    (mini / "lessons" / "zestaw-testowy" / "zapomniany.pdf").write_bytes(b"%PDF-1.4\n")
    index = load_site(mini)
    assert [w.path.endswith("zapomniany.pdf") for w in index.warnings] == [True]
    with pytest.raises(ContentInvalid):
        load_site(mini, strict=True)


def test_all_errors_reported_at_once_sorted_with_count(mini, capsys):
    edit(mini / ART, "date: 2025-03-01", "date: 2025-13-01")
    edit(mini / KIT, "duration_minutes: 45", "duration_minutes: -5")
    edit(mini / MONO, "doi: 10.5555/test.1", "doi: nie-doi")
    assert main(["check", "--content", str(mini)]) == 1
    err = capsys.readouterr().err.splitlines()
    located = [line for line in err if line.startswith("content/")]
    assert len(located) == 3 and located == sorted(located)
    assert "Błędy: 3, ostrzeżenia: 0." in err
    assert located[0].startswith(f"content/{ART}:{line_of(mini / ART, 'date:')}: date: ")


def test_markdown_file_over_the_size_limit(mini):
    path = mini / ART
    path.write_text(path.read_text(encoding="utf-8") + "Bardzo długi tekst. " * 120_000, encoding="utf-8")
    error = only_error(mini)
    assert "limit" in error.message and error.path.endswith(ART) and error.hint


def test_external_links_get_noopener(mini):
    edit(mini / ART, "Spółdzielnie uczniowskie uczą współpracy.", "Zob. [ICA](https://ica.coop/).")
    html = load_site(mini).bodies["test-art-1"]
    assert 'href="https://ica.coop/" rel="noopener noreferrer"' in html
