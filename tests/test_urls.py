"""Links between output files: the fast relative path must equal posixpath.relpath."""
import posixpath
from urllib.parse import quote

from hypothesis import assume, given
from hypothesis import strategies as st

from wiedza import urls

SEGMENT = st.sampled_from(["a", "b", "publikacje", "index.html", "x.html", "ó ż", "kanaly", "a.b", "..", ".", ""])
PATH = st.lists(SEGMENT, min_size=1, max_size=5).map("/".join)


@given(PATH, PATH)
def test_relpath_matches_posixpath(to_path, start):
    assume(to_path)     # posixpath refuses an empty path; we never link to one
    assert urls.relpath(to_path, start) == posixpath.relpath(to_path, start or ".")


def test_links_between_pages():
    assert urls.relative("publikacje/x/index.html", "publikacje/index.html") == "../index.html"
    assert urls.relative("index.html", "publikacje/x/index.html") == "publikacje/x/index.html"
    assert urls.relative("a/b/c.html", "a/b/c.html#sec") == "c.html#sec"
    assert urls.relative("a/b/c.html", "a/d e.html") == "../d%20e.html"
    assert urls.relative("a/b/c.html", "a/b") == "."


@given(PATH, PATH)
def test_relative_links_are_percent_encoded_relpaths(from_path, to_path):
    assume(to_path)
    expected = quote(posixpath.relpath(to_path, posixpath.dirname(from_path) or "."), safe="/#:?=&%")
    assert urls.relative(from_path, to_path) == expected
