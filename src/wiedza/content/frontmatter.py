"""Read a Markdown file with YAML front matter, keeping the line of every key for error messages."""
from __future__ import annotations

from dataclasses import dataclass, field
import re
from pathlib import Path

import yaml

from ..errors import Report


@dataclass
class RawDocument:
    """A file as read from disk: metadata, body and where each metadata key sits."""

    path: Path
    meta: dict
    body: str
    body_line: int  # line number of the first body line (1-based)
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        """Line of a key path like 'attachments[1].file'; falls back to the parent key."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0] if "." in key else key.rpartition("[")[0]
        return None


def read_text(path: Path, report: Report, max_bytes: int | None = None) -> str | None:
    """Bytes to text: UTF-8 (a BOM is accepted), CRLF normalised; errors reported, not raised."""
    try:
        data = path.read_bytes()
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if CONTROL.search(text):
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


def read_markdown(path: Path, report: Report, max_bytes: int | None = None) -> RawDocument | None:
    """A Markdown file with front matter; None (after reporting) when it cannot be used."""
    text = read_text(path, report, max_bytes)
    if text is None:
        return None
    if not text.strip():
        report.error(path, "plik jest pusty.", line=1,
                     hint="Uzupełnij go według szablonu z `wiedza new` albo usuń.")
        return None
    all_lines = text.split("\n")
    if all_lines[0].strip() != "---":
        report.error(path, "brak metadanych (front matter) na początku pliku.", line=1,
                     hint="Plik musi zaczynać się linią `---`, po niej pola YAML i znowu `---`.")
        return None
    try:
        end = next(i for i in range(1, len(all_lines)) if all_lines[i].strip() in ("---", "..."))
    except StopIteration:
        report.error(path, "metadane nie są zamknięte linią `---`.", line=1,
                     hint="Dodaj linię `---` po ostatnim polu metadanych.")
        return None
    meta, lines = parse_yaml("\n".join(all_lines[1:end]), path, report, first_line=2)
    if meta is FAILED:
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        report.error(path, "metadane muszą być listą pól `nazwa: wartość`.", line=2)
        return None
    body = "\n".join(all_lines[end + 1:])
    return RawDocument(path=path, meta=meta, body=body, body_line=end + 2, lines=lines)


def read_yaml_file(path: Path, report: Report):
    """A whole YAML data file (registries, settings) with its line map."""
    text = read_text(path, report)
    if text is None:
        return FAILED, {}
    return parse_yaml(text, path, report, first_line=1)
