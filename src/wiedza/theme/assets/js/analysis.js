/*
 * Wiedza text analysis: the Polish analyser of src/wiedza/analysis/__init__.py,
 * re-implemented for the browser so a search query is analysed exactly like
 * the documents of the static index. Plain script, no modules, no build step;
 * works from file:// too. Exposes window.wiedzaAnalysis (and module.exports
 * under node): analyze, analyzeQuery, tokenize, fold, stem, stemFolded,
 * isStopword, STOPWORDS, MAX_WORD_LENGTH.
 *
 * Pipeline (see the Python docstring for the reasons and measurements):
 *   NFC; words = runs of letters, marks, digits (\p{L}\p{M}\p{N}); hyphenated
 *   runs give each part; lower-case; drop tokens longer than 64 code points
 *   and stop words (also a stop word typed without diacritics); term =
 *   stemFolded(word) = Snowball Polish with folded endings on fold(word).
 *   analyze (index) adds the joined form of a hyphenated compound;
 *   analyzeQuery (search box) gives each term once.
 *
 * Keep in step with the Python module: tests/test_analysis_equivalence.py
 * runs both over >= 5,000 words and requires identical output.
 */
(function (root) {
  'use strict';

  var MAX_WORD_LENGTH = 64;

  // Same list as src/wiedza/analysis/stopwords.py (sorted; a test compares).
  var STOPWORD_LIST = [
    /* STOPWORDS-BEGIN */
    'a', 'aby', 'albo', 'ale', 'ani', 'aż', 'bardziej', 'bardzo', 'bez', 'bo', 'bowiem', 'by',
    'byli', 'bym', 'być', 'był', 'była', 'było', 'były', 'byś', 'będzie', 'będą', 'chociaż',
    'choć', 'ci', 'ciebie', 'cię', 'co', 'coś', 'czy', 'czyli', 'dla', 'dlaczego', 'do',
    'dokąd', 'dość', 'dzięki', 'gdy', 'gdyby', 'gdyż', 'gdzie', 'go', 'i', 'ich', 'ile', 'im',
    'inna', 'inne', 'inny', 'innych', 'itd', 'itp', 'iż', 'ja', 'jak', 'jaka', 'jakaś', 'jaki',
    'jakich', 'jakie', 'jakiego', 'jakiej', 'jakieś', 'jakim', 'jakiś', 'jako', 'je', 'jednak',
    'jednakże', 'jego', 'jej', 'jemu', 'jest', 'jestem', 'jesteś', 'jesteście', 'jesteśmy',
    'jeszcze', 'jeśli', 'jeżeli', 'już', 'ją', 'każda', 'każde', 'każdy', 'kiedy', 'kilka',
    'kim', 'kogo', 'komu', 'kto', 'ktoś', 'która', 'które', 'którego', 'której', 'któremu',
    'który', 'których', 'którym', 'którymi', 'którą', 'ku', 'lecz', 'lub', 'ma', 'mi', 'mimo',
    'mnie', 'mną', 'mogą', 'moich', 'moim', 'moja', 'moje', 'mojego', 'mojej', 'może', 'można',
    'mu', 'my', 'mój', 'na', 'nad', 'nam', 'nami', 'nas', 'nasz', 'nasza', 'nasze', 'naszego',
    'naszej', 'naszych', 'naszym', 'natomiast', 'nawet', 'nic', 'nich', 'nie', 'niech', 'niego',
    'niej', 'niemu', 'nigdy', 'nim', 'nimi', 'nią', 'niż', 'no', 'np', 'o', 'obok', 'od',
    'około', 'on', 'ona', 'one', 'oni', 'ono', 'oraz', 'oto', 'po', 'pod', 'podczas', 'ponad',
    'ponieważ', 'poza', 'przed', 'przede', 'przez', 'przy', 'r', 'sam', 'sama', 'samo',
    'siebie', 'się', 'skąd', 'sobie', 'sobą', 'swoich', 'swoim', 'swoja', 'swoje', 'swojego',
    'swojej', 'swój', 'ta', 'tak', 'taka', 'taki', 'takich', 'takie', 'takiego', 'takiej',
    'także', 'tam', 'te', 'tego', 'tej', 'temu', 'ten', 'teraz', 'tj', 'to', 'tobie', 'tobą',
    'toteż', 'trzeba', 'tu', 'tutaj', 'twoja', 'twoje', 'twój', 'tych', 'tylko', 'tym', 'tymi',
    'tzw', 'tą', 'tę', 'u', 'w', 'wam', 'wami', 'was', 'wasz', 'wasza', 'wasze', 'we', 'według',
    'wiele', 'więcej', 'wszyscy', 'wszystkich', 'wszystkie', 'wszystkim', 'wszystko', 'wtedy',
    'wy', 'właśnie', 'wśród', 'z', 'za', 'zatem', 'zaś', 'ze', 'żaden', 'żadna', 'żadne', 'że',
    'żeby'
    /* STOPWORDS-END */
  ];

  // Same one-to-one table as FOLD_FROM / FOLD_TO in the Python module.
  var FOLD_FROM =
    'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ' +
    'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòôõöùúûüýÿ' +
    'ĀāĂăĈĉĊċČčĎďĒēĔĕĖėĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįĴĵĶķĹĺĻļĽľ' +
    'ŅņŇňŌōŎŏŐőŔŕŖŗŘřŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŽž' +
    'øØđĐħĦŧŦıŀĿ';
  var FOLD_TO =
    'acelnoszzACELNOSZZ' +
    'AAAAAACEEEEIIIINOOOOUUUUYaaaaaaceeeeiiiinoooouuuuyy' +
    'AaAaCcCcCcDdEeEeEeEeGgGgGgGgHhIiIiIiIiJjKkLlLlLl' +
    'NnNnOoOoOoRrRrRrSsSsSsTtTtUuUuUuUuUuUuWwYyYZz' +
    'oOdDhHtTilL';

  var foldMap = new Map();
  for (var i = 0; i < FOLD_FROM.length; i++) {
    foldMap.set(FOLD_FROM[i], FOLD_TO[i]); // all BMP: one UTF-16 unit each
  }
  var FOLD_RE = new RegExp('[' + FOLD_FROM + ']', 'g');

  function fold(s) {
    return s.replace(FOLD_RE, function (c) { return foldMap.get(c); });
  }

  // ---- stop words ----------------------------------------------------------

  var STOPWORDS = Object.freeze(STOPWORD_LIST.slice().sort());
  var stopSet = new Set(STOPWORD_LIST);
  var foldedStopSet = new Set(STOPWORD_LIST.map(fold));

  function isStopword(word) {
    if (stopSet.has(word)) return true;
    // an undiacritised word ("sie") also matches a folded stop word ("się")
    return foldedStopSet.has(word) && fold(word) === word;
  }

  // ---- Snowball Polish, table driven ---------------------------------------
  //
  // Written from the description of snowball's polish.sbl (Snowball 3.x):
  // for a word of at least two letters, R1 starts after the first non-vowel
  // that follows the first vowel; a conditional ending (-by, -bym, ...) lying
  // in R1 is deleted; then the longest ending below that starts at index >= 2
  // (and in R1 where marked) is removed or rewritten, adjectival endings then
  // also dropping a participle/comparative ending; an apostrophe right before
  // the rewritten ending goes too. When no ending matched, a final ć/ń/ś/ź
  // after the first letter loses its accent.

  var DELETE = 1, TO_S = 2, S_OR_DELETE = 3, TO_L = 4, ADJECTIVE = 5;

  // [endings, action, only in R1]
  var ENDING_GROUPS = [
    // noun and short adjective endings
    ['a ia e ie ach iach i ami iami owi iowi em iem om iom o u iu ów ą ią', DELETE, true],
    // verb forms, participles, comparatives
    ['ąca ająca sza iejsza ała iała iła ąc ając ące ające cie acie ecie icie ajcie ' +
     'aliście ieliście iliście ałyście iałyście iłyście sze iejsze ali ieli ili aj am ' +
     'ałam iałam iłam ałem iałem iłem ało iało iło amy emy imy aliśmy ieliśmy iliśmy ' +
     'ałyśmy iałyśmy iłyśmy ały iały iły asz esz isz ącą ającą ają iejszą ać ieć ić ' +
     'ąć aść eść ę ał iał ił ałaś iałaś iłaś ałeś iałeś iłeś', DELETE, false],
    // pisząca -> pis
    ['sząca szące szącą szę', TO_S, false],
    // piszą -> pis, but deleted when it lies in R1
    ['szą', S_OR_DELETE, false],
    // czytaliście -> czytał
    ['liście łyście liśmy łyśmy łaś łeś', TO_L, false],
    // adjective endings, then the participle step
    ['ich ych imi ymi ej iej im ym ego iego emu iemu y', ADJECTIVE, false]
  ];
  var PARTICIPLE_GROUPS = [['ąc ając sz iejsz', DELETE], ['sząc', TO_S]];
  var CONDITIONAL = 'byście bym by byśmy byś'.split(' ');
  var CONSONANTS = { 'ć': 'c', 'ń': 'n', 'ś': 's', 'ź': 'z' };
  var VOWELS = 'aeiouyóąę';

  // Group a Map of ending -> value by length, longest first.
  function byLength(map) {
    var lengths = [];
    map.forEach(function (_, k) { if (lengths.indexOf(k.length) < 0) lengths.push(k.length); });
    lengths.sort(function (a, b) { return b - a; });
    return lengths.map(function (n) {
      var sub = new Map();
      map.forEach(function (v, k) { if (k.length === n) sub.set(k, v); });
      return [n, sub];
    });
  }

  function makeRules(foldIt) {
    var f = foldIt ? fold : function (s) { return s; };
    var endings = new Map();
    ENDING_GROUPS.forEach(function (g) {
      g[0].split(' ').forEach(function (e) {
        var k = f(e);
        // endings folding alike: the one that was already ASCII wins
        if (!endings.has(k) || k === e) endings.set(k, [g[1], g[2]]);
      });
    });
    var participles = new Map();
    PARTICIPLE_GROUPS.forEach(function (g) {
      g[0].split(' ').forEach(function (e) { participles.set(f(e), g[1]); });
    });
    var conditional = new Map();
    CONDITIONAL.forEach(function (e) { conditional.set(f(e), null); });
    var consonants = new Map();
    Object.keys(CONSONANTS).forEach(function (k) {
      if (f(k) !== f(CONSONANTS[k])) consonants.set(f(k), f(CONSONANTS[k]));
    });
    var vowels = new Set(Array.from(f(VOWELS)));
    return {
      endings: byLength(endings),
      participles: byLength(participles),
      conditional: byLength(conditional),
      consonants: consonants,
      vowels: vowels,
      toL: f('ł')
    };
  }

  var PLAIN = makeRules(false);
  var FOLDED = makeRules(true);

  function regionStart(w, vowels) {
    var n = w.length, i = 0;
    while (i < n && !vowels.has(w[i])) i++;
    i++;
    while (i < n && vowels.has(w[i])) i++;
    return Math.min(i + 1, n);
  }

  // [start, value] of the longest ending of w starting at >= lowest, or null.
  // With checkR1, an ending marked "only in R1" that starts before r1 is
  // skipped and a shorter one tried.
  function longest(table, w, lowest, r1, checkR1) {
    var end = w.length;
    for (var t = 0; t < table.length; t++) {
      var start = end - table[t][0];
      if (start < lowest) continue;
      var key = w.slice(start).join('');
      if (!table[t][1].has(key)) continue;
      var value = table[t][1].get(key);
      if (checkR1 && value[1] && start < r1) continue;
      return [start, value];
    }
    return null;
  }

  // w: array of code points (so astral characters count as one, as in Python).
  function applyRules(rules, word) {
    var w = Array.from(word);
    if (w.length >= 2) {
      var r1 = regionStart(w, rules.vowels);
      var hit = longest(rules.conditional, w, Math.max(r1, 2), r1, false);
      if (hit) w.length = hit[0];
      hit = longest(rules.endings, w, 2, r1, true);
      if (hit) {
        var start = hit[0], action = hit[1][0], cursor = start;
        w.length = start;
        if (action === TO_S) {
          w.push('s');
        } else if (action === S_OR_DELETE) {
          if (start < r1) w.push('s');
        } else if (action === TO_L) {
          w.push(rules.toL);
        } else if (action === ADJECTIVE) {
          var part = longest(rules.participles, w, 2, r1, false);
          if (part) {
            cursor = part[0];
            w.length = cursor;
            if (part[1] === TO_S) w.push('s');
          }
        }
        // the apostrophe test looks just before the rewritten ending
        if (cursor > 2 && w[cursor - 1] === "'") w.splice(cursor - 1, 1);
        return w.join('');
      }
    }
    var last = w[w.length - 1];
    if (w.length >= 2 && rules.consonants.has(last)) {
      w[w.length - 1] = rules.consonants.get(last);
    }
    return w.join('');
  }

  // Snowball Polish stem; equals Python's snowballstemmer ("stem").
  function stem(word) {
    return applyRules(PLAIN, word);
  }

  var folded = new Map();
  // Snowball Polish with folded endings on fold(word): the index stemmer.
  function stemFolded(word) {
    var s = folded.get(word);
    if (s === undefined) {
      if (folded.size > 50000) folded.clear();
      s = applyRules(FOLDED, fold(word));
      folded.set(word, s);
    }
    return s;
  }

  // ---- tokenising ----------------------------------------------------------

  var WORD_RE = /[\p{L}\p{M}\p{N}]+(?:[\-\u2010\u2011][\p{L}\p{M}\p{N}]+)*/gu;
  var HYPHEN_RE = /[\-\u2010\u2011]/;
  var LETTER_RE = /\p{L}/u;

  function compounds(text) {
    return String(text).normalize('NFC').match(WORD_RE) || [];
  }

  function tokenize(text) {
    var out = [];
    compounds(text).forEach(function (c) {
      c.split(HYPHEN_RE).forEach(function (p) { out.push(p.toLowerCase()); });
    });
    return out;
  }

  function codePointLength(s) {
    var n = 0;
    for (var _ of s) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  // Term of one raw token, or null when it is dropped.
  function term(token) {
    var w = token.toLowerCase();
    if (codePointLength(w) > MAX_WORD_LENGTH || isStopword(w)) return null;
    return stemFolded(w);
  }

  // Index terms of text, in order, with repeats.
  function analyze(text) {
    var out = [];
    compounds(text).forEach(function (c) {
      var parts = c.split(HYPHEN_RE);
      if (parts.length > 1 && LETTER_RE.test(c)) parts.push(parts.join(''));
      parts.forEach(function (p) {
        var t = term(p);
        if (t !== null) out.push(t);
      });
    });
    return out;
  }

  // Query terms of text: one per non-stop word, first occurrence only.
  function analyzeQuery(text) {
    var out = [], seen = new Set();
    tokenize(text).forEach(function (tok) {
      var t = term(tok);
      if (t !== null && !seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
    });
    return out;
  }

  var api = {
    analyze: analyze,
    analyzeQuery: analyzeQuery,
    tokenize: tokenize,
    fold: fold,
    stem: stem,
    stemFolded: stemFolded,
    isStopword: isStopword,
    STOPWORDS: STOPWORDS,
    MAX_WORD_LENGTH: MAX_WORD_LENGTH
  };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof window !== 'undefined') window.wiedzaAnalysis = api;
  else if (typeof module === 'undefined' && root) root.wiedzaAnalysis = api; // workers
})(typeof globalThis !== 'undefined' ? globalThis : this);
