"""Read a Markdown file with YAML front matter, keeping the line of every key for error messages.

Parsing YAML is most of the cost of loading a large site, so a front matter that parsed cleanly
is remembered (a JsonMemo keyed by its text) and not parsed again while it is unchanged. Only
values JSON gives back exactly are remembered; a front matter with any problem is always parsed,
so its messages are reported exactly as the first time.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
import re
from pathlib import Path

import yaml

from ..errors import Report
from . import memo


@dataclass
class RawDocument:
    """A file as read from disk: metadata, body and where each metadata key sits."""

    path: Path
    meta: dict
    body: str
    body_line: int  # line number of the first body line (1-based)
    lines: dict[str, int] = field(default_factory=dict)
    unfinished_line: int | None = None   # first line with UNFINISHED_MARKER, as editors count lines
    digest: str = ""                     # SHA-256 of the file's bytes: stands for the body in cache keys

    def line(self, key: str) -> int | None:
        """Line of a key path like 'attachments[1].file'; falls back to the parent key."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0] if "." in key else key.rpartition("[")[0]
        return None


def read_text(path: Path, report: Report, max_bytes: int | None = None) -> str | None:
    """Bytes to text: UTF-8 (a BOM is accepted), CRLF normalised; errors reported, not raised."""
    decoded = _decode(path, report, max_bytes)
    return None if decoded is None else _normalise(decoded[0], decoded[1], path, report)


def _decode(path: Path, report: Report, max_bytes: int | None) -> tuple[str, bool, bytes] | None:
    """(text, whether it may hold CONTROL characters, the bytes) or None after reporting."""
    try:
        with open(path, "rb", buffering=0) as handle:   # one read of the whole file, no buffer between
            data = handle.readall()
    except OSError as exc:
        report.error(path, f"nie można odczytać pliku ({exc.strerror}).")
        return None
    if max_bytes is not None and len(data) > max_bytes:
        report.error(path, f"plik ma {len(data) // 1024} KB, limit to {max_bytes // 1024} KB.",
                     hint="Podziel tekst lub przenieś duże dane do załącznika.")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(path, "plik nie jest zapisany w UTF-8.", line=line,
                     hint="Zapisz go w edytorze jako UTF-8 (np. „Zapisz jako… → UTF-8”).")
        return None
    return text, _may_hold_control(data), data


def _may_hold_control(data: bytes) -> bool:
    """A check on the UTF-8 bytes several times faster than CONTROL on the text: False means no
    CONTROL character (C0 and DEL are single bytes; C1 starts with 0xC2, U+FFFE/U+FFFF with EF BF)."""
    return bool(data.translate(None, _NOT_C0)) or b"\xc2" in data or b"\xef\xbf" in data


_NOT_C0 = bytes([0x09, 0x0a, 0x0d, *range(0x20, 0x7f), *range(0x80, 0x100)])


def _normalise(text: str, may_hold_control: bool, path: Path, report: Report) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if may_hold_control and CONTROL.search(text):
        # Invisible control characters (often pasted from word processors) are not allowed in XML
        # feeds, sitemaps or exports: drop them here, once, and say where they were.
        line = text[: CONTROL.search(text).start()].count("\n") + 1
        report.warning(path, "usunięto niewidoczne znaki sterujące (np. z wklejonego tekstu).", line=line,
                       hint="Przepisz ten fragment albo zapisz plik ponownie jako zwykły tekst.")
        text = CONTROL.sub("", text)
    return text


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present
    """SafeLoader without implicit timestamps: dates stay text so the models can report an
    impossible date (2025-02-30) with its line instead of YAML raising ValueError."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

FAILED = object()  # marks YAML that could not be parsed (the error is already reported)
UNFINISHED_MARKER = "UZUPEŁNIJ"   # what `wiedza new` leaves in a skeleton for the editor to fill in
PARSE_CODE = ("wiedza.content.frontmatter",)
# C0/C1 controls except tab and newline, plus noncharacters: never valid in XML 1.0 output.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def parse_yaml(text: str, path: Path, report: Report, first_line: int = 1):
    """Safe YAML to (value, line map). Returns (FAILED, {}) after reporting an error."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # parsed once: lines come from the nodes, values too
        lines: dict[str, int] = {}
        if not _walk(node, "", lines, first_line, path, report, set()):
            return FAILED, {}
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct starts (what the editor must fix);
        # the problem mark is where the parser gave up, often a line later.
        mark = exc.context_mark or exc.problem_mark
        line = first_line + mark.line if mark else None
        problem = exc.problem or "niepoprawny zapis"
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            problem += f" (parser zatrzymał się w linii {first_line + exc.problem_mark.line})"
        report.error(path, f"błąd składni YAML: {problem}.", line=line,
                     hint="Sprawdź wcięcia, dwukropki i cudzysłowy w tej linii.")
        return FAILED, {}
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        # e.g. unknown tags such as !!python/object, or unhashable keys
        report.error(path, f"błąd YAML: {exc}.", line=first_line,
                     hint="Używaj zwykłych wartości YAML, bez znaczników typu !!python.")
        return FAILED, {}
    finally:
        loader.dispose()
    return value, lines


def _walk(node, prefix: str, lines: dict, offset: int, path: Path, report: Report, seen_nodes: set) -> bool:
    """Record the line of every key; refuse anchors and aliases (a node reached twice), which
    content never needs and which can make a small file expand without bound."""
    if node is None:
        return True
    if id(node) in seen_nodes:
        report.error(path, "kotwice i odwołania YAML (& i *) nie są obsługiwane.", line=offset + node.start_mark.line,
                     field=prefix or None, hint="Wpisz wartość wprost, bez & i *.")
        return False
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)[:200]
            full = f"{prefix}.{key}" if prefix else key
            line = offset + key_node.start_mark.line
            if key in keys:
                report.error(path, f"klucz „{key}” występuje dwa razy.", line=line, field=full,
                             hint="Zostaw jedno wystąpienie.")
            keys.add(key)
            lines[full] = line
            if not _walk(value_node, full, lines, offset, path, report, seen_nodes):
                return False
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            full = f"{prefix}[{i}]"
            lines[full] = offset + item.start_mark.line
            if not _walk(item, full, lines, offset, path, report, seen_nodes):
                return False
    return True


