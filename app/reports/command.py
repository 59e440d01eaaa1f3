"""``python main.py report KIND --out FILE.pdf [options]``: print a paper from the command line.

Dates are read by ``app.dates``: typed the UK way (31/03/2017, 31/3/17, 31 Mar 2017) or as
ISO dates (2017-03-31), two-digit years as everywhere else. An option the
chosen paper does not use, a date that cannot be read, an unknown review or agency, or a
period with nothing in it is refused with a plain message (``UserError``).

The paper is written under a partial name and its printed text scanned for what must not
leave the program (``app.privacy_scan``). If anything is found, each finding is printed,
nothing is written, the decision is recorded and the command exits 1, unless
``--despite-findings`` was given: then the paper is written and that decision recorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.database import Database
from app.dates import DateNotUnderstood, parse_date
from app.errors import UserError
from app.privacy_scan import add_despite_findings_option, settle_on_command_line
from app.reports import PLAN_GROUPINGS, build_checked_report

# Which options each paper takes; every other option is refused for it.
OPTIONS = {
    "briefing": {"meeting"},
    "action-plan": {"agency", "group_by", "open_only", "status", "overdue", "as_at", "paper"},
    "response": {"review", "as_at"},
    "annual": {"start", "end"},
    "panel": {"review", "as_at"},
    "agency": {"agency", "as_at"},
}
FLAGS = {"meeting": "--meeting", "agency": "--agency", "group_by": "--group-by", "open_only": "--open-only",
         "status": "--status", "overdue": "--overdue", "review": "--review", "start": "--from", "end": "--to",
         "as_at": "--as-at", "paper": "--paper"}


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
    """Add the ``report`` subcommand; ``parents`` carries the shared ``--db`` option."""
    parser = subparsers.add_parser(
        "report", parents=parents, help="print a paper to PDF",
        description="Print one of the office's papers to a PDF file.")
    parser.add_argument("kind", choices=list(OPTIONS), help="which paper")
    parser.add_argument("--out", metavar="FILE.pdf", required=True, help="the PDF file to write")
    parser.add_argument("--meeting", metavar="DATE", help="briefing: the meeting date (default today)")
    parser.add_argument("--from", dest="start", metavar="DATE", help="annual: first day of the period")
    parser.add_argument("--to", dest="end", metavar="DATE", help="annual: last day of the period")
    parser.add_argument("--review", metavar="REF", action="append",
                        help="response: a review to include (repeat for several); panel: the review")
    parser.add_argument("--agency", metavar="NAME", help="agency: whose actions; action-plan: only this lead agency")
    parser.add_argument("--group-by", choices=PLAN_GROUPINGS,
                        help="action-plan: group the actions by review (the default), theme or lead agency")
    parser.add_argument("--paper", type=str.upper, choices=("A4", "A3"),
                        help="action-plan: the paper size, landscape (default A4)")
    parser.add_argument("--as-at", metavar="DATE", dest="as_at",
                        help="action-plan, response, panel, agency: the facts as they stood on this date "
                             "(default today)")
    parser.add_argument("--open-only", action="store_true", help="action-plan: open actions only")
    parser.add_argument("--status", metavar="NAME", help="action-plan: only actions with this status")
    parser.add_argument("--overdue", action="store_true", help="action-plan: overdue actions only")
    add_despite_findings_option(parser)
    parser.set_defaults(func=run_report_command)


def _refuse_unused(args) -> None:
    allowed = OPTIONS[args.kind]
    given = [name for name in FLAGS if getattr(args, name, None) not in (None, False)]
    unused = [FLAGS[name] for name in given if name not in allowed]
    if unused:
        takes = ", ".join(FLAGS[name] for name in FLAGS if name in allowed) or "no other options"
        raise UserError(f"The {args.kind} report does not use {', '.join(unused)}. It takes {takes}.")


def _options(args) -> dict:
    """The chosen paper's build options, from the arguments."""
    kind = args.kind
    as_at = {"as_at": date_option(args.as_at, "--as-at")} if args.as_at else {}
    if kind == "briefing":
        return {"meeting_on": date_option(args.meeting, "--meeting") if args.meeting else None}
    if kind == "action-plan":
        return {"group_by": args.group_by or "review", "agency": args.agency, "status": args.status,
                "open_only": args.open_only, "overdue_only": args.overdue, "paper": args.paper or "A4", **as_at}
    if kind == "response":
        if not args.review:
            raise UserError("The response needs at least one review: --review REF (repeat for several).")
        return {"review_refs": args.review, **as_at}
    if kind == "annual":
        if not (args.start and args.end):
            raise UserError("The annual report needs a period: --from DATE --to DATE.")
        return {"start": date_option(args.start, "--from"), "end": date_option(args.end, "--to")}
    if kind == "panel":
        if not args.review or len(args.review) != 1:
            raise UserError("The panel report is for one review: give --review REF once.")
        return {"review_ref": args.review[0], **as_at}
    if not args.agency:
        raise UserError("The agency action list needs an agency: --agency NAME.")
    return {"agency": args.agency, **as_at}


def run_report_command(args: argparse.Namespace, database: Database) -> int:
    """Build the paper the arguments ask for, check it, and say where it went."""
    _refuse_unused(args)
    if Path(args.out).suffix.lower() != ".pdf":
        raise UserError(f"--out: '{args.out}' should be a file name ending in .pdf.")
    options = _options(args)
    with database.sessions() as session:
        result, checked = build_checked_report(args.kind, session, Path(args.out), **options)
    settle_on_command_line(database, [checked], despite=args.despite_findings)
    print(f"{result.title}: {result.pages} page{'s' if result.pages != 1 else ''} written to {result.path}")
    return 0
