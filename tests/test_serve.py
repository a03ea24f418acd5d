"""`wiedza serve`: loopback only, shows an edit quickly, survives a content error, stays idle."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, edit

ART = "articles/artykul-w-kwartalniku.md"
PAGE = "publikacje/artykul-w-kwartalniku/index.html"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if predicate():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture
def server(mini, tmp_path):
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "wiedza.cli", "serve", "--content", str(mini), "--site-dir",
                                str(tmp_path / "site"), "--port", str(port)], cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(lambda: "Krótki abstrakt" in _get(base + PAGE), 60)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_serve_shows_an_edit_and_survives_a_content_error(server, mini):
    base, log = server
    edit(mini / ART, "Krótki abstrakt", "Poprawiony abstrakt")
    seconds = _wait_for(lambda: "Poprawiony abstrakt" in _get(base + PAGE), 10)
    assert seconds < 5, f"the change took {seconds:.1f} s to show"
    edit(mini / ART, "date: 2025-03-01", "date: 2025-02-30")
    _wait_for(lambda: "nie istnieje w kalendarzu" in open(log.name, encoding="utf-8").read(), 10)
    assert "Poprawiony abstrakt" in _get(base + PAGE), "the last good build is still served"


def test_serve_stays_idle_when_nothing_changes(server):
    _, log = server
    time.sleep(3)
    builds = open(log.name, encoding="utf-8").read().count("Gotowe:")
    assert builds == 1, "reading content during a build must not trigger another build"


def test_serve_listens_on_loopback_only(server):
    """The listening socket is bound to 127.0.0.1, not to every interface (read from the kernel)."""
    base, _ = server
    port = int(base.rsplit(":", 1)[1].strip("/"))
    listening = []
    for line in open("/proc/net/tcp", encoding="ascii").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:  # 0A = LISTEN
            listening.append(address)
    assert listening == ["0100007F"], listening  # 127.0.0.1 in the kernel's byte order
