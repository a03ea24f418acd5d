"""The staged pages' front matter: written as JSON values (fast), read back by the engine's own
YAML reader as exactly the same strings."""
from __future__ import annotations

from hypothesis import given, strategies as st
from mkdocs.utils.meta import get_data

from wiedza.stage import yaml_value

TRICKY = ["zażółć \"gęślą\" \\ jaźń", "a\u2028b\u2029c\x85d\x7fe\x9f", "line\nbreak\ttab\r", "😀", "\ufeffbom",
          "<script>'</script>", ": - ? # & * ! | > ' % @ `", "", "null", "yes", "1.5", "---", "..."]


def read_back(value):
    _, meta = get_data(f"---\nx: {yaml_value(value)}\n---\ntreść\n")
    return meta.get("x")


def test_tricky_values_round_trip():
    for value in TRICKY:
        assert read_back(value) == value, repr(value)
    assert read_back(["navigation", "toc"]) == ["navigation", "toc"]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_round_trips(value):
    assert read_back(value) == value