def read_markdown(path: Path, report: Report, max_bytes: int | None = None,
                  parsed: memo.JsonMemo | None = None) -> RawDocument | None:
    """A Markdown file with front matter; None (after reporting) when it cannot be used.
    `parsed` remembers clean front matter between builds."""
    decoded = _decode(path, report, max_bytes)
    if decoded is None:
        return None
    unfinished = _first_line_with(decoded[0], UNFINISHED_MARKER)
    text = _normalise(decoded[0], decoded[1], path, report)
    if not text or text.isspace():
        report.error(path, "plik jest pusty.", line=1,
                     hint="Uzupełnij go według szablonu z `wiedza new` albo usuń.")
        return None
    head = _front_matter_lines(text)
    if head[0].strip() != "---":
        report.error(path, "brak metadanych (front matter) na początku pliku.", line=1,
                     hint="Plik musi zaczynać się linią `---`, po niej pola YAML i znowu `---`.")
        return None
    try:
        end = next(i for i in range(1, len(head)) if head[i].strip() in ("---", "..."))
    except StopIteration:
        report.error(path, "metadane nie są zamknięte linią `---`.", line=1,
                     hint="Dodaj linię `---` po ostatnim polu metadanych.")
        return None
    meta, lines = _parse_front_matter("\n".join(head[1:end]), path, report, parsed)
    if meta is FAILED:
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        report.error(path, "metadane muszą być listą pól `nazwa: wartość`.", line=2)
        return None
    body = text[sum(len(line) + 1 for line in head[:end + 1]):]   # everything after the closing line
    return RawDocument(path=path, meta=meta, body=body, body_line=end + 2, lines=lines, unfinished_line=unfinished,
                       digest=hashlib.sha256(decoded[2]).hexdigest())


def _front_matter_lines(text: str) -> list[str]:
    """The lines of `text` up to and including the one that closes the front matter (or all of
    them): text.split("\\n") without splitting a long body when the front matter is short."""
    for limit in (64, -1):
        parts = text.split("\n", limit)
        complete = limit < 0 or len(parts) <= limit
        lines = parts if complete else parts[:-1]   # with a limit, the last part is the rest of the text
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return lines[:i + 1]
        if complete:
            return lines
    raise AssertionError("unreachable")


def _first_line_with(decoded: str, needle: str) -> int | None:
    """Line number of the first line holding `needle`, counted as Python's text mode and
    str.splitlines count them (before control characters are removed)."""
    if needle not in decoded:
        return None
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def _parse_front_matter(text: str, path: Path, report: Report, parsed: memo.JsonMemo | None):
    """parse_yaml(), or what it gave for the same text before."""
    if parsed is None:
        return parse_yaml(text, path, report, first_line=2)
    key = memo.digest(memo.code_digest(*PARSE_CODE), yaml.__version__, _Loader.__mro__[1].__name__, text)
    hit = parsed.get(key, lambda v: isinstance(v, list) and len(v) == 2 and isinstance(v[1], dict))
    if hit is not None:
        return hit[0], hit[1]
    before = len(report.items)
    value, lines = parse_yaml(text, path, report, first_line=2)
    if value is not FAILED and len(report.items) == before and _plain(value):
        parsed.put(key, [value, lines])
    return value, lines


def _plain(value) -> bool:
    """True for values that come back from JSON exactly as they went in."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:   # a lone surrogate from a YAML escape
            return False
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (bool, int))


def read_yaml_file(path: Path, report: Report):
    """A whole YAML data file (registries, settings) with its line map."""
    text = read_text(path, report)
    if text is None:
        return FAILED, {}
    return parse_yaml(text, path, report, first_line=1)
