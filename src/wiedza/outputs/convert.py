"""HTML to a print-ready PDF (WeasyPrint, PDF/UA-1) and to editable DOCX/ODT (pandoc).

Both tools run in a closed, deterministic environment:
- no network: WeasyPrint gets a URL fetcher that reads only files under the allowed folders, and
  `local_images` drops every image that is not a file beside the document before pandoc sees it;
- no clock: PDF dates come from <meta name="dcterms.*"> in the HTML; pandoc gets SOURCE_DATE_EPOCH
  (it stamps docProps/core.xml, meta.xml and the ZIP entries with it instead of "now");
- no user settings: pandoc gets an empty --data-dir (a personal reference.docx would change bytes).

A `Job` is plain data, so kits.py can run jobs in worker processes; `run_job` never raises, it
returns the tool's message, which the caller turns into a BuildError naming the kit.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..content.memo import read_json, write_json

PRINT_DIR = Path(__file__).resolve().parent.parent / "theme" / "print"
PRINT_CSS = PRINT_DIR / "print.css"
PANDOC_TIMEOUT = 180
FONT_FAMILIES = ("DejaVu Sans", "DejaVu Sans Mono", "Liberation Sans", "Liberation Mono")


class ConversionError(Exception):
    """A tool could not convert a document; carries the tool's own message."""

    def __init__(self, tool: str, message: str):
        super().__init__(f"{tool}: {message}")
        self.tool = tool
        self.message = message


