"""The index's grouped lookups (computed once per build) answer what a scan of every item would,
in the same order, on a generated tree where authors and periodical issues grow with N."""
from __future__ import annotations

import pytest

from wiedza.bench.corpus import generate
from wiedza.content.loader import load_site


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return load_site(generate(tmp_path_factory.mktemp("lookups") / "content", 240))


def test_generated_tree_grows_authors_and_issues(index):
    issues = sum(len(p.issues) for p in index.periodicals.values())
    assert len(index.authors) >= 240 // 4
    assert issues >= 240 * 2 // 10 // 12
    assert max(len(index.by_author(a)) for a in index.authors) < 40   # no author holds the whole portal


def test_topic_author_and_action_lookups_match_a_scan(index):
    items = index.items
    for key in index.vocab.topics:
        assert index.by_topic(key) == tuple(d for d in items if key in d.topics)
    for key in index.authors:
        assert index.by_author(key) == tuple(d for d in items if key in d.authors)
    for key in index.vocab.actions:
        assert index.by_action(key) == tuple(d for d in items if key in d.actions)
    assert index.by_topic("no-such-topic") == () and index.by_author("nikt") == ()
    assert sum(len(index.by_author(a)) for a in index.authors) == sum(len(d.authors) for d in items)


def test_periodical_and_issue_lookups_match_a_scan(index):
    listed = 0
    for key, periodical in index.periodicals.items():
        assert index.in_periodical(key) == tuple(r for r in index.research if r.periodical == key)
        for issue in periodical.issues:
            found = [r for r in index.research if (r.periodical, r.volume, r.issue) == (key, issue.volume, issue.issue)]
            assert index.in_issue(key, issue.volume, issue.issue) == tuple(
                sorted(found, key=lambda r: (r.pages or (0, 0), r.title)))
            assert periodical.find_issue(issue.volume, issue.issue) is issue
            listed += len(found)
        assert periodical.find_issue(999, 9) is None
    assert listed == sum(1 for r in index.research if r.periodical)


def test_items_are_newest_first_and_computed_once(index):
    assert index.items is index.items
    assert [(d.date, d.id) for d in index.items] == sorted(((d.date, d.id) for d in index.items), reverse=True)

