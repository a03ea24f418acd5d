"""The build benchmark: synthetic trees of N items, `wiedza build` per stage (wall and CPU), peak
memory, output sizes, a bare MkDocs build of the same pages for the ratio, and an incremental
rebuild after editing one item. Prints a table; `--markdown FILE` also writes it for bench/.

Each build runs in its own process so peak memory (ru_maxrss) belongs to that build alone.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .corpus import generate

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from wiedza.pipeline import build_site
content, site, cache, search, clean = sys.argv[1:6]
start = time.perf_counter()
summary = build_site(Path(content), Path(site), cache_dir=Path(cache), search_dir=Path(search), clean=clean == "1")
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "timings": summary.timings, "cpu": summary.cpu, "pages": summary.pages,
                  "files": summary.files, "incremental": summary.incremental}))
"""

# Short stages measured alone, each the fastest of ISOLATED_RUNS: inside a whole build a stage of
# a tenth of a second varies by half from build to build (write-back of what the build has
# written, the other processes), so its ratio between two sizes said more about the machine than
# about the code. Only stages that compute rather than write files, and do the same work with the
# caches filled, are measured so. The others keep their clean-build times: kits, citations,
# search, loading and the engine run for seconds, and writing pages, feeds and publishing are file
# system work, which alone was no steadier (creating the same files took twice as long).
ISOLATED_RUNS = 5
ISOLATED = r"""
import copy, cProfile, gc, json, os, pstats, shutil, sys, tempfile, time
from pathlib import Path
from wiedza.content.loader import load_site
from wiedza.outputs.context import BuildContext
from wiedza.pipeline import WRITERS
from wiedza.stage import Stage
content, cache, runs, alone = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
unknown = set(alone) - {name for name, _ in WRITERS}
if unknown:
    sys.exit(f"no such writers: {sorted(unknown)}")
index = load_site(content, cache_dir=cache)
scratch = Path(tempfile.mkdtemp(dir=cache.parent, prefix="isolated-"))
ready = BuildContext(index=index, stage=Stage(scratch / "files", scratch / "pages"), cache_dir=cache)
for name, writer in WRITERS:   # the others, once: they give the measured ones what they read
    if name not in alone:
        writer(ready)
gc.freeze()
os.sync()   # the kit files those writers copied are on disk, not being written back meanwhile

def fresh(run):
    ctx = copy.copy(ready)
    for name in ("downloads", "feeds", "sections", "heads"):
        setattr(ctx, name, copy.deepcopy(getattr(ready, name)))
    ctx.stage = Stage(scratch / f"files-{run}", scratch / f"pages-{run}", owners=dict(ready.stage.owners),
                      pages=dict(ready.stage.pages), head_extra=copy.deepcopy(ready.stage.head_extra),
                      site_head=list(ready.stage.site_head))
    return ctx

best, calls = {}, {}
for run in range(runs):
    ctx = fresh(run)
    for name, writer in WRITERS:
        if name in alone:
            start = time.perf_counter()
            writer(ctx)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
            gc.freeze()
ctx = fresh(runs)   # once more, counting Python function calls: the same at every run, on any machine
for name, writer in WRITERS:
    if name in alone:
        profile = cProfile.Profile()
        profile.runcall(writer, ctx)
        calls[name] = pstats.Stats(profile).total_calls
shutil.rmtree(scratch)   # here, not in the background: the next measurement would share the disk
print(json.dumps({"seconds": best, "calls": calls}))
"""
ALONE = ("metadane naukowe", "OAI-PMH", "strony publikacji", "strony scenariuszy", "strony serwisu",
         "deklaracja dostępności", "pliki serwisu", "mapa serwisu")

# A bare `mkdocs build` of the same pages: one process, no template cache (wiedza's adapter spreads
# many pages over the cores, see wiedza.engine.parts, which a bare build does not).
BARE = r"""
import sys, time
from pathlib import Path
from wiedza.engine import EngineJob
from wiedza.engine.mkdocs_engine import MkDocsEngine
from wiedza.pipeline import NAV
docs, out = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
MkDocsEngine().build_in_one_process(EngineJob(stage_dir=docs, out_dir=out, site_url="https://example.pl/",
                                              site_name="Wiedza", description="", copyright_html="", nav=NAV,
                                              build_epoch=0))
print(time.perf_counter() - start)
"""


