"""`wiedza serve`: build, serve the last good build on 127.0.0.1, rebuild when content changes.
A content error is printed and the previous build keeps being served."""
from __future__ import annotations

import functools
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import BuildError, ContentInvalid
from .pipeline import build_site

DEBOUNCE_SECONDS = 0.15   # an editor saving several files does so within milliseconds


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep the terminal for build messages
        pass


def rebuild(content: Path, site_dir: Path, strict: bool) -> bool:
    started = time.perf_counter()
    try:
        summary = build_site(content, site_dir, strict=strict)
    except ContentInvalid as exc:
        print(exc.report.format(), file=sys.stderr)
        print("Podgląd pokazuje poprzednią poprawną wersję.", file=sys.stderr, flush=True)
        return False
    except BuildError as exc:
        print(f"Błąd budowy: {exc}", file=sys.stderr, flush=True)
        return False
    print(f"{summary.format()} ({time.perf_counter() - started:.1f} s)", flush=True)
    return True


def _watch(content: Path, on_change) -> object:
    from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent,
                                 FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
                                 FileSystemEventHandler)
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        # Only changes count: on Linux watchdog also reports files being opened and read, which
        # the build itself does, and reacting to those would rebuild for ever.
        CHANGES = ("created", "modified", "deleted", "moved", "closed")

        def on_any_event(self, event):
            if event.event_type in self.CHANGES and not (event.is_directory and event.event_type == "modified"):
                on_change()

    observer = Observer()
    # Only changes are asked of inotify: every build opens and reads all of content/, and with
    # thousands of files those events overflowed the kernel's queue, losing the edit itself.
    changes = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
               DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
    observer.schedule(Handler(), str(content), recursive=True, event_filter=changes)
    observer.start()
    return observer


def serve(content: Path, site_dir: Path, *, host: str = "127.0.0.1", port: int = 8000, strict: bool = False) -> int:
    site_dir = site_dir.resolve()
    rebuild(content, site_dir, strict)
    site_dir.mkdir(parents=True, exist_ok=True)
    changed = threading.Event()
    observer = _watch(content.resolve(), changed.set)
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Podgląd: http://{host}:{server.server_address[1]}/  (Ctrl+C kończy)", flush=True)
    try:
        while True:
            changed.wait()
            time.sleep(DEBOUNCE_SECONDS)  # editors save several files at once
            changed.clear()
            rebuild(content, site_dir, strict)
    except KeyboardInterrupt:
        return 0
    finally:
        observer.stop()
        server.shutdown()
