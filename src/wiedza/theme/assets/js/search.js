/*
 * Wiedza search: the portal's Polish offline search, in the browser, over HTTP and from file://.
 *
 * JavaScript API
 *   window.wiedza.search(query, {limit, filters}) -> Promise<[result]>
 *     query    what a reader types: words in any inflected form, with or without Polish
 *              diacritics; "quoted phrases"; the last word may be unfinished (prefix).
 *     limit    most results returned (default 10).
 *     filters  {section, type, audience, topic}: keys as in the filters of szukaj.html
 *              (e.g. {section: "scenariusze", topic: "spoldzielnie-uczniowskie"}); empty = all.
 *     result   {url, title, section, score, snippet, path, type, date, matched, titleHtml}
 *              url      relative to the current page (works from file://);
 *              path     the same, from the site root;
 *              section  the section's Polish label; type its material type label;
 *              score    the BM25F score (the same number `wiedza search --json` prints);
 *              matched  how many query words (clauses) the document matches;
 *              snippet  HTML: escaped text around the matches, matched words in <mark>;
 *              titleHtml  the title the same way.
 *     Rejects with an Error whose name is "WiedzaIndexError" when a part of the index cannot be
 *     loaded (missing, corrupt or too slow); the UI then says so.
 *   window.wiedza.parseQuery(query) -> the clauses the query is split into (for tests).
 *
 * Ranking is the one of `wiedza search` (src/wiedza/search/, whose package docstring has the
 * formula): the same analyser (analysis.js = wiedza.analysis), the same precomputed BM25F weights,
 * the same query rules. The index (szukaj/, written by outputs/search_static.py) is loaded in
 * small <script> parts on demand: a manifest, the parts holding the query's terms, and for each
 * result shown one chunk of its text. The manifest lists a short hash of each part (and of the
 * filters file); a part is asked for with its hash in the URL, so unchanged parts stay cached
 * across builds, and one whose own hash differs came from another build: the manifest is then an
 * old cached copy and is loaded anew.
 *
 * UI: the header box is an ARIA 1.2 combobox with a listbox of results as you type (arrows move,
 * Enter opens, Escape closes); Enter without a chosen result and the last option open the full
 * results page szukaj.html?q=..., which also has filters.
 */