def _run(code: str, *args: str) -> tuple[str, float, int]:
    """Run a Python snippet in a child; returns (stdout, wall seconds, peak RSS in KB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.stdout.strip().splitlines()[-1], wall, max(peak, before)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _empty(folder: Path) -> None:
    """Delete what a folder holds, now rather than in the background, where it would slow the builds."""
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    os.sync()


def _bare_docs(workspace: Path, target: Path) -> Path:
    """The staged pages alone (plus our CSS), without feeds, kits, exports or search parts."""
    shutil.copytree(workspace / "docs", target)
    shutil.copytree(workspace / "files" / "assets" / "wiedza", target / "assets" / "wiedza")
    return target


EDITS = 3   # one-item edits measured (median reported), for the build and for `wiedza serve`


def _edit_targets(content: Path, count: int) -> list[Path]:
    """Distinct research items spread over the tree: their bodies get a new paragraph."""
    items = sorted((content / "articles").rglob("*.md"))
    return [items[(k + 1) * len(items) // (count + 2)] for k in range(count)]


def _settle(cache: Path, timeout: float = 600) -> None:
    """Wait until the build's background deletions are done and the disk has caught up with what
    the builds wrote: an editor saves the next edit some seconds after the last build, not while the
    trees of a clean build are still being deleted (which slowed every stage of an edit by half)."""
    trash = cache / "trash"
    deadline = time.monotonic() + timeout
    while trash.is_dir() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.sync()


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def measure(n: int, work: Path, repeat: int = 2) -> dict:
    _empty(work)   # a kept folder from an earlier run: its caches would make the clean build warm
    content = generate(work / "content", n)
    site, search = work / "site", work / "search"
    cache = site.parent / ".cache"    # the default cache of site/, so `wiedza serve` shares it
    # Every measurement starts on a settled machine (see _settle).
    _settle(cache)
    out, _, peak = _run(CHILD, str(content), str(site), str(cache), str(search), "1")
    cleans = [json.loads(out)]
    for k in range(1, repeat):   # each in a folder of its own: deleting the last one would slow this one
        again = work / f"clean-{k + 1}"
        _settle(again / ".cache")
        out, _, _ = _run(CHILD, str(content), str(again / "site"), str(again / ".cache"), str(again / "search"), "1")
        cleans.append(json.loads(out))
    result = {"n": n, "clean": fastest(cleans), "clean_walls": [c["wall"] for c in cleans], "peak_mb": peak / 1024}
    result["link_control"] = min(link_control(cache / "engine", work / f"links-{k + 1}") for k in range(repeat))
    result["site_mb"] = _size(site) / 1e6
    result["search_mb"] = _size(search) / 1e6
    bare_docs = _bare_docs(cache / "engine", work / "bare-docs")
    _settle(cache)
    bare, _, _ = _run(BARE, str(bare_docs), str(work / "bare-site"))
    result["bare_mkdocs"] = float(bare)
    # warm: same content, caches filled (what an editor sees on the second build)
    _settle(cache)
    out, _, _ = _run(CHILD, str(content), str(site), str(cache), str(search), "0")
    result["warm"] = json.loads(out)
    # --clean: MkDocs renders every page again, as in the bare build; our caches are kept
    _settle(cache)
    out, _, _ = _run(CHILD, str(content), str(site), str(cache), str(search), "1")
    result["clean_warm"] = json.loads(out)
    _run(CHILD, str(content), str(site), str(cache), str(search), "0")   # the spare tree catches up
    # incremental: edit one item's body, a different item each time; the median run is kept
    runs = []
    for k, item in enumerate(_edit_targets(content, EDITS)):
        _settle(cache)
        _append(item, f"Dopisany akapit po redakcji numer {k + 1}.")
        out, process_wall, _ = _run(CHILD, str(content), str(site), str(cache), str(search), "0")
        runs.append({**json.loads(out), "process_wall": process_wall})   # with start-up and imports
    result["incremental"] = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    result["incremental_walls"] = [r["wall"] for r in runs]
    _settle(cache)
    result["serve_seconds"] = measure_serve(content, site)
    out, _, _ = _run(ISOLATED, str(content), str(cache), str(ISOLATED_RUNS), json.dumps(ALONE))
    alone = json.loads(out)
    result["alone"], result["alone_calls"] = alone["seconds"], alone["calls"]
    return result


def link_control(workspace: Path, target: Path) -> float:
    """Seconds to hard-link the published files into an empty folder in a bare loop: what the
    file system alone charges for publishing, to tell its scaling from ours."""
    from ..publish import scan

    files = sorted({**scan(workspace / "site"), **scan(workspace / "files")}.items())
    os.sync()
    start, made = time.perf_counter(), set()
    for rel, (source, _) in files:
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            made.add(folder)
        os.link(source, os.path.join(target, rel))
    return time.perf_counter() - start


def fastest(runs: list[dict]) -> dict:
    """The clean builds' fastest whole build, with each stage's fastest time over all of them: a
    stage of a tenth of a second is easily doubled by what the machine does meanwhile (disk
    write-back of the gigabyte the build has just written, for one), never halved."""
    best = dict(min(runs, key=lambda r: r["wall"]))
    for measure in ("timings", "cpu"):
        best[measure] = {stage: min(r[measure].get(stage, 0.0) for r in runs) for stage in runs[0][measure]}
    return best


def measure_serve(content: Path, site: Path) -> list[float]:
    """Seconds from saving an edited item to `wiedza serve` serving the changed page."""
    from ..content.loader import load_site

    index = load_site(content)
    pages = {doc.source.resolve(): index.path_of(doc) for doc in index.research}
    process = subprocess.Popen([sys.executable, "-m", "wiedza.cli", "serve", "--content", str(content),
                                "--site-dir", str(site), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONHASHSEED": "0"})
    try:
        base = _served_at(process)
        seconds = []
        for k, item in enumerate(_edit_targets(content, EDITS)):
            marker = f"Znacznik podglądu {k + 1} {time.time_ns()}"
            time.sleep(1.0)   # let the previous rebuild settle
            start = time.perf_counter()
            _append(item, marker)
            url = base + pages[item.resolve()]
            while marker not in _get(url):
                if time.perf_counter() - start > 120:
                    raise SystemExit(f"wiedza serve did not show the edit of {item} within 120 s")
                time.sleep(0.02)
            seconds.append(time.perf_counter() - start)
        return seconds
    finally:
        process.terminate()
        process.wait(timeout=30)


def _served_at(process: subprocess.Popen) -> str:
    for line in process.stdout:
        if line.startswith("Podgląd: "):
            return line.split()[1]
    raise SystemExit("wiedza serve exited before serving")


def _get(url: str) -> str:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""   # between swaps, or not built yet


def table(results: list[dict]) -> str:
    stages = list(dict.fromkeys(stage for r in results for stage in r["clean"]["timings"]))
    head = "| stage | " + " | ".join(f"N={r['n']} clean, wall / CPU s | N={r['n']} after one edit, wall s"
                                      for r in results) + " |"
    lines = [head, "|---|" + "---|---|" * len(results)]
    for stage in stages:
        cells = [f"{r['clean']['timings'].get(stage, 0):.2f} / {r['clean']['cpu'].get(stage, 0):.2f} | "
                 f"{r['incremental']['timings'].get(stage, 0):.2f}" for r in results]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    rows = [
        ("whole build, clean, empty caches (wall s)", lambda r: f"{r['clean']['wall']:.1f}"),
        ("bare MkDocs, same pages (wall s)", lambda r: f"{r['bare_mkdocs']:.1f}"),
        ("ratio clean / bare", lambda r: f"{r['clean']['wall'] / r['bare_mkdocs']:.2f}"),
        ("whole build, warm caches (wall s)", lambda r: f"{r['warm']['wall']:.1f}"),
        ("ratio warm / bare", lambda r: f"{r['warm']['wall'] / r['bare_mkdocs']:.2f}"),
        ("`--clean`: every page rendered again, caches kept (wall s)", lambda r: f"{r['clean_warm']['wall']:.1f}"),
        ("ratio `--clean` / bare", lambda r: f"{r['clean_warm']['wall'] / r['bare_mkdocs']:.2f}"),
        ("after editing one item: build (wall s, median of 3)", lambda r: f"{r['incremental']['wall']:.2f}"),
        ("after editing one item: whole process with Python start-up (s)",
         lambda r: f"{r['incremental']['process_wall']:.2f}"),
        ("`wiedza serve` shows the edit after (s, median of 3)",
         lambda r: f"{sorted(r['serve_seconds'])[len(r['serve_seconds']) // 2]:.2f}"),
        ("peak memory (MB)", lambda r: f"{r['peak_mb']:.0f}"),
        ("pages / files", lambda r: f"{r['clean']['pages']} / {r['clean']['files']}"),
        ("site/ size (MB)", lambda r: f"{r['site_mb']:.1f}"),
        ("search/ size (MB)", lambda r: f"{r['search_mb']:.1f}"),
    ]
    for label, cell in rows:
        lines.append(f"| **{label}** | " + " | ".join(f"{cell(r)} | " for r in results) + " |")
    lines.append(f"\nClean builds per size: {len(results[0]['clean_walls'])}; per stage the fastest is shown.")
    if len(results) >= 2:
        lines.append("\n" + scaling(results[-2], results[-1], stages))
    return "\n".join(lines)


FLOOR = 0.01   # seconds: stages below this at the smaller size are not compared (timer noise)


def scaling(small: dict, big: dict, stages: list[str]) -> str:
    """Per stage: clean-build wall time at both sizes and their ratio, against N's ratio; and, for
    the stages measured alone (ISOLATED), the same from those measurements."""
    factor = big["n"] / small["n"]
    alone_small, alone_big = small.get("alone", {}), big.get("alone", {})
    calls_small, calls_big = small.get("alone_calls", {}), big.get("alone_calls", {})
    lines = [f"Scaling N={small['n']}→{big['n']} (×{factor:g}), wall s: in the clean builds, and measured alone "
             f"(the fastest of {ISOLATED_RUNS}); for those also the ratio of Python function calls, which do not "
             "depend on the machine:", "",
             f"| stage | N={small['n']} | N={big['n']} | × | alone N={small['n']} | alone N={big['n']} | × alone "
             "| × calls |", "|---|---|---|---|---|---|---|---|"]
    in_build, judged = {}, {}
    for stage in stages:
        a, b = small["clean"]["timings"].get(stage, 0.0), big["clean"]["timings"].get(stage, 0.0)
        cells = [f"{a:.2f}", f"{b:.2f}", "–"]
        if a >= FLOOR:
            in_build[stage] = judged[stage] = b / a
            cells[2] = f"{b / a:.2f}"
        if stage in alone_small and stage in alone_big:
            x, y = alone_small[stage], alone_big[stage]
            cells += [f"{x:.3f}", f"{y:.3f}", f"{y / x:.2f}" if x >= FLOOR else "–"]
            if x >= FLOOR:
                judged[stage] = y / x
            else:
                judged.pop(stage, None)
            if calls_small.get(stage) and stage in calls_big:
                cells.append(f"{calls_big[stage] / calls_small[stage]:.2f}")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |" + " |" * (7 - len(cells)))
    whole = big["clean"]["wall"] / small["clean"]["wall"]
    lines.append(f"| **whole build** | {small['clean']['wall']:.1f} | {big['clean']['wall']:.1f} | {whole:.2f} | | | | |")
    if "link_control" in small and "link_control" in big:
        a, b = small["link_control"], big["link_control"]
        lines.append(f"| *control: the same files hard-linked in a bare loop* | {a:.2f} | {b:.2f} | {b / a:.2f} | | | | |")
    worst = max(in_build, key=in_build.get)
    lines.append(f"\nWorst stage in the clean builds: „{worst}” ×{in_build[worst]:.2f} (stages under {FLOOR} s "
                 f"at N={small['n']} not compared).")
    if alone_small and alone_big:
        worst = max(judged, key=judged.get)
        lines.append(f"Worst stage, each judged alone where it was measured alone: „{worst}” ×{judged[worst]:.2f}.")
    ratios = {stage: calls_big[stage] / calls_small[stage] for stage in calls_small if calls_small[stage] and stage in calls_big}
    if ratios:
        worst = max(ratios, key=ratios.get)
        lines.append(f"Function calls of the stages measured alone: at most ×{ratios[worst]:.2f} („{worst}”).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp dir)")
    parser.add_argument("--repeat", type=int, default=2, help="clean builds per size; each stage's fastest is kept")
    args = parser.parse_args(argv)
    results = []
    for n in args.sizes:
        work = args.keep / f"n{n}" if args.keep else Path(tempfile.mkdtemp(prefix=f"wiedza-bench-{n}-"))
        work.mkdir(parents=True, exist_ok=True)
        print(f"N={n}: {work}", file=sys.stderr, flush=True)
        try:
            results.append(measure(n, work, max(1, args.repeat)))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    text = table(results)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(f"# Build benchmark\n\nMachine: {os.cpu_count()} cores. "
                                 f"Command: `scripts/bench {' '.join(map(str, args.sizes))}`.\n\n{text}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
