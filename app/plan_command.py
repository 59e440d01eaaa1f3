"""``python main.py plan``: the composite action plan on the console, one line per action.

    python main.py plan [--agency NAME] [--open-only] [--overdue] [--as-at DATE]

It reads the plan's read model, so each line says what the register, the workbook and the
papers say: reference, lead agency, status (with a closed action's reason), target date,
RAG and the recommendations the action answers.
"""

from __future__ import annotations

import argparse

from app import lookups
from app.database import Database
from app.dates import format_date
from app.queries.action_plan import ActionRow, PlanFilter, read_action_plan
from app.settings import get_settings

# (header, how to read it from a row and a date formatter)
COLUMNS = (
    ("Ref", lambda row, day: row.reference),
    ("Lead agency", lambda row, day: row.lead_agency or ""),
    ("Status", lambda row, day: row.status),
    ("Target", lambda row, day: day(row.target_on) or row.target_text or ""),
    ("RAG", lambda row, day: row.rag or ""),
    ("Overdue", lambda row, day: row.overdue),
    ("Recommendations", lambda row, day: row.recommendations),
)


def add_plan_parser(subparsers, parents) -> None:
    """Add the ``plan`` subcommand; ``parents`` carries the shared ``--db`` option."""
    parser = subparsers.add_parser(
        "plan", parents=parents, help="list the composite action plan on the console",
        description="List the composite action plan, one line per action, in plan order.")
    parser.add_argument("--agency", metavar="NAME", help="only the actions this agency leads")
    parser.add_argument("--open-only", action="store_true", help="only actions still open")
    parser.add_argument("--overdue", action="store_true", help="only actions overdue")
    parser.add_argument("--as-at", metavar="DATE", dest="as_at", help="the plan as it stood on this date")
    parser.set_defaults(func=run_plan_command)


def plan_lines(rows: list[ActionRow], day) -> list[str]:
    """The header and one line per row, each column as wide as its longest value (nothing is
    cut short, so each line can be read back by the header's column positions)."""
    table = [[header for header, _read in COLUMNS]]
    table += [[" ".join(read(row, day).split()) for _header, read in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    return ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in table]


def run_plan_command(args: argparse.Namespace, database: Database) -> int:
    """Print the plan the arguments ask for, and how many actions it holds."""
    from app.reports.command import date_option

    as_at = date_option(args.as_at, "--as-at") if args.as_at else None
    with database.readers() as session:
        agency = lookups.agency(session, args.agency) if args.agency else None
        pattern = get_settings(session).date_format
        plan = read_action_plan(session, as_at, PlanFilter(
            agency_id=agency.id if agency else None, open_only=args.open_only, overdue_only=args.overdue),
            order="plan")
    for line in plan_lines(plan.rows, lambda day: format_date(day, pattern)):
        print(line)
    marked = " (some shown as recorded today: their history before then is not held)" if plan.as_recorded else ""
    print(f"{len(plan.rows):,} action{'s' if len(plan.rows) != 1 else ''} as at "
          f"{format_date(plan.as_at, pattern)}{marked}.")
    return 0
