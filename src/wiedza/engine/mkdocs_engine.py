"""MkDocs + Material adapter: the only module that imports mkdocs."""
from __future__ import annotations

import hashlib
import json
import logging
import os
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from ..errors import BuildError
from ..stage import page_output
from . import EngineJob, parts

PROJECT_CONFIG = "mkdocs.yml"


def find_config() -> Path:
    """The project's mkdocs.yml (engine settings only), found beside the installed package's repo."""
    for folder in [Path.cwd(), *Path.cwd().parents, *Path(__file__).resolve().parents]:
        if (folder / PROJECT_CONFIG).is_file():
            return folder / PROJECT_CONFIG
    raise BuildError("nie znaleziono mkdocs.yml; uruchom wiedza w katalogu projektu.")


@contextmanager
def _environment(epoch: int):
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING")}
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)   # sitemap dates come from content, not the clock
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class MkDocsEngine:
    name = "mkdocs"
    always_written = ("404.html",)  # the theme's static templates, rendered on every run

    def __init__(self, config_file: Path | None = None):
        self.config_file = config_file or find_config()

    def fingerprint(self) -> str:
        """Engine settings, template overrides and package versions: what every page depends on."""
        digest = hashlib.sha256(self.config_file.read_bytes())
        theme = Path(__file__).resolve().parent.parent / "theme" / "overrides"
        for path in sorted(theme.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(theme).as_posix().encode() + path.read_bytes())
        for name in ("mkdocs", "mkdocs-material", "Markdown", "Pygments", "pymdown-extensions", "Jinja2"):
            try:
                digest.update(f"{name}={metadata.version(name)}".encode())
            except metadata.PackageNotFoundError:
                digest.update(f"{name}=-".encode())
        return digest.hexdigest()

    def build(self, job: EngineJob) -> None:
        """Render the staged pages; many pages at once are dealt over the cores (engine.parts)."""
        every, stale = parts.staged_pages(job, page_output)
        if parts.worth_splitting(len(stale)):
            parts.render_in_parts(self.build_in_one_process, job, every, stale, page_output)
        else:
            self.build_in_one_process(job)

    def build_in_one_process(self, job: EngineJob) -> None:
        """Plain MkDocs (also the benchmark's bare build, without job.cache_dir)."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException

        nav = [{entry.title: entry.path[: -len(".html")] + ".md"} for entry in job.nav]
        collector = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collector)
        try:
            with _environment(job.build_epoch):
                config = load_config(
                    config_file=str(self.config_file), docs_dir=str(job.stage_dir), site_dir=str(job.out_dir),
                    site_url=job.site_url, site_name=job.site_name, site_description=job.description,
                    copyright=job.copyright_html, nav=nav, use_directory_urls=False, strict=False,
                )
                if job.cache_dir is not None:
                    _keep_templates_in(config.theme, job.cache_dir, self.fingerprint())
                # sitemap.xml is staged by wiedza (content dates, same bytes in incremental builds)
                config.theme.static_templates.discard("sitemap.xml")
                build(config, dirty=job.dirty)
            # ...which makes MkDocs copy the theme's raw sitemap template as a static file
            (job.out_dir / "sitemap.xml").unlink(missing_ok=True)
        except MkDocsException as exc:
            raise BuildError(f"MkDocs nie zbudował serwisu: {exc}") from exc
        finally:
            logger.removeHandler(collector)
        # The dirty-build caution is about navigation that changes between builds; ours is fixed.
        messages = [m for m in collector.messages if "'dirty' build" not in m]
        if messages:
            raise BuildError("MkDocs zgłosił ostrzeżenia:\n" + "\n".join(messages))


def _keep_templates_in(theme, cache_dir: Path, fingerprint: str) -> None:
    """Compiling Material's templates and listing its ~10,000 theme files cost most of a dirty
    build that re-renders a few pages: keep compiled templates (Jinja's own bytecode cache, checked
    against each template's source) and the file listing (keyed by the engine fingerprint, which
    covers package versions and our overrides) in the cache. The output does not change."""
    import jinja2

    cache_dir.mkdir(parents=True, exist_ok=True)
    make_env = theme.get_env
    listing = cache_dir / f"theme-files-{fingerprint[:16]}.json"

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir))
        env.loader = _ListedLoader(env.loader, listing)
        return env

    theme.get_env = get_env


class _ListedLoader:
    """A template loader whose list_templates() (used only to find the theme's static files) is
    read from a file after the first run."""

    def __init__(self, loader, listing: Path):
        self.loader, self.listing = loader, listing

    def get_source(self, environment, template):
        return self.loader.get_source(environment, template)

    def load(self, environment, name, globals=None):
        return self.loader.load(environment, name, globals)

    def list_templates(self) -> list[str]:
        try:
            names = json.loads(self.listing.read_text(encoding="utf-8"))
            if isinstance(names, list):
                return names
        except (OSError, ValueError):
            pass
        # Hidden files are never published (MkDocs filters '.*' and '*/.*'); leaving them out here
        # drops Material's ~10,000 icons from the per-build filtering.
        names = [n for n in self.loader.list_templates() if not n.startswith(".") and "/." not in n]
        temp = self.listing.with_name(f"{self.listing.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(names), encoding="utf-8")
        os.replace(temp, self.listing)
        return names
