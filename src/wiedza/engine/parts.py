"""Rendering many pages on every core, for an engine whose dirty mode skips a page whose output is
newer than its source (MkDocs' does).

The pages that need rendering are dealt into shares, one per core. Each share is rendered by a
forked process into a folder of its own, where every page outside the share has a placeholder
output dated in the future, so the engine skips it. The rendered pages, and the engine's other
outputs from the first share, are then moved into the real output folder. Pages depend only on
their own source and on global inputs (see wiedza.incremental), so the bytes are the same as
from one process.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from .. import tree
from ..errors import BuildError
from . import EngineJob

MIN_PAGES = 200          # below this, starting processes costs more than it saves
FUTURE = 10 * 365 * 86400


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def staged_pages(job: EngineJob, output_of: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """(every staged page source, those whose output is missing or older: the engine's dirty rule)."""
    every, stale = [], []
    for rel, entry in tree.files(job.stage_dir):
        if not rel.endswith(".md"):
            continue
        every.append(rel)
        try:
            if job.dirty and os.stat(job.out_dir / output_of(rel)).st_mtime >= entry.stat().st_mtime:
                continue
        except FileNotFoundError:
            pass
        stale.append(rel)
    return sorted(every), sorted(stale)


def worth_splitting(count: int) -> bool:
    """Shares are forked (a spawned process would re-run an unguarded __main__ script), and a
    process that already runs threads (`wiedza serve`) must not fork: it renders in one process."""
    return (count >= MIN_PAGES and cores() >= 2 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def render_in_parts(build_once: Callable[[EngineJob], None], job: EngineJob, every: list[str],
                    stale: list[str], output_of: Callable[[str], str]) -> None:
    """Render the `stale` pages (staged sources) of `job` in one forked process per core; `every`
    lists all staged pages (those outside a share get placeholders)."""
    count = min(cores(), len(stale))
    shares = [stale[k::count] for k in range(count)]
    outputs = {page: output_of(page) for page in every}
    folders = [job.out_dir.with_name(f"{job.out_dir.name}.part{k}") for k in range(count)]
    try:
        for share, folder in zip(shares, folders):
            shutil.rmtree(folder, ignore_errors=True)
            mine = set(share)
            _placeholders(folder, [outputs[p] for p in every if p not in mine])
        _run_all(build_once, [replace(job, out_dir=folder, dirty=True) for folder in folders])
        job.out_dir.mkdir(parents=True, exist_ok=True)
        for share, folder in zip(shares, folders):
            for page in share:
                target = job.out_dir / outputs[page]
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(folder / outputs[page], target)
        _take_the_rest(folders[0], job.out_dir, set(outputs.values()))
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def _placeholders(folder: Path, rels: list[str]) -> None:
    """Empty outputs dated in the future: the engine's dirty mode takes them as up to date."""
    future = time.time() + FUTURE
    made: set[str] = set()
    for rel in rels:
        parent = os.path.dirname(rel)
        if parent not in made:
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        path = folder / rel
        path.touch()
        os.utime(path, (future, future))


def _take_the_rest(folder: Path, out: Path, pages: set[str]) -> None:
    """The engine's outputs besides pages (theme files, 404.html): keep an existing file with the
    same bytes (the published site shares it), replace one that differs, add what is new."""
    for rel, entry in tree.files(folder):
        if rel in pages:
            continue   # a page of this share (moved already) or a placeholder
        target = out / rel
        if target.is_file() and target.read_bytes() == Path(entry.path).read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(entry.path, target)


def _child(build_once, job: EngineJob, conn) -> None:
    try:
        build_once(job)
        conn.send(None)
    except BaseException as exc:   # reported by the parent as a build error
        conn.send(str(exc) if isinstance(exc, BuildError) else f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def _run_all(build_once, jobs: list[EngineJob]) -> None:
    context = multiprocessing.get_context("fork")
    running = []
    for job in jobs:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(build_once, job, sender), daemon=True)
        process.start()
        sender.close()
        running.append((process, receiver))
    errors = []
    for process, receiver in running:
        try:
            error = receiver.recv()
        except EOFError:
            error = "proces silnika przerwany"
        process.join()
        if error or process.exitcode:
            errors.append(error or f"kod wyjścia {process.exitcode}")
    if errors:
        raise BuildError(errors[0])
