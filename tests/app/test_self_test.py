"""--self-test: every step on a fresh data folder, and a plain sentence when one fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import resources
from app.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_self_test_passes_through_main_py_with_the_window_and_leaves_the_data_folder_alone(tmp_path):
    data = tmp_path / "users-own-data"
    env = {**os.environ, "CRT_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "main.py", "--self-test"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for step in ("Bundled files", "New database", "Window", "Demo office", "Agency workbook", "Paper"):
        assert any(line.startswith(f"ok     {step}:") for line in lines), result.stdout
    assert "with the bundled fonts embedded" in result.stdout
    assert lines[-1] == "Self-test passed."
    assert not data.exists()


def test_missing_fonts_fail_the_self_test_by_name(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "resources"
    (empty / "demo").mkdir(parents=True)
    monkeypatch.setattr(resources, "resource_root", lambda: empty)

    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "FAILED Bundled files: fonts missing" in out and "DejaVuSans.ttf" in out
    assert "Self-test passed." not in out
