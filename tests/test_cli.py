"""The command line as a user runs it: exit codes, messages, files written or left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, data_dir: Path, timeout=120):
    env = {**os.environ, "CRT_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("command", [[], ["demo"], ["check"], ["generate"]])
def test_every_command_has_help(command, data_dir):
    result = run(*command, "--help", data_dir=data_dir)
    assert result.returncode == 0
    assert "usage: python main.py" in result.stdout
    assert "--db" in result.stdout


def test_usage_errors_exit_2(data_dir, tmp_path):
    assert run("frobnicate", data_dir=data_dir).returncode == 2
    result = run("generate", "--db", tmp_path / "x.sqlite", "--actions", "many", data_dir=data_dir)
    assert result.returncode == 2
    assert "'many' is not a whole number" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_demo_writes_a_new_database_and_check_summarises_it(data_dir, tmp_path):
    path = tmp_path / "demo.sqlite"
    result = run("demo", "--db", path, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert path.exists()
    check = run("check", "--db", path, data_dir=data_dir)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Integrity: ok" in check.stdout
    assert "Result: OK" in check.stdout
    referrals = next(line for line in check.stdout.splitlines() if line.strip().startswith("Referrals"))
    assert int(referrals.split()[-1].replace(",", "")) > 10


def test_demo_refuses_an_existing_file_and_writes_nothing(data_dir, tmp_path):
    path = tmp_path / "office.sqlite"
    path.write_bytes(b"already here")
    result = run("demo", "--db", path, data_dir=data_dir)
    assert result.returncode == 1
    assert "already exists" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == b"already here"


def test_check_refuses_what_is_not_a_database(data_dir, tmp_path):
    path = tmp_path / "tracker.sqlite"
    path.write_text("Ref,Summary\n", encoding="utf-8")
    result = run("check", "--db", path, data_dir=data_dir)
    assert result.returncode == 1
    assert "not an SQLite file" in result.stderr
    missing = run("check", "--db", tmp_path / "nope.sqlite", data_dir=data_dir)
    assert missing.returncode == 1 and "There is no database" in missing.stderr


def test_check_reports_damage(data_dir, tmp_path):
    path = tmp_path / "office.sqlite"
    assert run("demo", "--db", path, data_dir=data_dir).returncode == 0
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 40), page):  # scribble over b-tree pages
        data[offset:offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    result = run("check", "--db", path, data_dir=data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "PROBLEMS FOUND" in result.stdout or "damaged" in result.stderr


def test_generate_fills_a_new_database(data_dir, tmp_path):
    path = tmp_path / "big.sqlite"
    result = run("generate", "--db", path, "--actions", "300", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    check = run("check", "--db", path, data_dir=data_dir)
    actions = next(line for line in check.stdout.splitlines() if line.strip().startswith("Actions "))
    assert actions.split()[-1] == "300"


def test_the_window_opens_on_the_demo_database(data_dir):
    env = {**os.environ, "CRT_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "main.py", "--demo"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if (data_dir / "demo.sqlite").exists() and time.monotonic() > deadline - 50:
                break
            time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    check = run("check", "--db", data_dir / "demo.sqlite", data_dir=data_dir)
    assert "Result: OK" in check.stdout
    referrals = next(line for line in check.stdout.splitlines() if line.strip().startswith("Referrals"))
    assert int(referrals.split()[-1]) > 10


def test_output_cut_short_by_its_reader_ends_quietly(data_dir, tmp_path):
    db = tmp_path / "plan.sqlite"
    assert run("generate", "--db", db, "--actions", 3000, data_dir=data_dir).returncode == 0
    env = {**os.environ, "CRT_DATA_DIR": str(data_dir)}
    listing = subprocess.Popen([sys.executable, "main.py", "plan", "--db", str(db)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT, env=env)
    listing.stdout.readline()  # read one line, then stop reading, as `| head -1` does
    listing.stdout.close()
    assert listing.wait(timeout=120) == 0
    assert b"Traceback" not in listing.stderr.read()
