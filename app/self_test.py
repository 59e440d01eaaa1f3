"""``--self-test``: does this copy of the program work on this computer?

Run against a fresh data folder in the system's temporary folder (the user's own data is
never touched), it does what a new user does first, through the program's own commands:
finds its bundled files, creates and migrates a new database, opens the window on it and
closes it, writes the demo office, exports an agency's workbook and reads it back, and
prints a paper with the bundled fonts. Each step says what it checked; the first that fails
stops the test with exit status 1. Meant for the frozen build and the installer's checks,
and for whoever supports the program on a new laptop.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Callable, Iterator, Sequence

from app import logs, paths
from app.check import check_database
from app.database import open_database
from app.licences import bundled_components
from app.resources import resource
from app.version import __version__
from db.migrate import MIGRATIONS_DIR, head_revision

# Runs one command line (``app.cli.main``) and returns its exit status.
RunCommand = Callable[[Sequence[str]], int]
# Opens the window over a database file as the program does and closes it once shown; the
# seconds from the call to the window on screen.
CheckWindow = Callable[[Path], float]

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansCondensed.ttf",
              "DejaVuSansCondensed-Bold.ttf")
# What ReportLab names an embedded subset of a bundled face in the PDF.
EMBEDDED_FONT = re.compile(rb"/BaseFont /[A-Z]{6}\+DejaVuSans")


class SelfTestFailed(Exception):
    """A step found the program not working; the message says what was wrong."""


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise SelfTestFailed(problem)


def _bundled_files() -> str:
    fonts = resource("fonts")
    missing = [name for name in FONT_FILES if not (fonts / name).is_file()]
    _require(not missing, f"fonts missing from {fonts}: {', '.join(missing)}")
    demo = sorted(resource("demo").glob("*.json"))
    _require(bool(demo), f"no demo content in {resource('demo')}")
    _require(resource("help", "guide.html").is_file(), f"the user guide (F1) is missing from {resource('help')}")
    versions = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    _require((MIGRATIONS_DIR / "env.py").is_file() and bool(versions),
             f"the database migrations are missing from {MIGRATIONS_DIR}")
    components = bundled_components()
    _require(any(c.name.casefold().startswith("pyside6") for c in components),
             "the packages' metadata is missing, so Help > About cannot list their licences")
    return (f"{len(FONT_FILES)} fonts, {len(demo)} demo files, the user guide, {len(versions)} migrations, "
            f"{len(components)} components' licences")


def _new_database(path: Path) -> str:
    open_database(path).close()
    report = check_database(path, summarise=False)
    _require(report.ok, f"the new database failed its check:\n{report.describe()}")
    return f"migrated to schema {head_revision()}"


def _command(run_command: RunCommand, *argv: str) -> None:
    """Run a command quietly; what it said is shown only if it failed."""
    said = io.StringIO()
    with redirect_stdout(said), redirect_stderr(said):
        status = run_command(list(argv))
    _require(status == 0, f"'{' '.join(argv[:2])}' ended with status {status}:\n{said.getvalue()}")


def _agency_workbook(run_command: RunCommand, database: Path, folder: Path) -> str:
    from app.excel.returns import read_export_stamp

    _command(run_command, "export", "agency-packs", "--db", str(database), "--out", str(folder))
    workbooks = sorted(folder.glob("*.xlsx"))
    _require(bool(workbooks), f"no agency workbook was written in {folder}")
    stamp = read_export_stamp(workbooks[0])
    _require(stamp is not None and bool(stamp.rows),
             f"{workbooks[0].name} was written but reads back without its actions")
    _command(run_command, "import", str(workbooks[0]), "--db", str(database))  # shows, writes nothing
    return f"{workbooks[0].name}, {stamp.rows} action row(s) read back"


def _paper(run_command: RunCommand, database: Path, pdf: Path) -> str:
    _command(run_command, "report", "briefing", "--db", str(database), "--out", str(pdf))
    embedded = EMBEDDED_FONT.findall(pdf.read_bytes())
    _require(bool(embedded), f"{pdf.name} was printed without the bundled DejaVu fonts")
    return f"{pdf.stat().st_size // 1024} KB, with the bundled fonts embedded"


@contextmanager
def _fresh_data_folder() -> Iterator[Path]:
    """A new, empty data folder for the test's run, removed afterwards."""
    before = os.environ.get(paths.DATA_DIR_ENV)
    with tempfile.TemporaryDirectory(prefix="crt-self-test-") as folder:
        os.environ[paths.DATA_DIR_ENV] = str(Path(folder) / "data")
        try:
            yield Path(folder)
        finally:
            logs.stop_log()
            if before is None:
                os.environ.pop(paths.DATA_DIR_ENV, None)
            else:
                os.environ[paths.DATA_DIR_ENV] = before


def run_self_test(run_command: RunCommand, check_window: CheckWindow | None,
                  say: Callable[[str], None] = print) -> int:
    """Run every step (the window's only when ``check_window`` is given); 0 if all passed,
    1 at the first that failed. ``say`` is told each step's outcome."""
    say(f"Case Review Tracker {__version__} self-test ({sys.platform}, Python {sys.version.split()[0]})")
    with _fresh_data_folder() as folder:
        demo = folder / "demo.sqlite"
        steps: list[tuple[str, Callable[[], str]]] = [
            ("Bundled files", _bundled_files),
            ("New database", lambda: _new_database(folder / "new.sqlite")),
        ]
        if check_window is not None:
            steps.append(("Window", lambda: f"opened and closed, on screen after "
                                            f"{check_window(folder / 'new.sqlite'):.2f} s"))
        steps += [
            ("Demo office", lambda: _command(run_command, "demo", "--db", str(demo)) or "written"),
            ("Agency workbook", lambda: _agency_workbook(run_command, demo, folder / "packs")),
            ("Paper", lambda: _paper(run_command, demo, folder / "briefing.pdf")),
        ]
        for name, step in steps:
            started = time.perf_counter()
            try:
                outcome = step()
            except Exception as error:  # noqa: BLE001 - every failure is reported, not raised
                say(f"FAILED {name}: {error}" if isinstance(error, SelfTestFailed) else
                    f"FAILED {name}: {type(error).__name__}: {error}")
                return 1
            say(f"ok     {name}: {outcome} ({time.perf_counter() - started:.1f} s)")
    say("Self-test passed.")
    return 0
