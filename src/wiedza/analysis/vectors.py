"""Shared test vectors for the Python and JavaScript analysers.

``build_words()`` returns a sorted list of distinct strings (at least 5,000):
every word and hyphenated compound found in the Markdown files under
``content/`` plus a generated list: Polish stems x inflectional endings,
every ending of the Snowball Polish tables after prefixes of every length
(region and hop-2 boundaries), capitalised, upper-case and undiacritised
forms, every folded letter, hyphenated, numeric, apostrophe, mixed-script,
NFD and emoji strings. ``build_texts()`` returns running texts made from
them. Output depends only on the content files, so it is deterministic.

Command line::

    python -m wiedza.analysis.vectors [--content DIR] [--out FILE]
    python -m wiedza.analysis.vectors --measure [--wordlist /usr/share/dict/polish]
        [--families FILE] [--text-dir /usr/share/locale/pl/LC_MESSAGES]

``--wordlist`` is Debian's ``wpolish``; ``--families`` takes lemma blocks, e.g.
``unmunch`` (``hunspell-tools``) output for a ``pl_PL.dic`` sample with a
``qqsentinelqq`` entry after every lemma, converted to UTF-8.

``--measure`` prints the folding-vs-stemming figures quoted in the docstring
of ``wiedza.analysis``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from . import FOLD_FROM, _compounds, analyze, fold, is_stopword, stem, stem_folded, tokenize

MIN_WORDS = 5000

# Default content root: <repo>/content, three levels above src/wiedza/analysis.
DEFAULT_CONTENT = Path(__file__).resolve().parents[3] / "content"

# --- paradigms: class name -> endings; stems below --------------------------

ENDINGS: dict[str, list[str]] = {
    # kobieta, szkoła: hard feminine -a
    "fem_a": ["a", "y", "i", "ie", "e", "ę", "ą", "o", "om", "ami", "ach", ""],
    # lekcja, organizacja
    "fem_j": ["a", "i", "ę", "ą", "e", "o", "om", "ami", "ach", "ji"],
    # spółdzielnia, ziemia: soft feminine
    "fem_soft": ["a", "", "e", "ę", "ą", "o", "om", "ami", "ach", "ą"],
    # społeczność, wolność: feminine -ść
    "fem_sc": ["ść", "ści", "ścią", "ściom", "ściami", "ściach"],
    # dom, ogród, rolnik: masculine
    "masc": ["", "a", "u", "owi", "em", "ie", "e", "y", "i", "ów", "om", "ami", "ach", "owie", "ach"],
    # miasto, koło: neuter -o
    "neut_o": ["o", "a", "u", "em", "ie", "om", "ami", "ach", ""],
    # zebranie, życie: neuter -ie
    "neut_ie": ["e", "a", "u", "em", "om", "ami", "ach"],
    # dobry, mleczny: hard adjectives (with nie- forms added below)
    "adj": ["y", "a", "e", "ego", "ej", "emu", "ą", "ym", "ych", "ymi", "i", "o", "ość", "ości"],
    # polski, długi: k/g adjectives
    "adj_k": ["i", "a", "ie", "iego", "iej", "iemu", "ą", "im", "ich", "imi", "o"],
    # comparatives and superlatives (naj- added below)
    "comp": ["szy", "sza", "sze", "szego", "szej", "szemu", "szą", "szym", "szych", "szymi", "si", "iej"],
    # czytać
    "verb_ac": [
        "ać", "am", "asz", "a", "amy", "acie", "ają", "ał", "ała", "ało", "ali", "ały",
        "ałem", "ałam", "ałeś", "ałaś", "aliśmy", "ałyśmy", "aliście", "ałyście",
        "ałby", "ałaby", "aliby", "ałbym", "ałabym", "ałbyś", "ałabyś", "alibyśmy",
        "alibyście", "ałybyśmy", "aj", "ajcie", "ając", "ający", "ająca", "ające",
        "ającego", "ającej", "ającym", "ających", "ającymi", "ającą", "ane", "any",
        "ana", "anie", "ania", "aniu", "aniem", "aniach", "ań",
    ],
    # robić, mówić
    "verb_ic": [
        "ić", "ię", "isz", "i", "imy", "icie", "ią", "ił", "iła", "iło", "ili", "iły",
        "iłem", "iłam", "iłeś", "iłaś", "iliśmy", "iłyśmy", "iliście", "iłyście",
        "iłby", "iłaby", "iliby", "iłbym", "iłabym", "iąc", "iący", "iąca", "iące",
        "iącego", "iony", "iona", "ione", "ienie", "ienia", "ieniu", "ieniem",
    ],
    # organizować
    "verb_owac": [
        "ować", "uję", "ujesz", "uje", "ujemy", "ujecie", "ują", "ował", "owała",
        "owało", "owali", "owały", "owałem", "owałam", "owaliśmy", "owałyśmy",
        "owałby", "owaliby", "ujący", "ująca", "ujące", "ującego", "ując",
        "owany", "owana", "owane", "owanie", "owania", "owaniu", "owaniem", "uj", "ujcie",
    ],
    # myśleć, rozumieć
    "verb_ec": [
        "eć", "ę", "isz", "i", "imy", "icie", "ą", "ał", "ała", "ało", "eli", "ały",
        "ałem", "ałam", "ałeś", "ałaś", "eliśmy", "eliście", "ałby", "eliby", "ący", "ąca", "ące",
    ],
}

STEMS: dict[str, list[str]] = {
    "fem_a": [
        "szkoł", "kobiet", "gmin", "wspólnot", "rodzin", "książk", "grup", "prac",
        "nauk", "wied", "ustaw", "map", "ziem", "pamięć", "histori", "kultur",
        "parafi", "wsi", "wiosk", "łąk", "rzek", "krow", "gospodyń", "młodzież",
        "mleczarni", "piekarni", "drog", "sprawozdań", "umow", "spółk", "kas",
        "szkółk", "godzin", "stron", "ścian", "świątyń", "pszczoł", "żon", "córk",
        "matk", "siostr", "babk", "wojn", "granic", "polityk", "gospodark", "ekonomi",
    ],
    "fem_j": [
        "lekc", "organizac", "tradyc", "edukac", "akc", "komis", "instytuc",
        "koncepc", "emigrac", "kooperac", "redakc", "publikac", "informac", "sytuac",
        "relac", "funkc", "dyskus", "misj", "wers", "kolekc",
    ],
    "fem_soft": [
        "spółdzielni", "ziemi", "kuchni", "skrzyni", "świątyni", "gospodyni",
        "bogini", "pani", "studni", "mleczarni", "cukierni", "pracowni",
        "kawiarni", "czytelni", "księgarni", "łaźni", "kuźni", "stajni",
    ],
    "fem_sc": [
        "społeczno", "wolno", "własno", "przeszło", "wiado", "rzeczywisto",
        "odpowiedzialno", "solidarno", "samorządno", "niezależno", "miło",
        "młodo", "starożytno", "tożsamo", "przynależno", "działalno",
    ],
    "masc": [
        "dom", "ogród", "rolnik", "nauczyciel", "uczeń", "członek", "rynek",
        "związek", "kościół", "naród", "rok", "świat", "las", "stół", "koń",
        "dzień", "kraj", "region", "powiat", "urząd", "zjazd", "bank", "sklep",
        "handel", "przemysł", "ruch", "kołek", "ośrodek", "żołnierz", "ksiądz",
        "chłop", "gospodarz", "sąsiad", "człowiek", "mąż", "wóz", "zamek", "bóg",
        "dąb", "ząb", "głos", "wniosek", "spis", "obóz", "węzeł", "gołąb",
        "pieniądz", "artykuł", "rozdział", "podręcznik",
    ],
    "neut_o": [
        "miast", "koł", "słow", "pism", "praw", "źródł", "dzieł", "piw", "mięs",
        "zboż", "społeczeństw", "państw", "gospodarstw", "stowarzyszeń", "święt",
        "jezior", "okn", "krzesł", "pól", "biur",
    ],
    "neut_ie": [
        "zebrani", "życi", "zdani", "pytani", "wydani", "znaczeni", "myśleni",
        "działani", "nauczani", "wychowani", "zrzeszeni", "zjednoczeni", "odrodzeni",
        "powstani", "wydarzeni", "ćwiczeni", "zadani", "badani", "śniadani", "mieszkani",
    ],
    "adj": [
        "dobr", "mleczn", "spółdzielcz", "społeczn", "ekonomiczn", "rolnicz",
        "gospodarcz", "ludow", "narodow", "historyczn", "współczesn", "ważn",
        "pełn", "wiejsk", "mał", "now", "star", "pierwsz", "ostatn", "główn",
        "oświatow", "kulturaln", "świadom", "wspóln", "pożyteczn", "zdrow",
        "młod", "biał", "czerwon", "zielon", "żółt", "czarn", "łatw", "trudn",
        "piękn", "mądr", "szczęśliw", "wesoł", "cał", "własn",
    ],
    "adj_k": [
        "polsk", "dług", "wysok", "szerok", "niemieck", "wielk", "europejsk",
        "śląsk", "krakowsk", "warszawsk", "poznańsk", "lubelsk", "mazowieck",
        "ludzk", "miejsk", "gminn", "morsk", "wschodn",
    ],
    "comp": [
        "lep", "gor", "now", "star", "ważnie", "dłuż", "krót", "wyż", "niż",
        "mniej", "więk", "mniej", "łatwiej", "trudniej", "młod", "bogat",
        "cieka", "piękniej", "szybszy",
    ],
    "verb_ac": [
        "czyt", "pis", "zbier", "pozn", "zn", "dział", "pyt", "zakład", "rozpoczyn",
        "sprzed", "kup", "przekaz", "wyd", "zgłasz", "słuch", "odpowiad", "zmieni",
        "obiecyw", "ocze", "szuk", "pamięt", "uczestnicz", "zał", "opis", "przeczyt",
        "przygotow", "wybier", "spotyk", "omaw", "ogląd", "zapis", "wyjaśni",
    ],
    "verb_ic": [
        "rob", "mów", "chodz", "uczestnicz", "prowadz", "wróc", "zmien", "płac",
        "traf", "nos", "wozi", "ucz", "tworz", "kończ", "służ", "wierz", "dzięk",
        "modl", "budz", "sąd", "świec", "dziel", "zakończ", "utworz", "wspomn",
    ],
    "verb_owac": [
        "organiz", "prac", "kier", "wykorzyst", "budow", "finans", "plan", "rat",
        "dzięk", "kup", "handl", "sprzedaw", "współprac", "opracow", "zarządz",
        "dyskut", "analiz", "projekt", "zaprojekt", "obserw", "interpret",
    ],
    "verb_ec": [
        "myśl", "rozumi", "widzi", "słysz", "wiedzi", "cierpi", "chci", "musi",
        "woli", "siedzi", "leż", "patrz", "umi", "grzmi", "boli",
    ],
}

# Extra single strings: diacritics, numbers, hyphens, apostrophes, scripts.
EXTRAS: list[str] = [
    # hyphenated compounds (ASCII hyphen, U+2010 and U+2011)
    "społeczno-ekonomiczny", "społeczno-ekonomicznych", "polsko-niemiecki",
    "polsko-litewskiej", "biało-czerwony", "biało-czerwona", "e-mail", "e-maile",
    "COVID-19", "Curie-Skłodowska", "Bielsko-Biała", "Kędzierzyn-Koźle",
    "Skarżysko-Kamienna", "2020-2021", "1918-1939", "a-b-c", "naukowo-dydaktyczny",
    "wschodnio‐europejski", "kulturalno‑oświatowy", "III-go", "20-lecie",
    "5-letni", "XIX-wieczny", "-wstęp", "koniec-", "--", "a--b", "x-1-y",
    "sp. z o.o.", "m.in.", "np.", "tzw.", "ul. Długa 5/7",
    # numbers
    "0", "7", "12", "2024", "1918", "3.14", "1,5", "10%", "2zł", "100zł", "XIX",
    "iii", "1.", "№5", "½", "²", "٣", "४२", "①", "Ⅻ", "10⁻³", "0x1F", "1e9",
    # apostrophes and quotes (Snowball deletes a trailing apostrophe)
    "Kennedy'ego", "O'Neill", "rock'n'roll", "d'Artagnan", "Disney'a",
    "kennedy'ego", "show'u", "sie'", "a'", "ab'", "abc'", "’", "Kennedy’ego",
    # stop words with and without diacritics
    "się", "sie", "SIĘ", "Się", "że", "ze", "żeby", "zeby", "zęby", "być", "byc",
    "już", "juz", "jeśli", "jesli", "więc", "wiec", "też", "tez", "mają", "maja",
    "między", "miedzy", "cię", "cie", "stąd", "stad", "wśród", "wsrod",
    # mixed case
    "ŻÓŁW", "Żółw", "żółw", "zolw", "ZOLW", "ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "Zażółć gęślą jaźń",
    "zazolc gesla jazn", "PCHNĄĆ W TĘ ŁÓDŹ JEŻA LUB OŚM SKRZYŃ FIG",
    # NFD input must be composed first
    "s\u0301wiat", "z\u0307o\u0301\u0142w", "e\u0328", "A\u0328", "spo\u0301\u0142dzielnia",
    # other scripts and symbols
    "İstanbul", "ISTANBUL", "ΣΟΦΟΣ", "Οδός", "ὈΔΥΣΣΕΎΣ", "Москва", "МОСКВА", "ёлка",
    "Ёж", "שָׁלוֹם", "مرحبا", "नमस्ते", "東京", "ひらがな", "カタカナ", "한국어",
    "ภาษาไทย", "Ærø", "Straße", "STRASSE", "Œuvre", "ǅemal", "ﬁnał", "Ｐｏｌｓｋａ",
    "𝐁𝐨𝐥𝐝", "𐐀𐐨", "𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "😀", "👩‍👩‍👧", "🇵🇱", "Polska🇵🇱", "kot😺pies",
    "a\u200bb", "a\u00adb", "a\u00a0b", "a\tb\nc", "\ufeffbom", "x\u0000y",
    "*?[](){}<>\"'`", "\\", "|", "~", "^", "$", "#hashtag", "@user",
    "https://example.org/ścieżka?q=łódź&x=1", "plik_nazwa.txt", "snake_case_word",
    "", " ", "a", "ą", "Ą", "ó", "y", "by", "aby", "naj", "najlepszy", "najlepszego",
]

# Prefixes put before every Snowball ending: lengths 0..9 so the ending lands
# before, on and after the hop-2 limit and the R1 region start.
PREFIXES = ["", "a", "k", "ka", "ko", "kot", "prz", "pszcz", "szkoł", "wybr", "o'", "strajk", "ekonom", "zaopatrz"]


def _snowball_endings() -> list[str]:
    """Every ending of the Snowball Polish tables (the test compares these
    tables with the installed snowballstemmer)."""
    from . import _CONDITIONAL, _CONSONANTS, _ENDING_GROUPS, _PARTICIPLE_GROUPS

    out = set(_CONDITIONAL) | set(_CONSONANTS)
    for groups in (_ENDING_GROUPS, _PARTICIPLE_GROUPS):
        out.update(e for g in groups for e in g[0].split())
    return sorted(out)


def paradigm_families() -> dict[tuple[str, str], list[str]]:
    """(class, stem) -> generated inflected forms, for conflation measures."""
    fams: dict[tuple[str, str], list[str]] = {}
    for cls, stems in STEMS.items():
        for st in stems:
            forms = [st + e for e in ENDINGS[cls]]
            if cls == "adj":
                forms += ["nie" + f for f in forms]
            if cls == "comp":
                forms += ["naj" + f for f in forms]
            fams[(cls, st)] = sorted(set(forms))
    return fams


def content_words(content: Path | None = None) -> list[str]:
    """Compounds and tokens of every Markdown file under ``content``."""
    root = DEFAULT_CONTENT if content is None else content
    words: set[str] = set()
    if root.is_dir():
        for path in sorted(root.rglob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for comp in _compounds(text):
                words.add(comp)
            words.update(tokenize(text))
    return sorted(words)


def generated_words() -> list[str]:
    words: set[str] = set()
    for forms in paradigm_families().values():
        words.update(forms)
    for ending in _snowball_endings():
        for p in PREFIXES:
            words.add(p + ending)
            words.add(p + ending + "'")
    for c in FOLD_FROM:
        words.update([c, c + "a", "a" + c, "k" + c + "t", "pr" + c + "zba"])
    words.update(EXTRAS)
    base = sorted(words)
    for w in base:
        words.update([w.capitalize(), w.upper(), fold(w), fold(w).upper()])
    return sorted(words)


def build_words(content: Path | None = None) -> list[str]:
    return sorted(set(content_words(content)) | set(generated_words()))


SEPARATORS = [" ", ", ", ".\n", " — ", " (", ") ", "; ", "\t", "! ", "?\u00a0", " «", "» ", " / "]


def build_texts(words: list[str] | None = None) -> list[str]:
    """Running texts: fixed Polish sentences plus the words in groups of 11."""
    words = build_words() if words is None else words
    texts = [
        "Spółdzielnie mleczarskie w Polsce rozwijały się w latach 1918-1939.",
        "Uczniowie czytają o spółdzielczości, a nauczyciel pyta: czy to się opłaca?",
        "Szkoła, szkoły, szkole, szkołę, szkołą – szkolnej szkolny szkolnictwo.",
        "Najlepsze praktyki społeczno-ekonomiczne (np. kasy Stefczyka) opisano w rozdziale 3.",
        "ZAŻÓŁĆ GĘŚLĄ JAŹŃ! zazolc gesla jazn? 😀 e-mail: biuro@example.org",
        "Lekcja 5: „Kooperatywa w mojej wsi” – 45 minut, klasy IV–VIII.",
        "x" * 10000,
        ("Słowo " * 2000).strip(),
    ]
    for i in range(0, len(words), 11):
        group = words[i : i + 11]
        texts.append(
            "".join(w + SEPARATORS[(i + j) % len(SEPARATORS)] for j, w in enumerate(group))
        )
    return texts


# --- measurement -------------------------------------------------------------
#
# Strategies compared (w: a lower-case word as written, q: a query word):
#   A  fold(stem(w))           Snowball on the real word, then fold
#   B  stem(fold(w))           Snowball on folded text
#   D  index A and B, query A  ("index both")
#   F  stem_folded(w)          Snowball with folded endings on fold(w) (chosen)


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {100.0 * a / b:.1f}%" if b else "n/a"


def _strategy_a(w: str) -> str:
    return fold(stem(w))


def _strategy_b(w: str) -> str:
    return stem(fold(w))


def measure_words(words: list[str], label: str) -> None:
    """How often typing without diacritics reaches the same term."""
    seen: set[str] = set()
    total = dia = agree_b = agree_f = ascii_f = 0
    terms: dict[str, set[str]] = defaultdict(set)
    for raw in words:
        w = raw.lower()
        if w in seen or not w.isalpha() or is_stopword(w):
            continue
        seen.add(w)
        a, b, f = _strategy_a(w), _strategy_b(w), stem_folded(w)
        terms["A"].add(a)
        terms["B"].add(b)
        terms["F"].add(f)
        total += 1
        if fold(w) != w:
            dia += 1
            agree_b += a == b
            agree_f += a == f
        else:
            ascii_f += a != f
    print(f"[{label}] distinct words {total}, with diacritics {dia}")
    print(f"  words with diacritics, A == B (fold(stem(w)) == stem(fold(w))): {_pct(agree_b, dia)}")
    print(f"  words with diacritics, A == F (fold(stem(w)) == stem_folded(w)): {_pct(agree_f, dia)}")
    print(f"  words without diacritics whose F term differs from Snowball: {_pct(ascii_f, total - dia)}")
    print("  distinct terms: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(terms.items())))


def measure_families(fams: list[list[str]], label: str) -> None:
    """Pair recall: a query form finds a document with another form of the
    same lemma, the query typed with its diacritics or without them."""
    strategies = {
        "A": (_strategy_a, lambda w: (_strategy_a(w),)),
        "B": (_strategy_b, lambda w: (_strategy_b(w),)),
        "D": (_strategy_a, lambda w: (_strategy_a(w), _strategy_b(w))),
        "F": (stem_folded, lambda w: (stem_folded(w),)),
    }
    fams = [[w for w in f if not is_stopword(w)] for f in fams]
    fams = [f for f in fams if len(f) > 1]
    pairs = 0
    with_d: dict[str, int] = defaultdict(int)
    without: dict[str, int] = defaultdict(int)
    per_lemma: dict[str, int] = defaultdict(int)
    for ws in fams:
        pairs += len(ws) ** 2
        for name, (query, index) in strategies.items():
            idx = [index(d) for d in ws]
            per_lemma[name] += len({t for ts in idx for t in ts})
            for q in ws:
                tq, tf = query(q), query(fold(q))
                with_d[name] += sum(tq in ts for ts in idx)
                without[name] += sum(tf in ts for ts in idx)
    print(f"[{label}] {len(fams)} lemmas, {sum(map(len, fams))} forms, {pairs} pairs")
    for name in strategies:
        print(
            f"  {name}: pair recall with diacritics {_pct(with_d[name], pairs)}, "
            f"without {_pct(without[name], pairs)}; index terms per lemma "
            f"{per_lemma[name] / len(fams):.2f}"
        )


def measure_text(texts: list[str], label: str) -> None:
    tokens = sum(len(tokenize(t)) for t in texts)
    terms = sum(len(analyze(t)) for t in texts)
    print(f"[{label}] {len(texts)} texts, {tokens} tokens, {terms} index terms")


def read_families(path: Path) -> list[list[str]]:
    """Blocks of forms of one lemma, separated by blank or ``qqsentinelqq`` lines."""
    fams: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line == "qqsentinelqq":
            fams.append([])
        else:
            fams[-1].append(line.lower())
    return [sorted(set(f)) for f in fams if f]


def _mo_texts(directory: Path) -> list[str]:
    import gettext

    texts: list[str] = []
    for mo in sorted(directory.glob("*.mo")):
        try:
            with mo.open("rb") as fh:
                cat = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        except Exception:
            continue
        texts.extend(v for k, v in sorted(cat.items(), key=repr) if k and isinstance(v, str))
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--content", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None, help="write {words, texts} JSON here")
    ap.add_argument("--measure", action="store_true")
    ap.add_argument("--wordlist", type=Path, default=None)
    ap.add_argument("--text-dir", type=Path, default=None, help="a directory of Polish .mo files")
    ap.add_argument("--families", type=Path, default=None, help="lemma blocks, see read_families")
    args = ap.parse_args(argv)
    words = build_words(args.content)
    if args.measure:
        measure_words(words, "vectors")
        measure_families(list(paradigm_families().values()), "generated paradigms")
        if args.families:
            measure_families(read_families(args.families), f"families {args.families}")
        root = args.content or DEFAULT_CONTENT
        if root.is_dir():
            measure_text([p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))], "content")
        if args.text_dir:
            measure_text(_mo_texts(args.text_dir), f"text {args.text_dir}")
        if args.wordlist:
            measure_words(args.wordlist.read_text(encoding="utf-8").split(), f"wordlist {args.wordlist}")
        return 0
    data = {"words": words, "texts": build_texts(words)}
    payload = json.dumps(data, ensure_ascii=False, indent=0)
    if args.out:
        args.out.write_text(payload, encoding="utf-8")
    else:
        sys.stdout.write(payload)
    print(f"{len(words)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
