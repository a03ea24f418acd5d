"""Copy the portal's own CSS, JS and icons into the staged tree (served from the site, never a CDN)."""
from __future__ import annotations

from pathlib import Path

from .context import BuildContext

ASSETS = Path(__file__).resolve().parent.parent / "theme" / "assets"
TARGET = "assets/wiedza"


def write(ctx: BuildContext) -> None:
    for source in sorted(ASSETS.rglob("*")):
        if source.is_file() and not source.name.startswith("."):
            ctx.stage.copy_file(f"{TARGET}/{source.relative_to(ASSETS).as_posix()}", source, "zasoby motywu")