@dataclass(frozen=True)
class Job:
    """One conversion: HTML in, bytes of one format out."""

    fmt: str                 # "pdf", "docx" or "odt"
    html: str
    resource_dir: str        # the only folder images are read from (the lesson folder)
    epoch: int               # seconds since 1970 for every date the tool writes
    metadata: str = "{}"     # pandoc metadata as JSON (YAML subset); ignored for PDF
    label: str = ""          # which file, for messages
    tools: str = ""          # tool_fingerprint(), when the caller already has it

    @functools.cached_property
    def key(self) -> str:
        """Cache key: everything that decides the output bytes, including the tools' versions."""
        digest = hashlib.sha256()
        for part in (self.tools or tool_fingerprint(), self.fmt, self.html, self.metadata, str(self.epoch),
                     json.dumps(resource_hashes(self.html, Path(self.resource_dir)), sort_keys=True)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


# -- environment fingerprint ----------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


@functools.lru_cache(maxsize=1)
def pandoc_version() -> str:
    try:
        out = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unavailable: {exc}"
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


@functools.lru_cache(maxsize=1)
def font_paths() -> tuple[Path, ...]:
    """The font files the print CSS resolves to, as fontconfig finds them."""
    found = set()
    for family in FONT_FAMILIES:
        for style in ("", ":bold", ":italic", ":bold:italic"):
            try:
                out = subprocess.run(["fc-match", "-f", "%{file}", family + style], capture_output=True,
                                     text=True, timeout=30)
            except (OSError, subprocess.SubprocessError):
                continue
            path = Path(out.stdout.strip())
            if out.returncode == 0 and path.is_file():
                found.add(path)
    return tuple(sorted(found))


def font_files() -> tuple[tuple[str, int], ...]:
    """(name, size) of every font file: a changed font changes the PDF."""
    return tuple(sorted((path.name, path.stat().st_size) for path in font_paths()))


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Versions of every tool and of our own conversion code and CSS."""
    import pydyf
    import weasyprint

    try:
        from weasyprint.text.ffi import pango
        pango_version = str(pango.pango_version())
    except Exception:  # pragma: no cover - only the version string is lost
        pango_version = "unknown"
    own = hashlib.sha256()
    for path in (Path(__file__), PRINT_CSS):
        own.update(path.read_bytes())
    return json.dumps({
        "weasyprint": weasyprint.__version__, "pydyf": pydyf.__version__, "pango": pango_version,
        "pandoc": pandoc_version(), "zlib": zlib.ZLIB_RUNTIME_VERSION, "fonts": font_files(),
        "code": own.hexdigest(),
    }, sort_keys=True)


# Importing WeasyPrint and asking fontconfig cost about 0.8 s, more than a whole rebuild after a
# small edit. So the fingerprint is kept in the build cache beside a probe: the identity (size,
# mtime, inode) of every file it was derived from. While the probe is unchanged, the kept
# fingerprint stands. Fonts: the matched files and their folders (a font added beside them
# changes the folder); a font installed elsewhere that fontconfig would now prefer is not seen.
TOOLS_FILE = "tools-v1.json"


def cached_tool_fingerprint(cache_dir: Path | None) -> str:
    """tool_fingerprint(), read from `cache_dir` while the files it depends on are unchanged."""
    path = Path(cache_dir) / TOOLS_FILE if cache_dir else None
    kept = read_json(path)
    if isinstance(kept, dict) and isinstance(kept.get("files"), list) and isinstance(kept.get("fingerprint"), str):
        if kept.get("probe") == _probe([str(f) for f in kept["files"]]):
            return kept["fingerprint"]
    fingerprint = tool_fingerprint()
    files = _fingerprint_files()
    if path and files is not None:
        write_json(path, {"files": files, "probe": _probe(files), "fingerprint": fingerprint})
    return fingerprint


def _fingerprint_files() -> list[str] | None:
    """Files tool_fingerprint() was derived from; None where the pango library cannot be found."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:   # Linux only
            pango = sorted({line.split()[-1] for line in maps if "libpango-1.0" in line})
    except OSError:
        return None
    if not pango:
        return None
    packages = [find_spec(name).origin for name in ("weasyprint", "pydyf")]
    fonts = [str(p) for p in font_paths()]
    folders = sorted({str(Path(f).parent) for f in fonts})
    return sorted({*pango, *packages, pandoc_path(), *fonts, *folders, str(Path(__file__)), str(PRINT_CSS)})


def _probe(files: list[str]) -> list:
    out: list = [["pandoc on PATH", shutil.which("pandoc")]]   # pypandoc may prefer one installed later
    for name in files:
        try:
            st = os.stat(name)
            out.append([name, st.st_size, st.st_mtime_ns, st.st_ino])
        except OSError:
            out.append([name, None])
    return out


# -- HTML preparation ---------------------------------------------------------------------------
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"')
_ALT = re.compile(r'\salt="([^"]*)"')


def _local_file(src: str, folder: Path) -> Path | None:
    """The file a relative image address points to, if it is a plain file inside `folder`."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    rel = posixpath.normpath(unquote(parts.path))
    if rel.startswith("..") or rel.startswith("/"):
        return None
    path = folder / rel
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(folder.resolve()) or not resolved.is_file():
        return None
    return resolved


def local_images(html: str, folder: Path) -> str:
    """Keep images that are files beside the document; replace any other image by its alt text."""
    def replace(match: re.Match) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if src and _local_file(src.group(1), folder) is not None:
            return tag
        alt = _ALT.search(tag)
        return f"<span>[{alt.group(1)}]</span>" if alt and alt.group(1) else ""
    return _IMG.sub(replace, html)


def resource_hashes(html: str, folder: Path) -> dict[str, str]:
    """sha256 of every local image the HTML uses: an edited image must rebuild the document."""
    out = {}
    for tag in _IMG.findall(html):
        src = _SRC.search(tag)
        if src and (path := _local_file(src.group(1), folder)) is not None:
            out[src.group(1)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


_SINGLE_LETTER = re.compile(r"(?<![\w\-])([AaIiOoUuWwZz]) ")
_DASH = re.compile(r" ([–—]) ")
_NUMBER_SIGN = re.compile(r"([§№]) ")


def polish_typography(html: str) -> str:
    """Polish print rules for text nodes: no one-letter word (w, z, i, a, o, u) at a line end, no
    line starting with a dash, '§ 1' kept together. Tags and <pre> blocks are left as they are."""
    out = []
    in_pre = 0
    for part in re.split(r"(<[^>]+>)", html):
        if part.startswith("<"):
            low = part.lower()
            if low.startswith("<pre"):
                in_pre += 1
            elif low.startswith("</pre"):
                in_pre = max(0, in_pre - 1)
            out.append(part)
        elif in_pre or not part:
            out.append(part)
        else:
            text = _SINGLE_LETTER.sub("\\1\u00a0", part)
            text = _SINGLE_LETTER.sub("\\1\u00a0", text)   # "i w domu": overlapping matches
            text = _DASH.sub("\u00a0\\1 ", text)
            out.append(_NUMBER_SIGN.sub("\\1\u00a0", text))
    return "".join(out)


# -- PDF ------------------------------------------------------------------------------------------
def _fetcher(roots: tuple[Path, ...]):
    from weasyprint import URLFetcher

    class LocalOnly(URLFetcher):
        """Reads files under the allowed folders; refuses the network and everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"adres niedozwolony przy budowie PDF (tylko pliki zestawu): {url}")

    return LocalOnly()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def html_to_pdf(html: str, resource_dir: Path) -> tuple[bytes, list[str]]:
    """A tagged PDF/UA-1 on A4 with the print CSS; returns (bytes, WeasyPrint warnings).
    WeasyPrint errors (logged, not raised, by WeasyPrint) become a ConversionError."""
    from weasyprint import CSS, HTML

    resource_dir = resource_dir.resolve()
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        fetcher = _fetcher((resource_dir, PRINT_DIR.resolve()))
        document = HTML(string=html, base_url=resource_dir.as_uri() + "/", url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS), url_fetcher=fetcher)],
                                 pdf_variant="pdf/ua-1")
    except Exception as exc:  # WeasyPrint raises many kinds; all mean "this document failed"
        raise ConversionError("WeasyPrint", f"{type(exc).__name__}: {exc}") from None
    finally:
        logger.removeHandler(handler)
    errors = [_message(r) for r in handler.records if r.levelno >= logging.ERROR]
    if errors:
        raise ConversionError("WeasyPrint", "; ".join(errors))
    return pdf, [_message(r) for r in handler.records]


