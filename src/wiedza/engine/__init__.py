"""Site engines behind one small contract: render a staged docs tree into a directory."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class NavEntry:
    title: str
    path: str   # output path of the staged page, e.g. "publikacje/index.html"


@dataclass(frozen=True)
class EngineJob:
    stage_dir: Path          # staged pages: Markdown files holding our HTML (other files bypass the engine)
    out_dir: Path            # the directory the engine renders into (empty unless dirty)
    site_url: str
    site_name: str
    description: str
    copyright_html: str
    nav: tuple[NavEntry, ...]
    build_epoch: int         # seconds; from content dates, for reproducible output
    dirty: bool = False      # out_dir holds the previous output; re-render only newer staged files
    cache_dir: Path | None = None   # the engine's own cache (compiled templates), if it keeps one


class Engine(Protocol):
    name: str
    always_written: tuple[str, ...]   # outputs rendered on every run, not only for changed pages

    def fingerprint(self) -> str:
        """A digest of everything besides the staged files that shapes the output."""
        ...

    def build(self, job: EngineJob) -> None: ...


def get_engine(name: str = "mkdocs") -> Engine:
    if name == "mkdocs":
        from .mkdocs_engine import MkDocsEngine
        return MkDocsEngine()
    raise ValueError(f"unknown engine {name!r}; available: mkdocs")
