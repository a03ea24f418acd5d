"""Keys of feeds: a feed whose key did not change since the last build is not rendered again
(the stage keeps its file, see Stage.write_keyed).

A feed's key is a digest of its own fields (name, titles, page, size of its scope), the date an
empty feed carries, the site settings and vocabularies, the feed code and feedgen's version, and,
for each entry, everything `feeds.build_entry` reads: the document, its rendered body, its
authors and its downloads. So an edit re-renders only the feeds that list the edited item.
"""
from __future__ import annotations

from dataclasses import fields
from importlib.metadata import PackageNotFoundError, version

from ..content import memo
from .context import BuildContext

CODE = ("wiedza.outputs.feeds", "wiedza.outputs.feeds_cache", "wiedza.urls")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


class FeedKeys:
    """Keys of feeds and of their entries, for one build."""

    def __init__(self, ctx: BuildContext):
        index = ctx.index
        self.ctx = ctx
        self.site = memo.digest(memo.code_digest(*CODE), _version("feedgen"), _version("wiedza"),  # <generator>
                                repr(index.settings), repr(index.vocab))
        self.entries: dict[str, str] = {}

    def entry(self, doc) -> str:
        if doc.id not in self.entries:
            index = self.ctx.index
            self.entries[doc.id] = memo.digest(
                index.digest_of(doc), index.bodies.get(doc.id, ""), repr([index.authors.get(k) for k in doc.authors]),
                repr(self.ctx.downloads.get(doc.id, [])))
        return self.entries[doc.id]

    def feed(self, spec, empty_date) -> str:
        own = repr([getattr(spec, f.name) for f in fields(spec) if f.name != "docs"])
        return memo.digest(self.site, own, empty_date.isoformat(), *(self.entry(d) for d in spec.docs))
