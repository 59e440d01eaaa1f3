"""``python main.py report KIND --out FILE.pdf [options]``: print a paper from the command line.

Each paper is a subcommand of its own, with its own options and ``--help``. The briefing
paper, the response and the panel report take ``--format docx`` for a Word copy (``--out``
then ends in .docx). Dates are read
by ``app.dates``: typed the UK way (31/03/2017, 31/3/17, 31 Mar 2017) or as ISO dates
(2017-03-31), two-digit years as everywhere else. A review is found by its reference or its
title, case and spacing ignored. A date that cannot be read, an unknown review or agency, or
a period with nothing in it is refused with a plain message (``UserError``); a review that
is not found is refused naming the closest ones.

The paper is written under a partial name and its printed text scanned for what must not
leave the program (``app.privacy_scan``). If anything is found, each finding is printed,
nothing is written, the decision is recorded and the command exits 1, unless
``--despite-findings`` was given: then the paper is written and that decision recorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app import lookups
from app.database import Database
from app.dates import DateNotUnderstood, parse_date
from app.errors import UserError
from app.privacy_scan import add_despite_findings_option, settle_on_command_line
from app.reports import PLAN_GROUPINGS, WORD_KINDS, WORD_SUFFIX, build_checked_report

FORMATS = ("pdf", WORD_SUFFIX.lstrip("."))

# Each paper: what it is (its --help), and the options it takes (each: flags and argparse keywords).
_OUT = (("--out",), {"metavar": "FILE.pdf", "required": True, "help": "the PDF file to write"})
_AS_AT = (("--as-at",), {"metavar": "DATE", "dest": "as_at",
                          "help": "the facts as they stood on this date (default today)"})
_AGENCY = (("--agency",), {"metavar": "NAME", "help": "the lead agency (its name or any known spelling)"})
_REVIEW = (("--review",), {"metavar": "REF", "action": "append",
                            "help": "a review, by its reference or its title (case and spacing ignored)"})
_FORMAT = (("--format",), {"type": str.lower, "choices": FORMATS, "default": "pdf",
                           "help": "pdf (the default), or docx for a Word copy with the same content and "
                                   "headings, for the last edits before sending (--out then ends in .docx)"})
KINDS: dict[str, tuple[str, str, tuple]] = {
    "briefing": (
        "the sub group briefing paper for a meeting",
        "Every current review by type (new ones first), the decisions taken since the last meeting, "
        "the overdue actions by agency and the clocks falling due before the next meeting, as they "
        "stood on the meeting's date.",
        ((("--meeting",), {"metavar": "DATE", "help": "the meeting's date (default today)"}), _FORMAT)),
    "action-plan": (
        "the composite action plan",
        "Every action once, with every recommendation it answers, its lead, target, status (a closed "
        "action's reason), RAG rating, latest update and evidence; the RAG ratings by agency and by "
        "theme on the first page.",
        (_AGENCY,
         (("--status",), {"metavar": "NAME", "help": "only actions with this status, as shown "
                                                     "('In progress', 'Completed', 'Closed - superseded')"}),
         (("--open-only",), {"action": "store_true", "help": "open actions only"}),
         (("--overdue",), {"action": "store_true", "help": "overdue actions only"}),
         (("--group-by",), {"choices": PLAN_GROUPINGS, "default": "review",
                            "help": "group the actions by review (the default), theme or lead agency"}),
         (("--paper",), {"type": str.upper, "choices": ("A4", "A3"), "default": "A4",
                         "help": "the paper size, landscape (default A4)"}),
         _AS_AT)),
    "response": (
        "the partnership's response to one or more reviews",
        "Review by review, each recommendation in the review's own order with the board's response, each "
        "agency's response and the actions taken and to be taken, flagged where overdue.",
        (_REVIEW, _AS_AT, _FORMAT)),
    "annual": (
        "the annual report tables for a period",
        "Referrals considered by outcome, the reviews agreed, underway, completed and published, "
        "timeliness against target with the reasons for delay, and the learning events held.",
        ((("--from",), {"dest": "start", "metavar": "DATE", "required": True, "help": "the period's first day"}),
         (("--to",), {"dest": "end", "metavar": "DATE", "required": True,
                      "help": "the period's last day (a day after today is counted up to today)"}))),
    "panel": (
        "the scrutiny panel cover report for a review",
        "The council's cover report for a published review, its parts filled from the review and "
        "the office's panel report record, with the progress on its recommendations.",
        (_REVIEW, _AS_AT, _FORMAT)),
    "agency": (
        "one agency's action list",
        "The actions an agency leads that are still open, overdue ones first, with the recommendation "
        "each answers, the evidence required, the dates and the status.",
        (_AGENCY, _AS_AT)),
    "pack": (
        "the pack for a sub group meeting, in one PDF",
        "A contents page, then the briefing paper, the overdue actions, the RAG ratings and the action "
        "plan of the meeting's agencies (those leading an action that is open on the meeting's date, "
        "or that was finished since the last meeting), its pages numbered through the pack.",
        ((("--meeting",), {"metavar": "DATE", "required": True, "help": "the date of a meeting on record"}),)),
}


def date_option(text: str, option: str) -> dt.date:
    """The date given for ``option``, read by ``app.dates`` (UK day first, or ISO)."""
    try:
        day = parse_date(text)
    except DateNotUnderstood as err:
        raise UserError(f"{option}: {err}") from None
    if day is None:
        raise UserError(f"{option}: give a date, for example 31/03/2017.")
    return day


def add_report_parser(subparsers, parents) -> None:
    """Add the ``report`` subcommand, one subcommand per paper with its own options and help;
    ``parents`` carries the shared ``--db`` option."""
    parser = subparsers.add_parser(
        "report", help="print a paper to PDF (or Word)",
        description="Print one of the office's papers to a PDF file (the briefing paper, the response and "
                    "the panel report to a Word document too, with --format docx). "
                    "'python main.py report KIND --help' says what a paper holds and what it takes.")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, (short, long, options) in KINDS.items():
        paper = kinds.add_parser(kind, parents=parents, help=short, description=f"{short[0].upper()}{short[1:]}. {long}")
        flags, keywords = _OUT
        if kind in WORD_KINDS:
            keywords = {**keywords, "metavar": "FILE", "help": "the file to write: .pdf, or .docx with --format docx"}
        paper.add_argument(*flags, **keywords)
        for flags, keywords in options:
            paper.add_argument(*flags, **keywords)
        add_despite_findings_option(paper)
        paper.set_defaults(func=run_report_command)


def _options(args, session) -> dict:
    """The chosen paper's build options, from the arguments."""
    kind = args.kind
    as_at = {"as_at": date_option(args.as_at, "--as-at")} if getattr(args, "as_at", None) else {}
    if kind == "briefing":
        return {"meeting_on": date_option(args.meeting, "--meeting") if args.meeting else None}
    if kind == "pack":
        return {"meeting_on": date_option(args.meeting, "--meeting")}
    if kind == "action-plan":
        return {"group_by": args.group_by, "agency": args.agency, "status": args.status,
                "open_only": args.open_only, "overdue_only": args.overdue, "paper": args.paper, **as_at}
    if kind == "response":
        if not args.review:
            raise UserError("The response needs at least one review: --review REF (repeat for several).")
        return {"review_refs": [lookups.review(session, text).reference for text in args.review], **as_at}
    if kind == "annual":
        return {"start": date_option(args.start, "--from"), "end": date_option(args.end, "--to")}
    if kind == "panel":
        if not args.review or len(args.review) != 1:
            raise UserError("The panel report is for one review: give --review REF once.")
        return {"review_ref": lookups.review(session, args.review[0]).reference, **as_at}
    if not args.agency:
        raise UserError("The agency action list needs an agency: --agency NAME.")
    return {"agency": args.agency, **as_at}


def run_report_command(args: argparse.Namespace, database: Database) -> int:
    """Build the paper the arguments ask for, check it, and say where it went."""
    suffix = "." + getattr(args, "format", "pdf")
    if Path(args.out).suffix.lower() != suffix:
        raise UserError(f"--out: '{args.out}' should be a file name ending in {suffix}.")
    with database.sessions() as session:
        options = _options(args, session)
        result, checked = build_checked_report(args.kind, session, Path(args.out), **options)
    settle_on_command_line(database, [checked], despite=args.despite_findings)
    print(result.written())
    return 0
