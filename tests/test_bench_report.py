"""How the build benchmark summarises repeated clean builds and judges scaling (the numbers
themselves come from `scripts/bench`, not from tests)."""
from __future__ import annotations

from wiedza.bench.run import FLOOR, fastest, scaling


def run(wall: float, **stages: float) -> dict:
    return {"wall": wall, "timings": dict(stages), "cpu": {k: v * 2 for k, v in stages.items()}, "pages": 1}


def test_fastest_keeps_each_stages_minimum_and_the_fastest_whole_build():
    best = fastest([run(10.0, load=1.0, pages=0.5), run(9.0, load=1.5, pages=0.2), run(11.0, load=1.2, pages=0.9)])
    assert best["wall"] == 9.0
    assert best["timings"] == {"load": 1.0, "pages": 0.2}
    assert best["cpu"] == {"load": 2.0, "pages": 0.4}


def test_scaling_reports_the_worst_stage_above_the_floor():
    small = {"n": 1000, "clean": run(60.0, load=4.0, pages=0.1, tiny=FLOOR / 10), "link_control": 0.3}
    big = {"n": 5000, "clean": run(290.0, load=20.0, pages=0.6, tiny=FLOOR), "link_control": 1.8}
    text = scaling(small, big, ["load", "pages", "tiny"])
    assert "| pages | 0.10 | 0.60 | 6.00 | | | | |" in text
    assert "| tiny | 0.00 | 0.01 | – | | | | |" in text            # ×10 of timer noise is not judged
    assert "Worst stage in the clean builds: „pages” ×6.00" in text
    assert "judged alone" not in text and "Function calls" not in text
    assert "| **whole build** | 60.0 | 290.0 | 4.83 | | | | |" in text
    assert "hard-linked in a bare loop* | 0.30 | 1.80 | 6.00 | | | | |" in text


def test_scaling_judges_a_stage_measured_alone_by_that_measurement():
    small = {"n": 1000, "clean": run(60.0, load=4.0, pages=0.1, feeds=0.2), "alone": {"pages": 0.080, "feeds": 0.15},
             "alone_calls": {"pages": 100_000, "feeds": 20_000}}
    big = {"n": 5000, "clean": run(290.0, load=21.0, pages=0.6, feeds=1.0), "alone": {"pages": 0.400, "feeds": 0.9},
           "alone_calls": {"pages": 500_000, "feeds": 104_000}}
    text = scaling(small, big, ["load", "pages", "feeds"])
    assert "| pages | 0.10 | 0.60 | 6.00 | 0.080 | 0.400 | 5.00 | 5.00 |" in text
    assert "| load | 4.00 | 21.00 | 5.25 | | | | |" in text
    assert "Worst stage in the clean builds: „pages” ×6.00" in text
    assert "Worst stage, each judged alone where it was measured alone: „feeds” ×6.00." in text
    assert "Function calls of the stages measured alone: at most ×5.20 („feeds”)." in text


def test_link_control_links_every_published_file(tmp_path):
    from wiedza.bench.run import link_control

    for rel in ("site/index.html", "site/a/b.html", "files/kanaly/x.xml"):
        (tmp_path / "ws" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "ws" / rel).write_text(rel, encoding="utf-8")
    link_control(tmp_path / "ws", tmp_path / "out")
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file()) == \
        ["a/b.html", "index.html", "kanaly/x.xml"]
    assert (tmp_path / "out" / "a" / "b.html").stat().st_ino == (tmp_path / "ws" / "site" / "a" / "b.html").stat().st_ino
