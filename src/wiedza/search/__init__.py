"""Search: what both search engines index, the query language they share, and the Whoosh index
behind `wiedza search` (documents, weights, memo, query, whoosh_index, whoosh_search).

Both engines (Whoosh here, `theme/assets/js/search.js` in the browser, fed by
`outputs/search_static.py`) rank the same way, from the same numbers:

* Analysis: `wiedza.analysis.analyze` for index terms, `analyze_query` for query terms; the browser
  runs the same analyser (`analysis.js`).
* Ranking: BM25F. For each document and index term a pseudo term frequency combines the fields,
  each normalised by its own length (Robertson & Zaragoza's BM25F):
  ``tf~ = sum_f W_f * tf_f / (1 - B_f + B_f * len_f / ref_f)``, quantised to
  ``q = max(1, round(tf~ * SCALE))`` and stored as the weight of the posting (Whoosh field
  ``terms``; in the browser index the posting's ``q``). A term scores
  ``idf * w * (K1 + 1) / (w + K1)`` with ``w = q / SCALE`` and
  ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``. ``ref_f`` is a fixed reference length per field
  (REFERENCE_LENGTHS), not the corpus average, so a document's weights depend on itself alone.
* Query: a query is a list of clauses: words (OR), quoted phrases (all words adjacent within one
  title, topics line or paragraph; they score as the sum of their words), and the last word, when
  the query ends in it, also as a prefix (the `MAX_EXPANSIONS` most frequent index terms starting
  with it, each scoring `PREFIX_WEIGHT` times; a word clause scores its best term). Documents
  matching more clauses come first, then by score (rounded to 9 decimals), then in URL order (the
  browser's document numbers follow it).

The Whoosh index has one indexed text field, `terms` (positions for phrases, the BM25F weight on
each posting), stored fields for display and ID/KEYWORD fields for filters; it is written in
buckets of documents, one segment each, so a rebuild rewrites only the buckets that changed
(see whoosh_index).
"""
