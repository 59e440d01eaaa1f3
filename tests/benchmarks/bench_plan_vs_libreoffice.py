"""Benchmark: the printed action plan beside LibreOffice printing the exported workbook.

A plain script, not a test (pytest does not collect ``bench_*.py``):

    python tests/benchmarks/bench_plan_vs_libreoffice.py [--actions 10000]

In one run, on a freshly generated database: ``main.py report action-plan --paper A3`` (and
A4) as whole commands, their times and page counts; then ``main.py export action-plan`` and
LibreOffice (headless) converting that workbook to PDF as its page set-up prints it (A3,
landscape, fitted to the page's width), its time and page count. The issue's target: the
product prints fewer pages than LibreOffice on the same paper and is at least three times
faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[2]
MAIN = [sys.executable, str(REPO / "main.py")]


def _timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


def _pages(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    args = parser.parse_args()
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed for this benchmark.")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "CRT_DATA_DIR": str(work / "data")}
        db = work / "plan.sqlite"
        subprocess.run([*MAIN, "generate", "--db", str(db), "--actions", str(args.actions)], check=True,
                       capture_output=True, env=env)
        results = {}
        for paper in ("A3", "A4"):
            out = work / f"plan-{paper}.pdf"
            seconds = _timed([*MAIN, "report", "action-plan", "--db", str(db), "--paper", paper, "--out", str(out)],
                             env=env)
            results[paper] = (seconds, _pages(out))
        workbook = work / "plan.xlsx"
        export_seconds = _timed([*MAIN, "export", "action-plan", "--db", str(db), "--out", str(workbook)], env=env)
        lo_seconds = _timed([soffice, "--headless", f"-env:UserInstallation=file://{work}/lo", "--convert-to", "pdf",
                             "--outdir", str(work / "lo"), str(workbook)], timeout=3600)
        lo_pages = _pages(work / "lo" / "plan.pdf")
    print(f"{args.actions:,} actions")
    for paper, (seconds, pages) in results.items():
        print(f"  report action-plan --paper {paper}: {pages:6,} pages in {seconds:6.1f} s")
    print(f"  LibreOffice printing the exported workbook (A3, fit to width): {lo_pages:6,} pages in "
          f"{lo_seconds:6.1f} s (the export itself {export_seconds:.1f} s)")
    a3_seconds, a3_pages = results["A3"]
    print(f"  A3: {a3_pages / lo_pages:.2f} of LibreOffice's pages, {lo_seconds / a3_seconds:.1f} times as fast "
          f"({'met' if a3_pages < lo_pages and lo_seconds >= 3 * a3_seconds else 'MISSED'})")


if __name__ == "__main__":
    main()
