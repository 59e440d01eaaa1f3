"""The ``import`` and ``export`` subcommands of ``python main.py``.

    python main.py import FILE [--dry-run] [--yes] [--kind KIND] [--mapping FILE]
                               [--save-mapping FILE] [--agency SPELLING=AGENCY]...
                               [--word WORD=MEANING]... [--accept-conflicts]
    python main.py export action-plan --out FILE.xlsx|FILE.csv [--agency NAME] [--open-only] [--as-at DATE]
    python main.py export agency-packs --out DIR [--include-closed]
    python main.py export REGISTER --out FILE.csv   (referrals and reviews also as FILE.xlsx)

``import`` says which kind of workbook it was given (a returned action plan export, a
hand-kept action plan tracker, a referral register), prints the preview with its doubts
counted by kind (the first few of each: never more than a few dozen lines), and writes only
with ``--yes`` (and never with ``--dry-run``), after a backup. For a hand-kept tracker,
``--agency "UHS=University Hospitals Southampton"`` says what a spelling is (an agency on the
list, another spelling in the file, or a new agency's name) and ``--word "SAR=Safeguarding
Adults Review"`` what a word means; ``--yes`` refuses while a word that could mean several
things is undecided. Applying saves the import report beside the database. Any file is
checked before it is read (``app.excel.workbook_guard``). A refused file raises
``UserError``: the command line prints it and exits 1, with nothing written.

``export`` writes each workbook under a partial name and scans it for what must not leave
the program (``app.privacy_scan``): if anything is found, each finding is printed, nothing
is written, the decision is recorded and the command exits 1, unless ``--despite-findings``
was given.

The workbook modules (and openpyxl, XlsxWriter, calamine behind them) are imported by the
commands that use them: ``main.py`` builds this parser on every start, the window's too.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app import identity
from app.database import Database
from app.errors import UserError
from app.services.signing_key import signing_key
from app.privacy_scan import (
    add_despite_findings_option,
    settle_on_command_line,
    write_checked_workbook,
    write_checked_workbooks,
)

KIND_RETURN = "return"
KIND_CHOICES = (KIND_RETURN, "action-plan", "referral-register")
_KIND_NAMES = {
    KIND_RETURN: "a returned action plan export",
    "action-plan": "a hand-kept action plan tracker",
    "referral-register": "a referral register",
}


def add_excel_parsers(subparsers, parents) -> None:
    """Add ``import`` and ``export`` to the program's subcommands (``parents``: shared
    options such as ``--db``)."""
    imp = subparsers.add_parser(
        "import", parents=parents, help="take back an agency return or import a hand-kept tracker",
        description="Read an Excel workbook, say what kind it is, and show what importing it would "
                    "change. Nothing is written without --yes.")
    imp.add_argument("file", type=Path, help="the .xlsx workbook")
    imp.add_argument("--kind", choices=KIND_CHOICES,
                     help="what the workbook is, when it is not recognised (or to override)")
    imp.add_argument("--dry-run", action="store_true", help="show the preview only; write nothing")
    imp.add_argument("--yes", action="store_true",
                     help="apply: accept every row that can be applied (and the proposed column "
                          "mapping and agency matches for a hand-kept tracker)")
    imp.add_argument("--accept-conflicts", action="store_true",
                     help="with --yes, also apply returned rows the tracker changed since the export")
    imp.add_argument("--mapping", type=Path, metavar="FILE",
                     help="a saved mapping for a hand-kept tracker (JSON: \"columns\": column letter -> field or "
                          "\"ignore\"; \"agencies\": spelling -> agency; \"words\": word -> meaning)")
    imp.add_argument("--save-mapping", type=Path, metavar="FILE",
                     help="write the mapping used (columns, agencies, words) to FILE, to edit and give with --mapping")
    imp.add_argument("--agency", action="append", default=[], metavar="SPELLING=AGENCY",
                     help="a hand-kept tracker's agency spelling and what it is: an agency on the list, another "
                          "spelling in the file (one agency for both) or a new agency's name (repeatable)")
    imp.add_argument("--word", action="append", default=[], metavar="WORD=MEANING",
                     help="what one of the office's words means in this file, e.g. \"SAR=Safeguarding Adults "
                          "Review\" (repeatable)")
    imp.set_defaults(func=run_import)

    exp = subparsers.add_parser(
        "export", help="write the action plan or a register as an Excel workbook or a CSV file",
        description="Write the action plan or a register from the database: as an Excel workbook "
                    "(--out FILE.xlsx) or as CSV for Power BI and other tools (--out FILE.csv).")
    what = exp.add_subparsers(dest="what", metavar="WHAT", required=True)
    plan = what.add_parser("action-plan", parents=parents, help="the composite action plan",
                           description="Write the composite action plan (or one agency's part).")
    plan.add_argument("--out", type=Path, required=True, metavar="FILE",
                      help="the .xlsx workbook (agencies can fill it in and send it back) or .csv file to write")
    plan.add_argument("--agency", metavar="NAME", help="only the actions this agency leads")
    plan.add_argument("--open-only", action="store_true", help="only actions still open")
    plan.add_argument("--as-at", metavar="DATE", dest="as_at",
                      help="the plan as it stood on this date (default today); such a copy cannot be sent back")
    add_despite_findings_option(plan)
    plan.set_defaults(func=run_export_action_plan)
    packs = what.add_parser("agency-packs", parents=parents, help="one action plan workbook per agency",
                            description="Write every agency its own action plan workbook, one file "
                                        "each in a folder.")
    packs.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write into")
    packs.add_argument("--include-closed", action="store_true", help="include closed actions too")
    add_despite_findings_option(packs)
    packs.set_defaults(func=run_export_agency_packs)
    from app.registers import REGISTERS  # no workbook library behind it

    for key, register in REGISTERS.items():
        if key == "actions":
            continue  # the action plan, above
        name = key.replace("_", "-")
        formats = ".xlsx or .csv" if key in WORKBOOK_REGISTERS else ".csv"
        sub = what.add_parser(name, parents=parents, help=f"the {register.title.lower()} register",
                              description=f"Write the {register.title.lower()} register ({formats}).")
        sub.add_argument("--out", type=Path, required=True, metavar="FILE", help=f"the {formats} file to write")
        add_despite_findings_option(sub)
        sub.set_defaults(func=run_export_register, register=key)


# --- export -------------------------------------------------------------------------------

def _export_one(args: argparse.Namespace, database: Database, write: Callable) -> int:
    """Write one workbook with ``write(session, path)``, check it, and say what was written."""
    _ready_to_sign(database)
    # The export only reads: a colleague's save never waits for it.
    with database.readers() as session:
        result, checked = write_checked_workbook(session, args.out, lambda partial: write(session, partial))
    settle_on_command_line(database, [checked], despite=args.despite_findings)
    print(replace(result, path=checked.final).describe())
    return 0


def _ready_to_sign(database: Database) -> None:
    """Give the database the signing key and identity its exports are stamped with, the
    first time only, in a unit of work of its own."""
    with database.readers() as session:
        if signing_key(session) is not None and identity.stored_identity(session.connection()) is not None:
            return
    with database.sessions.begin() as session:
        signing_key(session, create=True)
        identity.database_id(session)


def _out_format(args: argparse.Namespace, allowed: tuple[str, ...]) -> str:
    """The file type ``--out`` names (".xlsx" or ".csv"), refused when not one of ``allowed``."""
    suffix = Path(args.out).suffix.lower()
    if suffix not in allowed:
        raise UserError(f"--out: '{args.out}' should be a file name ending in {' or '.join(allowed)}.")
    if Path(args.out).is_dir():
        raise UserError(f"--out: {args.out} is a folder; give a file name ending in {suffix}.")
    return suffix


def _export_csv(args: argparse.Namespace, database: Database, write: Callable) -> int:
    """Write one CSV file with ``write(session, path)``, check it, and say what was written."""
    from app.csv_export import write_checked_csv

    with database.readers() as session:
        result, checked = write_checked_csv(session, args.out, lambda partial: write(session, partial))
    settle_on_command_line(database, [checked], despite=args.despite_findings)
    print(replace(result, path=checked.final).describe())
    return 0


def run_export_action_plan(args: argparse.Namespace, database: Database) -> int:
    from app.reports.command import date_option

    as_at = date_option(args.as_at, "--as-at") if args.as_at else None
    if _out_format(args, (".xlsx", ".csv")) == ".csv":
        from app import csv_export, lookups

        def write(session, path):
            agency = lookups.agency(session, args.agency) if args.agency else None
            return csv_export.export_plan_csv(session, path, agency_id=agency.id if agency else None,
                                              open_only=args.open_only, as_at=as_at)
        return _export_csv(args, database, write)
    from app.excel import export

    return _export_one(args, database, lambda session, path: export.export_action_plan(
        session, path, agency=args.agency, open_only=args.open_only, as_at=as_at))


def run_export_agency_packs(args: argparse.Namespace, database: Database) -> int:
    from app.excel import export

    with database.sessions.begin() as session:
        results, waiting = write_checked_workbooks(session, args.out, lambda partial: (
            export.export_agency_packs(session, partial, open_only=not args.include_closed)))
    written = settle_on_command_line(database, waiting, despite=args.despite_findings)
    for result, path in zip(results, written):
        print(replace(result, path=path).describe())
    print(f"{len(results)} agency workbook(s) written to {args.out}.")
    return 0


# The registers that also have a workbook of their own.
WORKBOOK_REGISTERS = ("referrals", "reviews")


def run_export_register(args: argparse.Namespace, database: Database) -> int:
    """``export <register> --out FILE``: a register as CSV, or as a workbook where it has one."""
    key = args.register
    if _out_format(args, (".xlsx", ".csv") if key in WORKBOOK_REGISTERS else (".csv",)) == ".csv":
        from app.csv_export import export_register_csv

        return _export_csv(args, database, lambda session, path: export_register_csv(session, key, path))
    from app.excel import export

    return _export_one(args, database, {"referrals": export.export_referrals, "reviews": export.export_reviews}[key])


# --- import -------------------------------------------------------------------------------

def _detect(path: Path) -> str:
    from app.excel import export, legacy, returns

    # Checked before any reader opens it: a hostile file is refused here, in words.
    book = legacy.open_tracker(path)
    stamp = returns.read_export_stamp(path)
    if stamp is not None:
        if stamp.kind != export.KIND_ACTION_PLAN:
            raise UserError(f"{path.name} is this program's export of the {stamp.kind}; only action "
                            "plan exports come back as returns.")
        return KIND_RETURN
    kind = legacy.detect_kind(book)
    if kind is None:
        raise UserError(legacy.empty_message(book) or (
            f"{path.name} is not a returned export, an action plan tracker or a referral register (no header "
            "row with the expected columns was found). If you know what it is, say so with --kind."))
    return kind


def run_import(args: argparse.Namespace, database: Database) -> int:
    path: Path = args.file
    kind = args.kind or _detect(path)
    print(f"{path.name}: {'treated as' if args.kind else 'recognised as'} {_KIND_NAMES[kind]}.")
    apply = args.yes and not args.dry_run
    if apply and database.path is not None:
        # As the window does: a checked copy first (labelled before-import, kept by the
        # rotation); if it cannot be taken, nothing is imported.
        from app.backups import backup_before_change

        print(f"Backed up the database first: {backup_before_change(database.path, 'import').path}")
    # Applying: a unit of work, committed at the end. A preview (--dry-run, or no --yes)
    # reads only, so it never holds the write lock that exports and saves wait for.
    with (database.sessions() if apply else database.readers()) as session:
        if kind == KIND_RETURN:
            message = _import_return(session, path, apply, args.accept_conflicts)
        else:
            message = _import_tracker(session, path, kind, apply, args)
        if apply:
            session.commit()
    print(message)
    return 0


def _import_return(session, path: Path, apply: bool, accept_conflicts: bool) -> str:
    from app.excel import returns

    preview = returns.read_return(session, path)
    print(preview.describe())
    if preview.fatal:
        raise UserError(f"{path.name} was refused, so nothing was written: {preview.fatal[0]}")
    chosen = preview.applicable(include_conflicts=accept_conflicts)
    left_out = len(preview.applicable(include_conflicts=True)) - len(chosen)
    note = (f" {left_out} row(s) with conflicts are left out; add --accept-conflicts to take the "
            "agency's values for them." if left_out else "")
    if not chosen:
        return f"Nothing has been written: no row can be applied.{note}"
    if not apply:
        return f"Nothing has been written. Run again with --yes to apply the changes shown.{note}"
    return returns.apply_return(session, preview, chosen).describe() + note


def _pairs(given: list[str], option: str) -> dict[str, str]:
    """``--agency A=B`` / ``--word A=B`` options as a dictionary."""
    found = {}
    for text in given:
        left, equals, right = text.partition("=")
        if not equals or not left.strip() or not right.strip():
            raise UserError(f"{option} \"{text}\": write it as {option} \"SPELLING=WHAT IT IS\", for example "
                            f"{option} \"UHS=University Hospitals Southampton\".")
        found[left.strip()] = right.strip()
    return found


def _import_tracker(session, path: Path, kind: str, apply: bool, args: argparse.Namespace) -> str:
    from app.excel import legacy

    given = legacy.read_mapping_file(args.mapping) if args.mapping else {}
    agencies = {**given.get("agencies", {}), **_pairs(args.agency, "--agency")}
    words = {**given.get("words", {}), **_pairs(args.word, "--word")}
    plan = legacy.plan_import(session, path, kind, given.get("columns"), agencies=agencies, words=words)
    print(plan.describe())
    if args.save_mapping:
        _write_mapping(args.save_mapping, legacy.mapping_of(plan))
        print(f"Mapping written to {args.save_mapping}.")
    new = [m.spelling for m in plan.uncertain() if plan.agency_outcome(m.spelling).marked]
    if new:
        print(f"Agency spellings not on the list become new agencies marked '{legacy.NEW_AGENCY_SECTOR}'. "
              f"If one is an agency on the list, say so: --agency \"{new[0]}=AGENCY\".")
    if not apply:
        undecided = plan.words_to_decide()
        if undecided:
            word = undecided[0].word
            return (f"Nothing has been written. Say what {', '.join(repr(w.word.word) for w in undecided)} "
                    f"mean{'s' if len(undecided) == 1 else ''} (--word \"{word.word}={word.meanings[-1]}\") "
                    "and run again with --yes to import it.")
        return "Nothing has been written. Run again with --yes to import it."
    return legacy.apply_import(session, plan)


def _write_mapping(path: Path, mapping: dict) -> None:
    if Path(path).is_dir():
        raise UserError(f"--save-mapping: {path} is a folder; give a file name ending in .json.")
    try:
        Path(path).write_text(json.dumps(mapping, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as err:
        raise UserError(f"--save-mapping: {path} could not be written ({err.strerror or err}).") from None
