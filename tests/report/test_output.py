"""The one report writer: atomic for files, in place for devices and pipes, whole appends."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REF = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_cell 100.5\n"
CAND = "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: F_cell 100.5\n"


@pytest.fixture
def pair(write):
    return write("ref.log", REF), write("cand.log", CAND)


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def _reader() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=_reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("through_link", [False, True], ids=["fifo", "link-to-fifo"])
def test_a_fifo_is_written_in_place_never_replaced(cli, pair, tmp_path, through_link):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_link:
        target = tmp_path / "link"
        target.symlink_to(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    result = cli("compare", *pair, "--format", "json", "--output", target)
    reader.join(timeout=30)
    assert result.code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert target.is_symlink() == through_link
    assert b'"verdict": "match"' in received[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"ref.log", "cand.log", "pipe", target.name})


def test_dev_null_stays_a_device(cli, pair):
    before = os.stat("/dev/null")
    result = cli("compare", *pair, "--output", "/dev/null")
    assert result.code == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_is_never_replaced_even_as_root(cli, pair, tmp_path):
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    for option in ("--output", "--append"):
        assert cli("compare", *pair, option, node).code == 0
        assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_socket_is_refused_and_left_alone(cli, pair, tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = cli("compare", *pair, "--output", path)
    finally:
        server.close()
    assert result.code == 2
    assert result.stderr.strip() == f"tracediff: error: {path}: is a socket, cannot write the report there"
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_link_to_a_file_stays_a_link(cli, pair, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    assert cli("compare", *pair, "--format", "json", "--output", link).code == 0
    assert link.is_symlink()
    assert '"verdict": "match"' in real.read_text()


def test_twelve_concurrent_appends_all_land(pair, tmp_path):
    log = tmp_path / "runs.md"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "tracediff", "compare", *map(str, pair), "--append", str(log)]
    procs = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(12)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 12, errors
    text = log.read_text(encoding="utf-8")
    assert text.count("\n## ") == 12
    assert text.count("tracediff: match") == 12  # every entry whole


def test_append_keeps_what_was_there(cli, pair, tmp_path):
    log = tmp_path / "runs.md"
    log.write_text("# my notes")  # no final newline
    assert cli("compare", *pair, "--append", log).code == 0
    assert cli("compare", *pair, "--append", log).code == 0
    text = log.read_text(encoding="utf-8")
    assert text.startswith("# my notes\n")
    assert text.count("\n## ") == 2
