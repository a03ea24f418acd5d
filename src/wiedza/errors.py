"""Content errors: collected, sorted and printed together, never raised one at a time."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """One mistake in the content, located as precisely as we can: file, line, field."""

    path: str
    line: int | None
    field: str | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        hint = f" {self.hint}" if self.hint else ""
        label = "" if self.severity == "error" else "ostrzeżenie: "
        return f"{where}: {label}{what}{self.message}{hint}"


@dataclass
class Report:
    """Collects every error and warning of one run."""

    root: Path | None = None
    items: list[ContentError] = field(default_factory=list)

    def _rel(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve().parent).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def error(self, path, message, *, line=None, field=None, hint="") -> None:
        self.items.append(ContentError(self._rel(path), line, field, message, hint, "error"))

    def warning(self, path, message, *, line=None, field=None, hint="") -> None:
        self.items.append(ContentError(self._rel(path), line, field, message, hint, "warning"))

    @property
    def errors(self) -> list[ContentError]:
        return sorted({e for e in self.items if e.severity == "error"}, key=_sort_key)

    @property
    def warnings(self) -> list[ContentError]:
        return sorted({e for e in self.items if e.severity == "warning"}, key=_sort_key)

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def format(self) -> str:
        lines = [e.format() for e in self.errors + self.warnings]
        lines.append(summary_line(len(self.errors), len(self.warnings)))
        return "\n".join(lines)


def _sort_key(e: ContentError):
    return (e.path, e.line or 0, e.field or "", e.message)


def summary_line(errors: int, warnings: int) -> str:
    return f"Błędy: {errors}, ostrzeżenia: {warnings}."


class ContentInvalid(Exception):
    """Raised by the pipeline when the content has errors; carries the full report."""

    def __init__(self, report: Report):
        super().__init__(report.format())
        self.report = report


class BuildError(Exception):
    """A build step failed for a reason that is not a content mistake (tool failure, lock)."""
