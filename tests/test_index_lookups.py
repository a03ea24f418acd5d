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



def test_document_digests_follow_every_field(index):
    """Memo keys start from digest_of: any changed field changes it, the body only when asked."""
    from dataclasses import fields, replace

    item = index.research[0]
    digest, without_body = index.digest_of(item), index.digest_of(item, body=False)
    assert index.digest_of(item) == digest and digest != without_body
    assert index.digest_of(replace(item)) == digest          # equal content, another object
    changed = {"title": item.title + "!", "keywords": (*item.keywords, "nowe słowo"), "abstract": item.abstract[:-1], "date": item.date.replace(year=1999),
               "subtitle": "Nowy podtytuł", "body": item.body + "\nakapit"}
    assert set(changed) <= {f.name for f in fields(item)}
    for name, value in changed.items():
        other = replace(item, **{name: value})
        assert index.digest_of(other) != digest, name
        assert (index.digest_of(other, body=False) == without_body) == (name == "body"), name
    assert len({index.digest_of(d) for d in index.items}) == len(index.items)
