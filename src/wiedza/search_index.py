"""The search's public names in one place (the code lives in the wiedza.search package; see its
docstring for how both engines index and rank)."""
from __future__ import annotations

from .search.documents import (CHUNK_CHARS, LESSON_TYPE, MAX_CHUNKS, PAGE_PATHS, PAGE_TYPE, SECTION_LABELS,
                               _SENTENCE_END, DocSource, SearchDoc, collect_documents, html_to_text, make_chunks,
                               materialise, sources)
from .search.memo import (MEMO_DIR, Memo, analysed)
from .search.query import (MAX_CLAUSES, MAX_EXPANSIONS, MAX_QUERY_CHARS, MIN_PREFIX, PREFIX_WEIGHT, QUOTES,
                           SNIPPET_CHARS, Clause, best_chunk, make_snippet, mark, parse_query, pick_expansions)
from .search.weights import (FIELDS, K1, REFERENCE_LENGTHS, SCALE, DocWeights, Weighted, doc_weights, idf,
                             positioned_terms, split_spaces, term_score, weigh)
from .search.whoosh_index import (BUCKETS, INDEX_NAME, FixedCodec, Prepared, PreparedTokenizer, build_from_content,
                                  build_search_dir, build_whoosh, make_schema, phrase_texts,
                                  prepared_terms, write_index)
from .search.parallel import parallel_build
from .search.whoosh_search import (BestOf, Result, SearchIndexMissing, WiedzaBM25F, format_results, search,
                                   sort_key)

__all__ = ["analysed", "best_chunk", "BestOf", "BUCKETS", "build_from_content", "build_search_dir", "build_whoosh",
           "CHUNK_CHARS", "Clause", "collect_documents", "doc_weights", "DocSource", "DocWeights", "FIELDS",
           "FixedCodec", "format_results", "html_to_text", "idf", "INDEX_NAME", "K1", "LESSON_TYPE", "make_chunks",
           "make_schema", "make_snippet", "mark", "materialise", "MAX_CHUNKS", "MAX_CLAUSES", "MAX_EXPANSIONS",
           "MAX_QUERY_CHARS", "Memo", "MEMO_DIR", "MIN_PREFIX", "PAGE_PATHS", "PAGE_TYPE", "parallel_build",
           "parse_query", "phrase_texts", "pick_expansions", "positioned_terms", "PREFIX_WEIGHT", "Prepared",
           "prepared_terms", "PreparedTokenizer", "QUOTES", "REFERENCE_LENGTHS", "Result", "SCALE", "search",
           "SearchDoc", "SearchIndexMissing", "SECTION_LABELS", "_SENTENCE_END", "SNIPPET_CHARS", "sort_key",
           "sources", "split_spaces", "term_score", "weigh", "Weighted", "WiedzaBM25F", "write_index"]
