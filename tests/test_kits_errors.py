"""Bad kit input: every mistake is a content error naming the kit file, the line and the field; a
tool that fails is a BuildError naming the kit and the tool's own message, never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit
from wiedza.cli import main
from wiedza.content.loader import load_site
from wiedza.errors import BuildError, ContentInvalid
from wiedza.outputs import convert
from wiedza.pipeline import build_site

KIT = "lessons/zestaw-testowy/index.md"
KIT_LABEL = f"content/{KIT}"   # how reports name it: relative to the parent of the content folder


def only_error(content: Path):
    """The one error about an attachment file (a dropped attachment may also leave the kit with
    fewer than the two it needs: that second error is about `attachments` as a whole)."""
    with pytest.raises(ContentInvalid) as caught:
        load_site(content)
    errors = [e for e in caught.value.report.errors if (e.field or "").startswith("attachments[")]
    assert len(errors) == 1, [e.format() for e in caught.value.report.errors]
    return errors[0]


def outside(content: Path) -> None:
    edit(content / KIT, "file: karta-pracy.md", "file: ../karta-pracy.md")


def absolute(content: Path) -> None:
    edit(content / KIT, "file: karta-pracy.md", "file: /etc/passwd")


def symlink_out(content: Path) -> None:
    (content / "lessons/zestaw-testowy/tajne.md").symlink_to(content / "site.yml")
    edit(content / KIT, "file: karta-pracy.md", "file: tajne.md")


def too_big(content: Path) -> None:
    edit(content / "site.yml", "max_attachment_mb: 5", "max_attachment_mb: 1")
    (content / "lessons/zestaw-testowy/notatki.txt").write_bytes(b"x" * (1_048_576 + 1))


def unknown_type(content: Path) -> None:
    folder = content / "lessons/zestaw-testowy"
    (folder / "notatki.txt").rename(folder / "notatki.exe")
    edit(content / KIT, "file: notatki.txt", "file: notatki.exe")


def not_utf8(content: Path) -> None:
    sheet = content / "lessons/zestaw-testowy/karta-pracy.md"
    sheet.write_bytes("# Karta pracy\n\nŻółć, gęś i łódź.\n".encode("cp1250"))


# (name, mutation, attachment index, words in the message)
CASES = [
    ("path with ..", outside, 0, "poza folder"),
    ("absolute path", absolute, 0, "poza folder"),
    ("symlink out of the folder", symlink_out, 0, "spoza folderu"),
    ("too big", too_big, 1, "limit to 1 MB"),
    ("unknown extension", unknown_type, 1, ".exe"),
    ("worksheet not in UTF-8", not_utf8, 0, "UTF-8"),
]


@pytest.mark.parametrize("name,mutate,position,words", CASES, ids=[c[0] for c in CASES])
def test_bad_attachment_is_a_content_error(mini, name, mutate, position, words):
    mutate(mini)
    error = only_error(mini)
    assert error.path == KIT_LABEL, error.format()
    assert error.field == f"attachments[{position}].file", error.format()
    entries = [n for n, line in enumerate((mini / KIT).read_text(encoding="utf-8").splitlines(), 1)
               if line.startswith("  - file:")]
    assert error.line == entries[position], error.format()
    assert words in error.message, error.format()
    assert error.hint, "every content error says what to do"
    text = error.format()
    assert text.startswith(f"{KIT_LABEL}:{error.line}: attachments[{position}].file: ")


def test_not_utf8_names_the_line_of_the_bad_byte(mini):
    not_utf8(mini)
    assert "w wierszu 3" in only_error(mini).message


def test_cli_reports_a_bad_attachment_without_traceback(mini, tmp_path, capsys):
    outside(mini)
    code = main(["build", "--content", str(mini), "--site-dir", str(tmp_path / "site"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{KIT_LABEL}:" in err and "attachments[0].file" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def broken_image(content: Path) -> None:
    """A PNG attachment that is not a PNG, shown in the lesson body: the loader cannot know,
    WeasyPrint can."""
    folder = content / "lessons/zestaw-testowy"
    (folder / "schemat.png").write_bytes(b"to nie jest obraz PNG")
    edit(content / KIT, "attachments:\n", "attachments:\n  - file: schemat.png\n    title: Schemat\n    kind: image\n")
    edit(content / KIT, "Rozdaj [kartę pracy](karta-pracy.md).", "Rozdaj [kartę pracy](karta-pracy.md).\n\n![Schemat spółdzielni](schemat.png)")


def test_a_pdf_failure_names_the_kit_and_the_tool(mini, tmp_path):
    broken_image(mini)
    load_site(mini)  # the content itself is valid
    with pytest.raises(BuildError) as caught:
        build_site(mini, tmp_path / "site", cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert KIT_LABEL in message and "Zakładamy spółdzielnię" in message
    assert "plan zajęć (PDF)" in message
    assert "WeasyPrint" in message and "Failed to load image" in message and "schemat.png" in message
    assert not (tmp_path / "site").exists()


def test_cli_reports_a_tool_failure_as_a_build_error(mini, tmp_path, capsys):
    broken_image(mini)
    code = main(["build", "--content", str(mini), "--site-dir", str(tmp_path / "site"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Błąd budowy: ") and KIT_LABEL in err and "WeasyPrint" in err and "Traceback" not in err


def test_a_pandoc_failure_carries_pandoc_message(tmp_path):
    """run_job never raises: the caller gets pandoc's own words to put under the kit's name."""
    job = convert.Job(fmt="docx", html="<h1>Tytuł</h1>", resource_dir=str(tmp_path), epoch=0,
                      metadata='{"title": [unclosed', label="plan")
    data, error = convert.run_job(job)
    assert data is None and error.startswith("pandoc: ") and "YAML" in error
    with pytest.raises(convert.ConversionError) as caught:
        convert.html_to_office("<p>x</p>", "nieznany", tmp_path, 0)
    assert caught.value.tool == "pandoc" and "Unknown output format nieznany" in caught.value.message


def test_images_from_the_network_never_reach_the_tools(tmp_path):
    (tmp_path / "lokalny.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    html = ('<p><img src="https://example.com/x.png" alt="zdalny"><img src="lokalny.svg" alt="lokalny">'
            '<img src="../poza.png" alt="poza"><img src="file:///etc/hosts" alt=""></p>')
    out = convert.local_images(html, tmp_path)
    assert out == '<p><span>[zdalny]</span><img src="lokalny.svg" alt="lokalny"><span>[poza]</span></p>'


def test_an_attachment_in_the_way_of_a_converted_file_is_named(mini, tmp_path):
    folder = mini / "lessons/zestaw-testowy"
    (folder / "karta-pracy.pdf").write_bytes(b"%PDF-1.4 wersja od autora")
    edit(mini / KIT, "attachments:\n", "attachments:\n  - file: karta-pracy.pdf\n    title: Karta (PDF)\n    kind: worksheet\n")
    with pytest.raises(BuildError) as caught:
        build_site(mini, tmp_path / "site", cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert KIT_LABEL in message and "scenariusze/zestaw-testowy/karta-pracy.pdf" in message and "załącznik" in message