def _message(record: logging.LogRecord) -> str:
    """The log message; an exception with an empty text is named by its type."""
    text = record.getMessage()
    args = record.args if isinstance(record.args, tuple) else ()
    if args and isinstance(args[-1], BaseException) and not str(args[-1]):
        text = f"{text.rstrip(': ')} ({type(args[-1]).__name__})"
    return text


# -- DOCX / ODT -------------------------------------------------------------------------------------
def pandoc_env(epoch: int, home: str) -> dict[str, str]:
    """A fixed environment: dates from SOURCE_DATE_EPOCH, UTC, UTF-8, no user configuration."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SOURCE_DATE_EPOCH": str(epoch), "TZ": "UTC",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": home}


def html_to_office(html: str, fmt: str, resource_dir: Path, epoch: int, metadata: str = "{}") -> bytes:
    """DOCX or ODT from HTML with pandoc. The first <h1> becomes the document title (Title style),
    <h2> becomes Heading 1 and so on. `metadata` is JSON: author, keywords, subject, category…"""
    with tempfile.TemporaryDirectory(prefix="wiedza-pandoc-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(metadata, encoding="utf-8")
        command = [pandoc_path(), "--from=html", f"--to={fmt}", "--output=-", "--shift-heading-level-by=-1",
                   f"--resource-path={resource_dir}", f"--data-dir={Path(tmp) / 'data'}",
                   f"--metadata-file={meta}", "--metadata=lang:pl-PL"]
        try:
            done = subprocess.run(command, input=html.encode("utf-8"), capture_output=True,
                                  env=pandoc_env(epoch, tmp), cwd=tmp, timeout=PANDOC_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ConversionError("pandoc", f"przekroczono limit czasu ({PANDOC_TIMEOUT} s)") from None
        except OSError as exc:
            raise ConversionError("pandoc", f"nie można uruchomić programu: {exc}") from None
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0 or not done.stdout:
        raise ConversionError("pandoc", message or f"kod wyjścia {done.returncode}")
    if "[WARNING] Could not fetch resource" in message:
        raise ConversionError("pandoc", message)
    return done.stdout


def markdown_literal(text: str) -> str:
    """Pandoc reads YAML metadata values as Markdown: escape punctuation so text stays literal."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def run_job(job: Job) -> tuple[bytes | None, str | None]:
    """(bytes, None) or (None, the tool's message). Runs in a worker process; never raises."""
    try:
        if job.fmt == "pdf":
            data, _ = html_to_pdf(job.html, Path(job.resource_dir))
        else:
            data = html_to_office(job.html, job.fmt, Path(job.resource_dir), job.epoch, job.metadata)
    except ConversionError as exc:
        return None, str(exc)
    except Exception as exc:  # a tool failure we did not foresee is still a message, not a traceback
        return None, f"{type(exc).__name__}: {exc}"
    return data, None
