"""Benchmark the Excel round trip: export 10,000 and 100,000 synthetic actions, then read a
returned 10,000-row workbook and build its preview. Prints seconds and peak memory.

    python tests/benchmarks/bench_excel.py [--big N] [--keep FOLDER]

Each measurement runs in a fresh Python process, so its peak memory (the process's maximum
resident set, interpreter included) is its own. Besides wall-clock seconds it prints the CPU
seconds the work took, which is what the wall clock shows on a machine nothing else is
using (the work is single-threaded). Targets: 10,000 actions exported in under
1.5 s; 100,000 in under 12 s and 300 MB; a 10,000-row return previewed in under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TARGETS = {"export": {10_000: 1.5, 100_000: 12.0}, "preview": {10_000: 1.0}}
MEMORY_TARGET_MB = 300


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _open(db_path: Path):
    from app.database import open_database

    return open_database(db_path, backup_folder=db_path.parent / "backups")


def measure_export(db_path: Path, out: Path) -> dict:
    from app.excel.export import export_action_plan

    database = _open(db_path)
    started, cpu = time.perf_counter(), time.process_time()
    with database.sessions.begin() as session:
        result = export_action_plan(session, out)
    return {"rows": result.rows, "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu, "peak_mb": _peak_mb()}


def measure_preview(db_path: Path, returned: Path) -> dict:
    from app.excel.returns import read_return

    database = _open(db_path)
    started, cpu = time.perf_counter(), time.process_time()
    with database.sessions() as session:
        preview = read_return(session, returned)
    return {"rows": preview.rows_read, "changed": len(preview.actions),
            "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "peak_mb": _peak_mb()}


def make_return(export: Path, returned: Path, every: int = 10) -> None:
    """Edit every ``every``-th row of an export as an agency would: a RAG and an update."""
    import openpyxl

    from app.excel.export import ACTION_SHEET

    workbook = openpyxl.load_workbook(export)
    sheet = workbook[ACTION_SHEET]
    headers = {cell.value: cell.column for cell in sheet[3]}
    for row in range(4, sheet.max_row + 1, every):
        sheet.cell(row, headers["RAG"]).value = "Green"
        sheet.cell(row, headers["New progress update"]).value = f"Benchmark update for row {row}."
    workbook.save(returned)


def generate(db_path: Path, actions: int) -> None:
    from app.synthetic import generate as fill

    if not db_path.exists():
        fill(_open(db_path), actions, today=dt.date(2026, 6, 30))


def _child(kind: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, *args],
                          capture_output=True, text=True, check=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(label: str, result: dict, target: float | None, memory: bool = False) -> None:
    verdict = ""
    if target is not None:
        fits = not memory or result["peak_mb"] < MEMORY_TARGET_MB
        limits = f"{target:g} s" + (f", {MEMORY_TARGET_MB} MB" if memory else "")
        verdict = (f"  target {limits}: wall {'met' if fits and result['seconds'] < target else 'MISSED'},"
                   f" CPU {'met' if fits and result['cpu'] < target else 'MISSED'}")
    print(f"{label:<30} {result['seconds']:6.2f} s (CPU {result['cpu']:5.2f} s)  "
          f"peak {result['peak_mb']:4.0f} MB{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=100_000, help="actions in the large export")
    parser.add_argument("--keep", type=Path, help="folder for the databases and workbooks (kept)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db_path, path = args.child
        measure = measure_export if kind == "export" else measure_preview
        print(json.dumps(measure(Path(db_path), Path(path))))
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-excel-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CRT_DATA_DIR", str(folder / "data"))
    for actions in (10_000, args.big):
        db_path = folder / f"actions-{actions}.sqlite"
        generate(db_path, actions)
        out = folder / f"plan-{actions}.xlsx"
        result = _child("export", str(db_path), str(out))
        _report(f"export {actions:,} actions", result, TARGETS["export"].get(actions), memory=actions >= 100_000)
    db_path = folder / "actions-10000.sqlite"
    returned = folder / "return-10000.xlsx"
    make_return(folder / "plan-10000.xlsx", returned)
    result = _child("preview", str(db_path), str(returned))
    _report(f"preview a {result['rows']:,}-row return", result, TARGETS["preview"][10_000])
    print(f"({result['changed']:,} rows changed; files in {folder}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
