"""Bad bibliographic input: each case is a copy of tests/fixtures/mini with one mistake, and
`wiedza check` must fail naming the file, the line and the field, with no traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, line_of
from wiedza.cli import EXIT_CONTENT, main
from wiedza.content.loader import load_site
from wiedza.errors import ContentInvalid

ART = "articles/artykul-w-kwartalniku.md"
MONO = "articles/monografia-testowa/index.md"
AUTHORS = "authors.yml"
PERIODICAL = "periodicals/kwartalnik-testowy/periodical.yml"


# (name, file, old, new, field, start of the reported line, words of the message)
CASES = [
    ("doi without 10. prefix", MONO, "doi: 10.5555/test.1", "doi: 11.5555/test.1", "doi", "doi:", "DOI"),
    ("doi that is not one", ART, 'pages: "10-20"', 'pages: "10-20"\ndoi: https://example.org/artykul', "doi", "doi:", "DOI"),
    ("isbn check digit", MONO, 'isbn: "978-83-930000-0-5"', 'isbn: "978-83-930000-0-6"', "isbn", "isbn:", "cyfrę kontrolną"),
    ("isbn too short", MONO, 'isbn: "978-83-930000-0-5"', 'isbn: "978-83-9300"', "isbn", "isbn:", "ISBN"),
    ("issn check digit on an item", MONO, "page_count: 120", 'page_count: 120\nissn: "2049-3631"', "issn", "issn:", "powinna być 0"),
    ("issn check digit of a periodical", PERIODICAL, 'issn: "2049-3630"', 'issn: "2049-3631"', "issn", "issn:", "powinna być 0"),
    ("issn malformed", PERIODICAL, 'issn: "2049-3630"', 'issn: "20493"', "issn", "issn:", "ISSN"),
    ("orcid check digit", AUTHORS, "orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098", "ewa-nowak.orcid", "  orcid:", "ORCID"),
    ("orcid malformed", AUTHORS, "orcid: 0000-0002-1825-0097", "orcid: 1825-0097", "ewa-nowak.orcid", "  orcid:", "ORCID"),
    ("author not in the registry", ART, "authors: [ewa-nowak, adam-lis]", "authors: [ewa-nowak, jan-kot]", "authors[1]", "authors:", "jan-kot"),
    ("unknown periodical", ART, "periodical: kwartalnik-testowy", "periodical: kwartalnik-inny", "periodical", "periodical:", "kwartalnik-inny"),
    ("unknown issue", ART, "issue: 1\n", "issue: 4\n", "issue", "issue:", "1/4"),
    ("unknown volume", ART, "volume: 1\n", "volume: 9\n", "issue", "issue:", "9/1"),
    ("reversed pages", ART, 'pages: "10-20"', 'pages: "45-12"', "pages", "pages:", "odwrócony"),
    ("pages not a range", ART, 'pages: "10-20"', 'pages: "s. 10"', "pages", "pages:", "zakresem stron"),
]


def _break(mini: Path, rel: str, old: str, new: str) -> Path:
    path = mini / rel
    edit(path, old, new)
    return path


@pytest.mark.parametrize("name,rel,old,new,field,line_start,words", CASES, ids=[c[0] for c in CASES])
def test_check_names_file_line_and_field(mini, capsys, name, rel, old, new, field, line_start, words):
    path = _break(mini, rel, old, new)
    line = line_of(path, line_start)
    assert main(["check", "--content", str(mini)]) == EXIT_CONTENT
    err = capsys.readouterr().err
    assert "Traceback" not in err
    expected = f"content/{rel}:{line}: {field}: "
    matching = [row for row in err.splitlines() if row.startswith(expected)]
    assert matching, f"{expected!r} not in:\n{err}"
    assert words in matching[0]

    with pytest.raises(ContentInvalid) as caught:
        load_site(mini)
    found = [(e.path, e.line, e.field) for e in caught.value.report.errors]
    assert (f"content/{rel}", line, field) in found


@pytest.mark.parametrize("rel,old,new", [
    (AUTHORS, "orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098"),
    (PERIODICAL, 'issn: "2049-3630"', 'issn: "2049-3631"'),
], ids=["orcid", "issn"])
def test_one_bad_identifier_gives_one_error(mini, rel, old, new):
    _break(mini, rel, old, new)
    with pytest.raises(ContentInvalid) as caught:
        load_site(mini)
    assert [e.path for e in caught.value.report.errors] == [f"content/{rel}"]
