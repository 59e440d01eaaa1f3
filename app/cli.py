"""The command line: the same services as the window, without one.

Exit status: 0 success; 1 the user's input was refused (a plain message on stderr, nothing
written); 2 a usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import inspect
import os
import logging
import sys
from pathlib import Path
from typing import Callable, Sequence

from sqlalchemy import func, select

from app import logs, paths
from app.check import check_location
from app.copy_command import add_copy_parser
from app.database import Database, database_location, open_database, open_demo_database
from app.db_errors import plain_database_errors
from app.errors import UserError
from app.plan_command import add_plan_parser
from app.privacy_scan import add_despite_findings_option
from app.safety_command import add_safety_parsers
from app.self_test import CheckWindow, run_self_test
from app.version import __version__
from db.models import Agency

# Starts the window: given the database (a file, or a server address kept as text) and a
# function that opens it (the window calls it itself, so that a refusal is shown in a dialog
# rather than on a console nobody sees).
GuiStarter = Callable[[Path | str, Callable[[], Database]], int]

log = logging.getLogger(__name__)


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _fill_new_database(given: str, fill: Callable[[Database], object]) -> object:
    """Create a new database file, or the tables of a new one in an empty database on a
    server, and fill it. An existing file is never touched, a server database that already
    holds one is refused, and a failed fill leaves no half-made file behind."""
    location = database_location(given)
    path = location if isinstance(location, Path) else None
    if path is not None and path.exists() and path.stat().st_size > 0:
        raise UserError(f"{path} already exists. Choose a new file name; nothing has been written.")
    db = open_database(location, create=True)
    try:
        if path is None and db.migration.from_revision is not None:
            raise UserError(f"{db.location} already holds a Case Review Tracker database. Choose an empty "
                            "database on the server; nothing has been written.")
        return fill(db)
    except BaseException:
        db.close()
        if path is not None:
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        db.close()


def _cmd_demo(args) -> int:
    from app.demo import write_demo

    def fill(db: Database):
        with db.sessions.begin() as s:
            return write_demo(s)

    summary = _fill_new_database(args.db, fill)
    print(f"Demo database written to {args.db}: {summary}")
    return 0


def _cmd_new(args) -> int:
    def fill(db: Database):
        with db.sessions() as s:
            return s.scalar(select(func.count()).select_from(Agency))

    agencies = _fill_new_database(args.db, fill)
    print(f"New database created at {args.db}: empty, with the usual lists, clocks and "
          f"{agencies} agencies, ready to edit. Import a tracker into it with "
          f"'import FILE --db {args.db}'.")
    return 0


def _cmd_generate(args) -> int:
    from app.synthetic import generate

    summary = _fill_new_database(args.db, lambda db: generate(db, args.actions, seed=args.seed))
    print(f"Synthetic database written to {args.db}: {summary}")
    return 0


def _cmd_check(args) -> int:
    report = check_location(database_location(args.db))
    print(report.describe())
    return 0 if report.ok else 1


def _cmd_chase(args, database: Database) -> int:
    from app import chasing
    from app.text import plural

    with database.readers() as session:
        chosen = chasing.recipients(session, agency=args.agency, due_today=args.due_today)
    if not chosen:
        print("Nobody to chase: no lead officer or agency is "
              + ("due a chase today by the chase schedule." if args.due_today else "behind with an action."))
        return 0
    if database.path is not None:  # as import does: a checked copy first, or nothing is written
        from app.backups import backup_before_change

        print(f"Backed up the database first: {backup_before_change(database.path, 'chase').path}")
    try:
        with database.sessions.begin() as session:
            written = chasing.write_chases(session, args.out, chosen, despite_findings=args.despite_findings)
    except chasing.ChaseHoldsFindings as stopped:
        with database.sessions.begin() as session:
            stopped.record_stopped(session)
        raise UserError(f"{stopped} To write them anyway, add --despite-findings (that decision is recorded "
                        "in the audit trail).") from None
    for chase in written:
        print(chase.describe())
    actions = sum(len(chase.recipient.actions) for chase in written)
    print(f"{plural(len(written), 'chase e-mail')} written to {args.out}; the chase is recorded on "
          f"{plural(actions, 'action')}.")
    return 0


# Commands that only read the record and write files (put in place only once the database
# has passed its check at open): the check runs alongside them instead of before.
_CHECKED_ALONGSIDE = {"export", "report"}


def _with_database(handler: Callable[[argparse.Namespace, Database], int]):
    """Wrap a subcommand that works on an existing database."""
    def run(args) -> int:
        alongside = args.command in _CHECKED_ALONGSIDE
        db = open_database(database_location(args.db), create=False, check_later=alongside)
        if db.location_warning:
            print(f"Warning: {db.location_warning}", file=sys.stderr)
        checking = db.check_alongside()
        try:
            try:
                result = handler(args, db)
            except Exception:
                if checking is not None:  # a damaged file: say so, and what to restore,
                    db.wait_for_open_check()  # rather than what broke in reading it
                raise
            db.wait_for_open_check()  # whatever the command read came from a sound file
            return result
        finally:
            if checking is not None:
                checking.join()
            db.close()
    return run


def _optional_commands(subparsers, parents) -> None:
    """Subcommands that live with their feature (reports, Excel), added when present."""
    try:
        from app.reports.command import add_report_parser
    except ImportError:
        add_report_parser = None
    try:
        from app.excel.command import add_excel_parsers
    except ImportError:
        add_excel_parsers = None
    for add in (add_report_parser, add_excel_parsers):
        if add is not None:
            add(subparsers, parents)
    add_plan_parser(subparsers, parents)
    add_safety_parsers(subparsers, parents)
    add_copy_parser(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="Case Review Tracker: referrals, reviews, recommendations and the composite "
                    "action plan of a safeguarding children partnership. With no command, opens the window.",
    )
    # The data folder is named, not looked up: --help and --version touch nothing on disk.
    parser.add_argument("--db", metavar="FILE",
                        help=f"the database file, or a PostgreSQL address (postgresql+psycopg://user@host/"
                             f"database) (default: {paths.DEFAULT_DB_NAME} in your data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo database (created with sample data on first use)")
    parser.add_argument("--version", action="version", version=f"Case Review Tracker {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check that this copy of the program works (a new database, the window, a "
                             "workbook, a paper), in a temporary data folder; exit 0 if it does")

    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS,
                           help="the database file (default: the one in your data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="write the demo data into a new database file",
                          description="Create a new database holding a realistic demo office.")
    demo.add_argument("--db", metavar="FILE", required=True, help="the new database file to create")
    demo.set_defaults(func=_cmd_demo)

    new = sub.add_parser("new", help="create a new, empty database file",
                         description="Create a new database holding no records, only the usual "
                                     "lists, clocks and agencies (all editable). An existing file "
                                     "is refused and left as it is.")
    new.add_argument("--db", metavar="FILE", required=True, help="the new database file to create")
    new.set_defaults(func=_cmd_new)

    check = sub.add_parser("check", parents=[db_option], help="verify a database and summarise it",
                           description="Check a database's integrity and schema without changing it, "
                                       "and print what it holds. Exit 1 if anything is wrong.")
    check.set_defaults(func=_cmd_check)

    gen = sub.add_parser("generate", help="fill a new database with synthetic records (for testing speed)",
                         description="Create a new database with synthetic reviews, recommendations "
                                     "and N actions of realistic text length.")
    gen.add_argument("--db", metavar="FILE", required=True, help="the new database file to create")
    gen.add_argument("--actions", metavar="N", type=_positive_int, required=True, help="how many actions")
    gen.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    gen.set_defaults(func=_cmd_generate)

    chase = sub.add_parser(
        "chase", parents=[db_option], help="write chase e-mails to the leads of actions overdue or due soon",
        description="Write one e-mail (.eml, opened by Outlook as a new message ready to send) to each lead "
                    "officer or agency with actions overdue or due soon, listing them, with the agency's "
                    "workbook attached; the chase is recorded on each action. The database is backed up first.")
    chase.add_argument("--agency", metavar="NAME", help="only this agency's actions")
    chase.add_argument("--due-today", action="store_true",
                       help="only the actions the office's chase schedule says are due a chase today")
    chase.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="the folder to write the e-mails into")
    add_despite_findings_option(chase)
    chase.set_defaults(func=_cmd_chase)

    _optional_commands(sub, [db_option])
    return parser


def main(argv: Sequence[str] | None = None, *, start_gui: GuiStarter | None = None,
         check_window: CheckWindow | None = None) -> int:
    """Run the command line; with no command, open the window through ``start_gui``.
    ``--self-test`` checks the window with ``check_window`` (skipped without one)."""
    for stream in (sys.stdout, sys.stderr):
        # A console on another code page shows "?" for a character it lacks, never a traceback.
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db", None) is None:
        args.db = None
    if args.self_test:
        return run_self_test(main, check_window)
    logs.start_log()  # after parsing: --help and --version write nothing
    log.info("Case Review Tracker %s started: %s", __version__, args.command or "window")
    try:
        if args.command is None:
            return _open_window(args, start_gui)
        func = args.func
        # Feature subcommands (reports, Excel) take (args, database) and work on an existing
        # database; the ones here manage their own file and take (args).
        if len(inspect.signature(func).parameters) == 2:
            func = _with_database(func)
        with plain_database_errors():  # busy, full, damaged: a sentence, not a traceback
            return func(args)
    except UserError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped; nothing more was written.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of our output went away (``plan | head``): stop quietly, as other tools do.
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    """Point standard output at nothing, so that its final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # no real file behind it (a windowed program): nothing left to flush
    finally:
        os.close(devnull)


def _open_window(args, start_gui: GuiStarter | None) -> int:
    if start_gui is None:
        raise UserError("The window is not available from here; run 'python main.py'.")
    if args.demo and args.db:
        raise UserError("Give either --demo or --db, not both.")
    location = paths.demo_db_path() if args.demo else database_location(args.db)

    def open_it() -> Database:
        # The window shows at once; SQLite's page check and the day's backup follow on a worker.
        if args.demo:
            return open_demo_database(location, check_later=True)
        return open_database(location, check_later=True)

    return start_gui(location, open_it)