(function () {
  'use strict';

  // An index file that has not arrived after this long counts as missing (tests lower it by setting
  // window.wiedzaSearchTimeoutMs before this script runs).
  var TIMEOUT_MS = window.wiedzaSearchTimeoutMs || 10000;
  var DROPDOWN_LIMIT = 7;
  var PAGE_LIMIT = 50;
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var DIGIT = {};
  for (var i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charAt(i)] = i;
  var QUOTES = '"\u201e\u201d\u201c';
  var SPACES = /[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
  var WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
  var INNER = /[\p{L}\p{M}\p{N}][\s\S]*[\p{L}\p{M}\p{N}]|[\p{L}\p{M}\p{N}]/u;
  var LOAD_ERROR = 'Nie udało się wczytać indeksu wyszukiwania. Jeśli korzystasz z pobranej kopii ' +
    'serwisu, sprawdź, czy jest kompletna (folder „szukaj”), i odśwież stronę.';

  var scriptEl = document.currentScript;

  // ---- where the site is -----------------------------------------------------------------------
  function siteBase() {
    var holder = document.querySelector('[data-wiedza-base]');
    var base = holder ? holder.getAttribute('data-wiedza-base') : null;
    if (base === null && scriptEl) {
      // .../assets/wiedza/js/search.js -> the site root, relative to this page
      base = scriptEl.getAttribute('src').replace(/assets\/wiedza\/js\/search\.js.*$/, '') || '.';
    }
    base = base || '.';
    return base.replace(/\/+$/, '') + '/';
  }
  var BASE = siteBase();

  function IndexError(message) {
    var e = new Error(message || LOAD_ERROR);
    e.name = 'WiedzaIndexError';
    return e;
  }

  // ---- loading index parts as scripts ----------------------------------------------------------
  var registry = window.wiedzaIndex = window.wiedzaIndex || {};
  var arrived = {};     // id -> payload, set while a part script runs
  var loading = {};     // id -> Promise

  registry.manifest = function (m) { arrived.manifest = m; };
  registry.part = function (key, hash, terms) { arrived['t:' + key] = {v: hash, data: terms}; };
  registry.doc = function (num, k, data) { arrived['d:' + num + '-' + k] = {data: data}; };
  registry.facets = function (hash, rows) { arrived.facets = {v: hash, data: rows}; };

  function loadScript(id, src) {
    if (loading[id]) return loading[id];
    loading[id] = new Promise(function (resolve, reject) {
      if (id in arrived) { resolve(arrived[id]); return; }
      var el = document.createElement('script');
      var done = false;
      var timer = setTimeout(function () { finish(IndexError()); }, TIMEOUT_MS);
      function finish(error) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        el.onload = el.onerror = null;
        if (el.parentNode) el.parentNode.removeChild(el);
        if (error) { delete loading[id]; reject(error); } else resolve(arrived[id]);
      }
      el.onload = function () { finish(id in arrived ? null : IndexError()); };   // ran, but no data: corrupt
      el.onerror = function () { finish(IndexError()); };
      el.charset = 'utf-8';
      el.async = true;
      el.src = src;
      document.head.appendChild(el);
    });
    return loading[id];
  }

  var manifest = null;
  var analysis = null;
  function ready() {
    var jobs = [];
    if (!analysis) {
      jobs.push(window.wiedzaAnalysis ? Promise.resolve() :
        loadScriptPlain(BASE + 'assets/wiedza/js/analysis.js', function () { return !!window.wiedzaAnalysis; }));
    }
    if (!manifest) jobs.push(loadScript('manifest', BASE + 'szukaj/manifest.js' + manifestNonce));
    return Promise.all(jobs).then(function () {
      analysis = window.wiedzaAnalysis;
      manifest = arrived.manifest;
      if (!analysis || !manifest || !manifest.parts || typeof manifest.hashes !== 'string') throw IndexError();
      if (!manifest.keySet) indexParts(manifest);
      return manifest;
    });
  }

  var plainLoads = {};
  function loadScriptPlain(src, check) {
    if (plainLoads[src]) return plainLoads[src];
    plainLoads[src] = new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      var timer = setTimeout(function () { fail(); }, TIMEOUT_MS);
      function fail() { clearTimeout(timer); delete plainLoads[src]; reject(IndexError()); }
      el.onload = function () { clearTimeout(timer); if (check()) resolve(); else fail(); };
      el.onerror = fail;
      el.charset = 'utf-8';
      el.src = src;
      document.head.appendChild(el);
    });
    return plainLoads[src];
  }

  // manifest.hashes: the parts' hashes, one after another, all of the same length
  function indexParts(m) {
    var size = m.parts.length ? m.hashes.length / m.parts.length : 0;
    m.keySet = new Set(m.parts);
    m.hashOf = {};
    m.parts.forEach(function (key, i) { m.hashOf[key] = m.hashes.substr(i * size, size); });
  }

  function indexUrl(path, version) { return BASE + 'szukaj/' + path + '?v=' + encodeURIComponent(version); }

  function checkHash(payload, expected) {
    if (!payload || payload.v !== expected) {
      var e = IndexError();
      e.stale = !!payload;     // a file of another build: the manifest may be an old cached copy
      throw e;
    }
    return payload.data;
  }

  var manifestNonce = '';
  function forgetIndex() {
    manifest = null;
    manifestNonce = '?r=' + Date.now();
    delete arrived.manifest;
    delete loading.manifest;
    Object.keys(loading).forEach(function (id) { delete loading[id]; });
    Object.keys(arrived).forEach(function (id) { delete arrived[id]; });
    Object.keys(partData).forEach(function (key) { delete partData[key]; });
    decoded.clear();
  }

  function partFile(key) {
    if (/^[a-z0-9]+$/.test(key)) return key;
    var bytes = new TextEncoder().encode(key);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return '_' + hex;
  }

  var partData = {};   // key -> {term: postings string}
  function loadPart(key) {
    if (partData[key]) return Promise.resolve(partData[key]);
    var hash = manifest.hashOf[key];
    return loadScript('t:' + key, indexUrl('t/' + partFile(key) + '.js', hash)).then(function (payload) {
      partData[key] = checkHash(payload, hash);
      return partData[key];
    });
  }

  // A doc file changes only with its document; its URL changes when documents are renumbered.
  function loadDoc(num, k) {
    return loadScript('d:' + num + '-' + k, indexUrl('d/' + num + '-' + k + '.js', manifest.docs)).then(function (payload) {
      if (!payload || !payload.data) throw IndexError();
      return payload.data;
    });
  }

  function loadFacets() {
    return loadScript('facets', indexUrl('facets.js', manifest.facetsHash)).then(function (payload) {
      return checkHash(payload, manifest.facetsHash);
    });
  }

  function cps(s) { return Array.from(s); }

  function partFor(term) {
    var chars = cps(term);
    for (var n = chars.length; n > 0; n--) {
      var key = chars.slice(0, n).join('');
      if (manifest.keySet.has(key)) return key;
    }
    return null;
  }

  function partsForPrefix(prefix) {
    var keys = [];
    var own = partFor(prefix);
    if (own !== null) keys.push(own);
    manifest.parts.forEach(function (k) {
      if (k.length > prefix.length && k.indexOf(prefix) === 0 && k !== own) keys.push(k);
    });
    return keys;
  }

  // ---- postings ----------------------------------------------------------------------------------
  var decoded = new Map();
  function unvlq(text) {
    var out = [];
    var n = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charAt(i)];
      if (d === undefined) throw IndexError();
      n += (d & 31) * Math.pow(2, shift);
      if (d & 32) shift += 5;
      else { out.push(n); n = 0; shift = 0; }
    }
    if (out.length % 3) throw IndexError();
    return out;
  }

  function postingsOf(term) {
    if (decoded.has(term)) return decoded.get(term);
    var key = partFor(term);
    var part = key === null ? null : partData[key];
    var raw = part && Object.prototype.hasOwnProperty.call(part, term) ? part[term] : null;
    var result = null;
    if (raw !== null) {
      var flat = unvlq(raw);
      var docs = [], qs = [], masks = [], doc = 0;
      for (var i = 0; i < flat.length; i += 3) {
        doc += flat[i];
        docs.push(doc); qs.push(flat[i + 1]); masks.push(flat[i + 2]);
      }
      result = {docs: docs, qs: qs, masks: masks};
    }
    decoded.set(term, result);
    return result;
  }

  function countPostings(raw) {
    var n = 0;
    for (var i = 0; i < raw.length; i++) if (!(DIGIT[raw.charAt(i)] & 32)) n++;
    return n / 3;
  }

  // ---- the query language (search_index.parse_query) -------------------------------------------
  function isWordChar(c) { return WORD_CHAR.test(c); }

  function parseQuery(text) {
    var m = manifest || {maxQueryChars: 256, minPrefix: 3, maxClauses: 12};
    var A = analysis || window.wiedzaAnalysis;
    var chars = cps(String(text || '').normalize('NFC')).slice(0, m.maxQueryChars);
    var quotes = [];
    chars.forEach(function (c, i) { if (QUOTES.indexOf(c) >= 0) quotes.push(i); });
    if (quotes.length % 2) quotes.pop();
    var segments = [];
    var start = 0;
    for (var q = 0; q < quotes.length; q += 2) {
      segments.push([false, chars.slice(start, quotes[q]).join('')]);
      segments.push([true, chars.slice(quotes[q] + 1, quotes[q + 1]).join('')]);
      start = quotes[q + 1] + 1;
    }
    segments.push([false, chars.slice(start).join('')]);
    var endsInWord = chars.length > 0 && isWordChar(chars[chars.length - 1]) && start <= chars.length - 1;
    var clauses = [];
    var seen = new Map();
    segments.forEach(function (seg, index) {
      var tokens = A.tokenize(seg[1].replace(/"/g, ' ')).filter(Boolean);
      if (seg[0]) {
        var terms = [];
        tokens.forEach(function (tok) { A.analyzeQuery(tok).forEach(function (t) { terms.push(t); }); });
        if (!terms.length) return;
        var clause = {kind: terms.length > 1 ? 'phrase' : 'word', terms: terms, prefix: ''};
        var key = clause.kind + '\u0000' + terms.join('\u0000');
        if (!seen.has(key)) { seen.set(key, clause); clauses.push(clause); }
        return;
      }
      var lastSegment = index === segments.length - 1;
      tokens.forEach(function (token, position) {
        var terms = A.analyzeQuery(token).slice(0, 1);
        var prefix = '';
        if (lastSegment && endsInWord && position === tokens.length - 1) {
          var folded = A.fold(token);
          if (cps(folded).length >= m.minPrefix) prefix = folded;
        }
        if (!terms.length && !prefix) return;
        var key = terms.length ? 'word\u0000' + terms.join('\u0000') : 'prefix\u0000' + prefix;
        if (seen.has(key)) {
          if (prefix) seen.get(key).prefix = prefix;
          return;
        }
        var clause = {kind: 'word', terms: terms, prefix: prefix};
        seen.set(key, clause);
        clauses.push(clause);
      });
    });
    return clauses.slice(0, m.maxClauses);
  }

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function expansions(prefix, exact) {
    var found = [];
    partsForPrefix(prefix).forEach(function (key) {
      var part = partData[key];
      if (!part) return;
      Object.keys(part).forEach(function (t) {
        if (t.indexOf(prefix) === 0 && exact.indexOf(t) < 0) found.push([countPostings(part[t]), t]);
      });
    });
    found.sort(function (a, b) { return b[0] - a[0] || cmp(a[1], b[1]); });
    return found.slice(0, manifest.maxExpansions).map(function (p) { return p[1]; });
  }

  // ---- ranking (search_index: idf, term_score, sort_key) ---------------------------------------
  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
  function termScore(idfValue, w) { var k1 = manifest.k1; return idfValue * w * (k1 + 1) / (w + k1); }
  function round9(x) { return Math.round(x * 1e9) / 1e9; }

  // ---- positions and phrases (search_index.positioned_terms) -----------------------------------
  var chunkCache = new Map();
  function chunkTerms(chunk) {
    if (chunkCache.has(chunk)) return chunkCache.get(chunk);
    var A = analysis;
    var terms = A.analyze(chunk);
    var out = [];
    if (terms.length) {
      var tokens = A.tokenize(chunk);
      if (tokens.length === 1) {
        terms.forEach(function (t) { out.push([0, t]); });
      } else {
        var left = new Map();
        terms.forEach(function (t) { left.set(t, (left.get(t) || 0) + 1); });
        var pos = 0;
        tokens.forEach(function (tok) {
          var own = A.analyze(tok);
          if (!own.length) return;
          own.forEach(function (t) { out.push([pos, t]); left.set(t, left.get(t) - 1); });
          pos++;
        });
        terms.forEach(function (t) {
          if (left.get(t) > 0) { left.set(t, left.get(t) - 1); out.push([0, t]); }
        });
        out.sort(function (a, b) { return a[0] - b[0]; });
      }
    }
    if (chunkCache.size > 50000) chunkCache.clear();
    chunkCache.set(chunk, out);
    return out;
  }

  function positionedTerms(text) {
    var byPos = [];
    var base = 0;
    String(text).split(SPACES).forEach(function (chunk) {
      if (!chunk) return;
      var pairs = chunkTerms(chunk);
      if (!pairs.length) return;
      pairs.forEach(function (p) {
        var at = base + p[0];
        (byPos[at] = byPos[at] || new Set()).add(p[1]);
      });
      base += pairs[pairs.length - 1][0] + 1;
    });
    return byPos;
  }

  function hasPhrase(text, terms) {
    var byPos = positionedTerms(text);
    for (var p = 0; p + terms.length <= byPos.length; p++) {
      var ok = true;
      for (var j = 0; j < terms.length && ok; j++) ok = !!byPos[p + j] && byPos[p + j].has(terms[j]);
      if (ok) return true;
    }
    return false;
  }

  // ---- snippets (search_index.make_snippet) ------------------------------------------------------
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  var wordTermCache = new Map();
  function wordTerms(word) {
    if (!wordTermCache.has(word)) {
      if (wordTermCache.size > 50000) wordTermCache.clear();
      wordTermCache.set(word, analysis.analyze(word));
    }
    return wordTermCache.get(word);
  }

  function findHits(text, terms) {
    var hits = [];
    var re = /\S+/g, m;
    while ((m = re.exec(text))) {
      var matched = wordTerms(m[0]).filter(function (t) { return terms.has(t); });
      if (!matched.length) continue;
      var inner = INNER.exec(m[0]);
      var s = m.index + (inner ? inner.index : 0);
      var e = inner ? s + inner[0].length : m.index + m[0].length;
      hits.push([s, e, matched]);
    }
    return hits;
  }

  function markHtml(text, marks) {
    var out = '', last = 0;
    marks.forEach(function (mk) {
      out += esc(text.slice(last, mk[0])) + '<mark>' + esc(text.slice(mk[0], mk[1])) + '</mark>';
      last = mk[1];
    });
    return out + esc(text.slice(last));
  }

  function makeSnippet(paragraphs, terms) {
    var size = manifest.snippetChars;
    var best = null, found = [];
    paragraphs.forEach(function (text, p) {
      var hits = findHits(text, terms);
      found.push(hits);
      hits.forEach(function (h, i) {
        var windowStart = Math.max(0, h[0] - 40);
        var distinct = new Set();
        for (var j = i; j < hits.length; j++) {
          if (hits[j][1] > windowStart + size) break;
          hits[j][2].forEach(function (t) { distinct.add(t); });
        }
        var key = [distinct.size, -p, -windowStart];
        if (!best || key[0] > best.key[0] || (key[0] === best.key[0] &&
            (key[1] > best.key[1] || (key[1] === best.key[1] && key[2] > best.key[2])))) {
          best = {key: key, p: p, start: windowStart};
        }
      });
    });
    var text, hits, windowStart;
    if (!best) {
      text = paragraphs.filter(Boolean)[0] || '';
      hits = [];
      windowStart = 0;
    } else {
      text = paragraphs[best.p];
      hits = found[best.p];
      windowStart = best.start;
    }
    if (windowStart > 0) {
      var space = text.lastIndexOf(' ', windowStart);
      windowStart = space >= 0 ? space + 1 : 0;
    }
    var end = windowStart + size;
    if (end < text.length) {
      var sp = text.lastIndexOf(' ', end - 1);
      end = sp > windowStart ? sp : end;
    } else {
      end = text.length;
    }
    var lead = windowStart > 0 ? '…' : '';
    var tail = end < text.length ? '…' : '';
    var slice = lead + text.slice(windowStart, end) + tail;
    var marks = [];
    hits.forEach(function (h) {
      if (h[0] >= windowStart && h[1] <= end) marks.push([h[0] - windowStart + lead.length, h[1] - windowStart + lead.length]);
    });
    return markHtml(slice, marks);
  }

  function highlightTitle(title, terms) {
    return markHtml(title, findHits(title, terms).map(function (h) { return [h[0], h[1]]; }));
  }

  // ---- relative URLs ---------------------------------------------------------------------------
  function pageUrl(path) { return (BASE === './' ? '' : BASE) + path; }

  // ---- search ------------------------------------------------------------------------------------
  function matchFilters(filters, labels, rows) {
    var wanted = [];
    ['section', 'type', 'audience', 'topic'].forEach(function (name, column) {
      var value = filters && filters[name];
      if (!value) return;
      var idx = -1;
      (labels[name] || []).forEach(function (pair, i) { if (pair[0] === value) idx = i; });
      wanted.push([column, idx]);
    });
    if (!wanted.length) return null;
    return function (doc) {
      var row = rows[doc];
      if (!row) return false;
      return wanted.every(function (w) {
        var cell = row[w[0]];
        return Array.isArray(cell) ? cell.indexOf(w[1]) >= 0 : cell === w[1];
      });
    };
  }

  function hasFilters(filters) {
    return !!filters && ['section', 'type', 'audience', 'topic'].some(function (k) { return !!filters[k]; });
  }

  function search(query, options) {
    return searchOnce(query, options).catch(function (error) {
      if (!error || !error.stale || manifestNonce) throw error;
      forgetIndex();          // the site was rebuilt since the manifest was cached: load it anew
      return searchOnce(query, options);
    });
  }

  function searchOnce(query, options) {
    options = options || {};
    var limit = options.limit === undefined ? 10 : Math.max(0, Math.floor(Number(options.limit) || 0));
    var filters = options.filters || {};
    return ready().then(function () {
      var clauses = parseQuery(query);
      if (!clauses.length || !limit) return [];
      var keys = new Set();
      clauses.forEach(function (c) {
        c.terms.forEach(function (t) { var k = partFor(t); if (k !== null) keys.add(k); });
        if (c.prefix) partsForPrefix(c.prefix).forEach(function (k) { keys.add(k); });
      });
      var jobs = Array.from(keys).map(loadPart);
      var filterJob = hasFilters(filters) ? loadFacets() : Promise.resolve(null);
      return Promise.all([Promise.all(jobs), filterJob]).then(function (loaded) {
        var accept = loaded[1] ? matchFilters(filters, manifest.facets, loaded[1]) : null;
        return rank(clauses, limit, accept);
      });
    });
  }

  function rank(clauses, limit, accept) {
    var n = manifest.n;
    var docs = new Map();   // doc -> {scores: [], masks: [], used: [], phrase: []}
    function entry(doc) {
      var e = docs.get(doc);
      if (!e) {
        e = {doc: doc, scores: new Array(clauses.length).fill(0), hit: new Array(clauses.length).fill(false),
             masks: new Array(clauses.length).fill(0), together: new Array(clauses.length).fill(0),
             used: clauses.map(function () { return []; }), phrase: new Array(clauses.length).fill(null)};
        docs.set(doc, e);
      }
      return e;
    }
    clauses.forEach(function (c, ci) {
      if (c.kind === 'phrase') {
        var unique = Array.from(new Set(c.terms));
        var lists = unique.map(postingsOf);
        if (lists.some(function (l) { return !l; })) return;
        var idfs = lists.map(function (l) { return idf(n, l.docs.length); });
        var perDoc = new Map();
        lists.forEach(function (l, li) {
          for (var i = 0; i < l.docs.length; i++) {
            var d = l.docs[i];
            if (accept && !accept(d)) continue;
            var rec = perDoc.get(d) || {count: 0, score: 0, any: 0, all: -1};
            rec.count++;
            rec.score += termScore(idfs[li], l.qs[i] / manifest.scale);
            rec.any |= l.masks[i];
            rec.all &= l.masks[i];
            perDoc.set(d, rec);
          }
        });
        perDoc.forEach(function (rec, d) {
          if (rec.count !== unique.length) return;
          var e = entry(d);
          e.scores[ci] = rec.score;
          e.hit[ci] = true;
          e.masks[ci] = rec.any;
          e.together[ci] = rec.all;
          e.phrase[ci] = 'unchecked';
          e.used[ci] = unique;
        });
        return;
      }
      var options = c.terms.map(function (t) { return [t, 1]; });
      if (c.prefix) {
        expansions(c.prefix, c.terms).forEach(function (t) { options.push([t, manifest.prefixWeight]); });
      }
      options.forEach(function (opt) {
        var l = postingsOf(opt[0]);
        if (!l) return;
        var idfValue = idf(n, l.docs.length);
        for (var i = 0; i < l.docs.length; i++) {
          var d = l.docs[i];
          if (accept && !accept(d)) continue;
          var s = termScore(idfValue, l.qs[i] / manifest.scale) * opt[1];
          var e = entry(d);
          if (!e.hit[ci] || s > e.scores[ci]) e.scores[ci] = s;
          e.hit[ci] = true;
          e.masks[ci] |= l.masks[i];
          e.used[ci].push(opt[0]);
        }
      });
    });
    return verifyAndSort(clauses, Array.from(docs.values()), limit);
  }

  function totals(e) {
    var matched = 0, score = 0;
    for (var i = 0; i < e.hit.length; i++) {
      if (e.hit[i] && e.phrase[i] !== 'failed') { matched++; score += e.scores[i]; }
    }
    e.matched = matched;
    e.score = score;
    e.key = round9(score);
  }

  function order(list) {
    list.forEach(totals);
    list = list.filter(function (e) { return e.matched > 0; });
    list.sort(function (a, b) { return b.matched - a.matched || b.key - a.key || a.doc - b.doc; });
    return list;
  }

  function verifyAndSort(clauses, list, limit) {
    var rounds = 0, checked = 0;
    function step() {
      var sorted = order(list);
      var top = sorted.slice(0, limit);
      var todo = [];
      top.forEach(function (e) {
        e.phrase.forEach(function (state, ci) { if (state === 'unchecked') todo.push([e, ci]); });
      });
      if (!todo.length) return Promise.resolve(finish(clauses, top));
      rounds++;
      if (rounds > 6 || checked > 80) {
        // give up on the rest: an unchecked phrase does not count
        list.forEach(function (e) { e.phrase.forEach(function (s, ci) { if (s === 'unchecked') e.phrase[ci] = 'failed'; }); });
        return Promise.resolve(finish(clauses, order(list).slice(0, limit)));
      }
      checked += todo.length;
      return Promise.all(todo.map(function (job) { return checkPhrase(job[0], clauses[job[1]], job[1]); })).then(step);
    }
    return step();
  }

  function chunkIds(mask) {
    var ids = [];
    for (var k = 0; k < 31; k++) if (mask & (1 << k)) ids.push(k);
    return ids;
  }

  function checkPhrase(e, clause, ci) {
    var ids = chunkIds(e.together[ci]);
    if (!ids.length) ids = [0];
    return Promise.all(ids.map(function (k) { return loadDoc(e.doc, k); })).then(function (chunks) {
      var meta = chunks[0];
      // the same pieces as whoosh_index.phrase_texts: title, each topics line, each paragraph
      var texts = [meta.t].concat(String(meta.m || '').split('\n'));
      if (e.together[ci]) chunks.forEach(function (ch) { texts = texts.concat(ch.c); });
      var ok = texts.some(function (t) { return hasPhrase(t, clause.terms); });
      e.phrase[ci] = ok ? 'ok' : 'failed';
    });
  }

  function bestChunk(clauseMasks) {
    var best = 0, bestCount = 0;
    for (var k = 0; k < 31; k++) {
      var count = 0;
      clauseMasks.forEach(function (m) { if (m & (1 << k)) count++; });
      if (count > bestCount) { best = k; bestCount = count; }
    }
    return best;
  }

  function finish(clauses, top) {
    return Promise.all(top.map(function (e) {
      var counted = e.hit.map(function (h, ci) { return h && e.phrase[ci] !== 'failed'; });
      var masks = e.masks.map(function (m, ci) { return counted[ci] ? m : 0; });
      var used = new Set();
      e.used.forEach(function (terms, ci) { if (counted[ci]) terms.forEach(function (t) { used.add(t); }); });
      return loadDoc(e.doc, bestChunk(masks)).then(function (d) {
        return {
          url: pageUrl(d.u), path: d.u, title: d.t, titleHtml: highlightTitle(d.t, used), section: d.s,
          type: d.y, date: d.d, score: Math.round(e.score * 1e6) / 1e6, matched: e.matched,
          snippet: makeSnippet(d.c, used)
        };
      });
    }));
  }

  // ---- the header combobox ---------------------------------------------------------------------
  function plural(n, one, few, many) {
    if (n === 1) return n + ' ' + one;
    if ([2, 3, 4].indexOf(n % 10) >= 0 && [12, 13, 14].indexOf(n % 100) < 0) return n + ' ' + few;
    return n + ' ' + many;
  }

  function resultsPageUrl(query, filters) {
    var params = new URLSearchParams();
    params.set('q', query);
    Object.keys(filters || {}).forEach(function (k) { if (filters[k]) params.set(k, filters[k]); });
    return pageUrl('szukaj.html') + '?' + params.toString();
  }

  function setupCombobox(root) {
    var input = root.querySelector('[role="combobox"]');
    var listbox = root.querySelector('[role="listbox"]');
    var popup = root.querySelector('[data-wiedza-popup]');
    var status = root.querySelector('[data-wiedza-status]');
    var form = root.querySelector('form');
    if (!input || !listbox || !popup || !status || !form) return;
    var active = -1, options = [], timer = null, serial = 0, isOpen = false;

    // The status line (a live region) stays in the page; closed, it is only visually hidden.
    function open(show) {
      isOpen = show;
      root.classList.toggle('wiedza-search--open', show);
      // open, the list can be scrolled from the keyboard too: Tab moves into it, Escape back
      if (show) popup.setAttribute('tabindex', '0'); else popup.removeAttribute('tabindex');
      listbox.hidden = !(show && options.length);
      input.setAttribute('aria-expanded', show && options.length ? 'true' : 'false');
      if (!show) setActive(-1);
    }

    function setActive(i) {
      active = i;
      options.forEach(function (o, j) { o.el.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
      if (i >= 0 && options[i]) {
        input.setAttribute('aria-activedescendant', options[i].el.id);
        options[i].el.scrollIntoView({block: 'nearest'});
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function go(url) { window.location.href = url; }

    function render(query, results) {
      listbox.textContent = '';
      listbox.setAttribute('data-wiedza-query', query);   // which query the list shows (for tests)
      options = [];
      results.forEach(function (r, i) {
        var li = document.createElement('li');
        li.id = 'wiedza-search-option-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.className = 'wiedza-search__option';
        li.innerHTML = '<span class="wiedza-search__title">' + r.titleHtml + '</span>' +
          '<span class="wiedza-search__section">' + esc(r.section) + ' · ' + esc(r.type) + '</span>' +
          '<span class="wiedza-search__snippet">' + r.snippet + '</span>';
        listbox.appendChild(li);
        options.push({el: li, url: r.url});
      });
      if (results.length) {
        var all = document.createElement('li');
        all.id = 'wiedza-search-option-all';
        all.setAttribute('role', 'option');
        all.setAttribute('aria-selected', 'false');
        all.className = 'wiedza-search__option wiedza-search__all';
        all.textContent = 'Wszystkie wyniki wyszukiwania dla „' + query + '”';
        listbox.appendChild(all);
        options.push({el: all, url: resultsPageUrl(query)});
      }
      options.forEach(function (o, i) {
        o.el.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        o.el.addEventListener('click', function () { setActive(i); go(o.url); });
      });
      active = -1;
    }

    function run() {
      var query = input.value;
      var mine = ++serial;
      if (!query.trim()) {
        listbox.textContent = '';
        options = [];
        status.textContent = '';
        open(false);
        return;
      }
      status.textContent = 'Szukam…';
      search(query, {limit: DROPDOWN_LIMIT}).then(function (results) {
        if (mine !== serial) return;
        render(query, results);
        status.textContent = !results.length ? 'Nic nie znaleziono' : results.length === DROPDOWN_LIMIT ?
          'Pierwsze ' + plural(results.length, 'wynik', 'wyniki', 'wyników') + ' – Enter pokaże wszystkie' :
          plural(results.length, 'wynik', 'wyniki', 'wyników');
        root.classList.remove('wiedza-search--error');
        open(true);
      }, function (error) {
        if (mine !== serial) return;
        listbox.textContent = '';
        options = [];
        status.textContent = error && error.name === 'WiedzaIndexError' ? LOAD_ERROR :
          'Wyszukiwanie nie powiodło się: ' + (error && error.message);
        root.classList.add('wiedza-search--error');
        open(true);
        if (window.console) console.warn('wiedza search:', error);
      });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 80);
    });
    input.addEventListener('focus', function () {
      ready().catch(function () { /* shown when searching */ });
      if (input.value.trim() && (options.length || status.textContent)) open(true);
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        if (!options.length) return;
        ev.preventDefault();
        if (!isOpen) open(true);
        var next = ev.key === 'ArrowDown' ? active + 1 : active - 1;
        if (next >= options.length) next = 0;
        if (next < -1) next = options.length - 1;
        if (next === -1 && ev.key === 'ArrowUp' && active === -1) next = options.length - 1;
        setActive(next);
      } else if (ev.key === 'Enter') {
        if (isOpen && active >= 0 && options[active]) {
          ev.preventDefault();
          go(options[active].url);
        }
        // otherwise the form submits: the full results page
      } else if (ev.key === 'Escape') {
        if (isOpen) { open(false); ev.preventDefault(); }
        else if (input.value) { input.value = ''; run(); ev.preventDefault(); }
      }
    });
    popup.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') { ev.preventDefault(); input.focus(); open(false); }
    });
    root.addEventListener('focusout', function (ev) {
      // close when the focus leaves the search box and its list (a click on an option keeps it)
      if (ev.relatedTarget && root.contains(ev.relatedTarget)) return;
      setTimeout(function () { if (!root.contains(document.activeElement)) open(false); }, 150);
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (input.value.trim()) go(resultsPageUrl(input.value));
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      ev.preventDefault();
      input.focus();
    });
  }

  // ---- the full results page ---------------------------------------------------------------------
  function setupResultsPage(form) {
    var list = document.querySelector('[data-wiedza-search-results]');
    var status = document.querySelector('[data-wiedza-search-status]');
    var input = form.querySelector('input[name="q"]');
    if (!list || !status || !input) return;
    var params = new URLSearchParams(window.location.search);
    var query = params.get('q') || '';
    var filters = {};
    form.querySelectorAll('[data-wiedza-filter]').forEach(function (sel) {
      var name = sel.getAttribute('data-wiedza-filter');
      var value = params.get(name) || '';
      if (value && Array.prototype.some.call(sel.options, function (o) { return o.value === value; })) sel.value = value;
      filters[name] = sel.value;
      sel.addEventListener('change', function () { submit(); });
    });
    input.value = query;

    function submit() {
      var f = {};
      form.querySelectorAll('[data-wiedza-filter]').forEach(function (sel) { f[sel.getAttribute('data-wiedza-filter')] = sel.value; });
      window.location.href = resultsPageUrl(input.value, f);
    }
    form.addEventListener('submit', function (ev) { ev.preventDefault(); submit(); });

    if (!query.trim()) {
      status.textContent = 'Wpisz, czego szukasz.';
      return;
    }
    status.textContent = 'Szukam…';
    search(query, {limit: PAGE_LIMIT, filters: filters}).then(function (results) {
      list.textContent = '';
      results.forEach(function (r) {
        var li = document.createElement('li');
        li.className = 'wiedza-search-result';
        li.innerHTML = '<h2><a href="' + esc(r.url) + '">' + r.titleHtml + '</a></h2>' +
          '<p class="wiedza-search-result__meta">' + esc(r.section) + ' · ' + esc(r.type) +
          (r.date ? ' · ' + esc(r.date) : '') + '</p>' +
          '<p class="wiedza-search-result__snippet">' + r.snippet + '</p>';
        list.appendChild(li);
      });
      var filtered = hasFilters(filters) ? ' (z wybranymi filtrami)' : '';
      status.textContent = results.length ?
        'Wyniki wyszukiwania dla „' + query + '”' + filtered + ': ' +
          plural(results.length, 'wynik', 'wyniki', 'wyników') + (results.length === PAGE_LIMIT ? ' (pierwsze)' : '') + '.' :
        'Nic nie znaleziono dla „' + query + '”' + filtered + '. Spróbuj innych słów lub usuń filtry.';
    }, function (error) {
      status.textContent = error && error.name === 'WiedzaIndexError' ? LOAD_ERROR :
        'Wyszukiwanie nie powiodło się: ' + (error && error.message);
      status.classList.add('wiedza-search-status--error');
    });
  }

  window.wiedza = window.wiedza || {};
  window.wiedza.search = search;
  window.wiedza.parseQuery = function (q) { return ready().then(function () { return parseQuery(q); }); };

  function init() {
    document.querySelectorAll('[data-wiedza-search]').forEach(setupCombobox);
    var page = document.querySelector('[data-wiedza-search-page]');
    if (page) setupResultsPage(page);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
