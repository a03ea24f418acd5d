"""The Whoosh index built on the second core while the site builds, swapped into search/ after it.

Whoosh is imported in the child only: the build's own process never needs it, and importing it
cost a tenth of a second of every rebuild.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from .documents import sources
from .memo import Memo


def _child_build(index, target: Path, previous: Path, cache_dir: Path | None, conn) -> None:
    try:
        start = time.process_time()
        from .whoosh_index import members_of_sources, write_index   # here: the parent need not import Whoosh

        # read only: the browser index writer (in the parent) adds and prunes the memo's entries
        memo = Memo(cache_dir)
        written = write_index(members_of_sources(sources(index), memo), target, previous)
        conn.send({"error": None, "segments written": written, "cpu seconds": time.process_time() - start})
    except BaseException as exc:  # reported by the parent as a build error
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


@contextmanager
def parallel_build(index, search_dir: Path | None, timings: dict | None = None, cache_dir: Path | None = None):
    """Build the Whoosh index of `index` on the second core while the block runs (the site build);
    on success swap it into `search_dir` (atomically, under its lock); on failure leave search/ as
    it was. Unchanged segments come from the current search/, unchanged documents' analysis from
    the memo in `cache_dir`. With search_dir None this does nothing."""
    if search_dir is None:
        yield None
        return
    import multiprocessing

    from ..atomic import build_lock, remove_leftovers, replace_dir, scratch_dir
    from ..errors import BuildError

    search_dir = search_dir.resolve()
    # the lock is held throughout, so `wiedza index` never removes our scratch folder as a leftover
    with build_lock(search_dir):
        remove_leftovers(search_dir)
        with scratch_dir(search_dir, search_dir.name) as work:
            target = work / "index"
            try:
                ctx = multiprocessing.get_context("fork")
            except ValueError:       # no fork here: build after the site instead
                ctx = None
            process = receiver = None
            if ctx is not None:
                receiver, sender = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_child_build, args=(index, target, search_dir, cache_dir, sender),
                                      daemon=True)
                process.start()
                sender.close()
            try:
                yield process
            except BaseException:
                if process is not None:
                    process.terminate()
                    process.join()
                raise
            start = time.perf_counter()
            if process is None:
                from .whoosh_index import members_of_sources, write_index

                write_index(members_of_sources(sources(index), Memo(cache_dir)), target, search_dir)
            else:
                try:
                    error = receiver.recv()["error"]
                except EOFError:
                    error = "proces przerwany"
                process.join()
                if error or process.exitcode:
                    raise BuildError(f"indeks wyszukiwania Whoosh nie powstał ({error or process.exitcode}); "
                                     f"poprzedni {search_dir} pozostał bez zmian.")
            replace_dir(target, search_dir)
            if timings is not None:
                timings["indeks Whoosh (oczekiwanie)"] = time.perf_counter() - start
