"""The composite action plan: one row per action, grouped by review, theme or lead agency.

Each action is printed once, with every recommendation it answers in its own column, read
through the plan's read model as at the paper's date (``app.queries.action_plan``), so it
says exactly what the register and the workbook say. Grouped by review (the default), an
action sits under the review of the first recommendation it answers, and each review opens
with its recommendations (those with no action yet are named: a gap the sub group wants to
see). The first page carries the RAG ratings by agency, closed actions in a column of their
own. Filters: one agency, one status, open actions only, overdue actions only.
``rag_story`` and ``actions_story`` give those parts of the paper for a plan already read,
without writing a file, for the meeting pack (``app.reports.pack``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib import colors
from sqlalchemy.orm import Session

from app import lookups, rules
from app.errors import UserError
from app.queries.action_plan import ActionPlan, ActionRow, PlanFilter, read_action_plan, status_choices
from app.queries.reviews import read_themes
from app.reports import PLAN_GROUPINGS
from app.reports.as_at import as_recorded_note, marked
from app.reports.doc import Heading, ReportResult, build_paper, nothing_to_show, para, spacer
from app.reports.formatting import DateText, rag_text, status_cell, target_cell, update_cell
from app.reports.table import Column, FastTable, Row, group_row, note_row
from app.settings import get_settings
from db.models import RAG_VALUES

TITLE = "Composite action plan"
NO_THEME = "No theme recorded"
NO_AGENCY = "No lead agency"

# Seven columns, each as wide as its share of what a typical plan holds (the latest update is
# the longest text), so that rows are as short as they can be and a long plan takes fewer
# pages; the short facts share columns rather than each taking a narrow one.
ACTION_COLUMNS = [
    Column("Ref, recs", 6.4, min_width=68),
    Column("Action", 21.5),
    Column("Lead agency, officer", 8.8),
    Column("Target, status", 9.1, min_width=58),
    Column("RAG", 3.3, rag=True, min_width=34),
    Column("Latest update", 35.3),
    Column("Evidence", 15.8),
]

RAG_NOTE = ("Red, amber and green count open actions only; an overdue action is also counted under its "
            "rating. Completed means closed with evidence of completion; other closed actions are counted "
            "apart and never rated.")

RAG_LABELS = {"Red": "Red", "Amber": "Amber", "Green": "Green", "Blue": "Blue (completed)"}
_TINTS = {"Red": "#F4C7C3", "Amber": "#FFE9B0", "Green": "#C8E6C9", "Blue": "#C5DDF5"}


@dataclass(frozen=True)
class PlanOptions:
    """What the user chose; kept to print the filters on the paper."""

    group_by: str = "review"
    agency: str | None = None
    status: str | None = None
    open_only: bool = False
    overdue_only: bool = False
    shown: str | None = None  # the window's search, filters and sort, when only its rows are printed


def action_cells(action: ActionRow, as_at: dt.date, date_text: DateText) -> tuple[str, ...]:
    """One action as a row of ACTION_COLUMNS."""
    lead = "\n".join(part for part in (action.lead_agency, action.lead_officer) if part)
    # Once an action is completed, the evidence of its completion answers what was required.
    required = None if action.state == rules.COMPLETED else action.evidence_required
    evidence = "\n".join(f"{label}: {text}" for label, text in (
        ("Required", required),
        ("Completion", action.evidence_of_completion),
        ("Impact", action.evidence_of_impact),
    ) if text)
    ref = "\n".join(part for part in (marked(action.reference, action.as_recorded),
                                       action.recommendations.replace("; ", ";\n")) if part)
    when = "\n".join(part for part in (target_cell(action, date_text), status_cell(action, as_at, date_text)) if part)
    return (ref, action.description, lead, when, rag_text(action.rag), update_cell(action, date_text), evidence)


def rag_summary(rows: list[ActionRow], group: str, total: str, name_of) -> FastTable:
    """Open actions' RAG ratings by ``group`` (each row's name from ``name_of``; ``total`` names
    the totals' row), then the
    completed and otherwise closed ones, the overdue count and the totals. A closed action is
    never counted red, amber or green."""
    columns = [Column(group, 22)]
    columns += [Column(RAG_LABELS[r], 8, align="right", fill=colors.HexColor(_TINTS[r])) for r in RAG_VALUES[:3]]
    columns += [Column("Open, not rated", 8, align="right"), Column("Overdue", 8, align="right"),
                Column(RAG_LABELS["Blue"], 9, align="right", fill=colors.HexColor(_TINTS["Blue"])),
                Column("Closed, other reasons", 9, align="right"), Column("Total", 7, align="right")]
    keys = ["Red", "Amber", "Green", "", rules.OVERDUE, rules.COMPLETED, rules.CLOSED, "total"]
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        tally = counts[name_of(row)]
        if row.state in (rules.COMPLETED, rules.CLOSED):
            tally[row.state] += 1
        else:
            tally[row.rag if row.rag in ("Red", "Amber", "Green") else ""] += 1
            tally[rules.OVERDUE] += row.state == rules.OVERDUE
        tally["total"] += 1
    table = [Row((name, *(str(counts[name][k]) for k in keys))) for name in sorted(counts)]
    totals = Counter()
    for tally in counts.values():
        totals.update(tally)
    table.append(Row((total, *(str(totals[k]) for k in keys)), kind="total"))
    return FastTable(columns, table)


def _theme_of(plan: ActionPlan, row: ActionRow) -> str:
    """The action's theme, or failing one its first recommendation's."""
    recs = plan.recommendations_of(row)
    return row.theme or next((r.theme for r in recs if r.theme), None) or NO_THEME


class _Plan:
    """The paper's one table of actions, in groups, built from the plan as at its date. One
    table rather than one per group: the headings are repeated at the top of each page, a
    group running onto a new page is named again "(continued)", and no page is left half
    empty because a group's heading would not fit at its foot."""

    def __init__(self, plan: ActionPlan, themes: list[tuple[int, str]], date_text: DateText, filtered: bool):
        self.plan = plan
        self.themes = themes
        self.date_text = date_text
        self.filtered = filtered

    def _rows(self, rows: list[ActionRow]) -> list[Row]:
        return [Row(action_cells(r, self.plan.as_at, self.date_text)) for r in rows]

    def _first_review(self, row: ActionRow) -> int | None:
        recs = self.plan.recommendations_of(row)
        return min(recs, key=lambda r: (r.review_reference, r.number)).review_id if recs else None

    def by_review(self) -> list:
        """Each review (named, with its recommendations), then the actions whose first
        recommendation is one of its."""
        per_review: dict[int | None, list[ActionRow]] = defaultdict(list)
        for row in self.plan.rows:
            per_review[self._first_review(row)].append(row)
        reviews: dict[int, list] = defaultdict(list)
        for rec in sorted(self.plan.recommendations.values(), key=lambda r: (r.review_reference, r.number)):
            reviews[rec.review_id].append(rec)
        answered = {i for row in self.plan.rows for i in row.recommendation_ids}
        table: list[Row] = []
        for review_id, recs in reviews.items():
            rows = per_review.get(review_id, [])
            if self.filtered and not rows:
                continue
            first = recs[0]
            table.append(group_row(f"{first.review_reference} \u2013 {first.review_title}"))
            if self.filtered:  # only what the chosen actions answer
                shown = {i for row in rows for i in row.recommendation_ids}
                recs = [rec for rec in recs if rec.id in shown]
            if recs:  # one row for them all: each on its own line, without a row's padding apiece
                table.append(note_row("\n".join(
                    f"{rec.label}{'' if rec.id in answered else ' (no actions recorded yet)'}. {rec.text}"
                    for rec in recs)))
            table += self._rows(rows)
        if per_review.get(None):
            table += [group_row("Actions not linked to a recommendation"), *self._rows(per_review[None])]
        return [FastTable(ACTION_COLUMNS, table)] if table else []

    def _grouped(self, name_of, order: list[str]) -> list:
        groups: dict[str, list[ActionRow]] = defaultdict(list)
        for row in self.plan.rows:
            groups[name_of(row)].append(row)
        table: list[Row] = []
        for name in [*order, *sorted(set(groups) - set(order))]:
            if groups.get(name):
                table += [group_row(name), *self._rows(groups[name])]
        return [FastTable(ACTION_COLUMNS, table)] if table else []

    def by_theme(self) -> list:
        return self._grouped(lambda row: _theme_of(self.plan, row), [name for _id, name in self.themes] + [NO_THEME])

    def by_agency(self) -> list:
        return self._grouped(lambda row: row.lead_agency or NO_AGENCY, [])


def rag_story(plan: ActionPlan, *, level: int = 1) -> list:
    """The RAG ratings of the plan's actions by lead agency and by theme, headed at ``level``,
    with what they count."""
    return [Heading("RAG ratings by lead agency", level),
            rag_summary(plan.rows, "Lead agency", "All agencies", lambda row: row.lead_agency or NO_AGENCY),
            spacer(), Heading("RAG ratings by theme", level),
            rag_summary(plan.rows, "Theme", "All themes", lambda row: _theme_of(plan, row)),
            spacer(), para(RAG_NOTE, "note")]


def actions_story(plan: ActionPlan, themes: list[tuple[int, str]], date_text: DateText, *, group_by: str,
                  filtered: bool, level: int = 1) -> list:
    """The plan's actions in one table grouped by ``group_by`` (one of ``PLAN_GROUPINGS``),
    headed at ``level``. ``filtered``: the plan holds only some actions, so a review none of
    them answers is left out rather than shown with its recommendations."""
    sections = _Plan(plan, themes, date_text, filtered)
    return [Heading(f"The actions, by {group_by}", level),
            *{"review": sections.by_review, "theme": sections.by_theme, "agency": sections.by_agency}[group_by]()]


def _filters_text(options: PlanOptions, as_at: dt.date, date_text: DateText) -> str:
    parts = [f"As at {date_text(as_at)}", f"Lead agency: {options.agency or 'all agencies'}",
             f"Status: {options.status or 'all statuses'}"]
    if options.open_only:
        parts.append("open actions only")
    if options.overdue_only:
        parts.append("overdue actions only")
    if options.shown is not None:
        parts.append(f"Only the actions shown on screen ({options.shown or 'the whole plan'})")
    parts.append(f"Grouped by {options.group_by}")
    parts.append(f"Overdue means open with a target date before {date_text(as_at)}")
    return ". ".join(parts) + "."


def _status(session: Session, status: str | None) -> str | None:
    """The status as shown, from what the user typed (case and spacing ignored)."""
    if not status:
        return None
    choices = status_choices(session)
    wanted = " ".join(status.split()).casefold().replace(" - ", " \u2013 ")
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    raise UserError(f"Status: '{status}' is not on the list ({', '.join(choices)}).", field="status")


def build_action_plan(session: Session, out_path: Path, *, group_by: str = "review",
                      agency: str | None = None, status: str | None = None,
                      open_only: bool = False, overdue_only: bool = False, paper: str = "A4",
                      action_ids: Sequence[int] | None = None, shown: str = "",
                      as_at: dt.date | None = None, generated: dt.datetime | None = None) -> ReportResult:
    """Write the composite action plan as at ``as_at`` (default today) to ``out_path`` on
    ``paper`` (A4 or A3, landscape), its actions grouped by ``group_by`` (one of
    ``PLAN_GROUPINGS``). ``action_ids`` narrows it to those actions (the rows the window
    shows), and ``shown`` says in words how the window narrowed them, for the page.
    Raises ``UserError`` for an unknown agency or status."""
    if group_by not in PLAN_GROUPINGS:
        raise UserError(f"Group the plan by one of: {', '.join(PLAN_GROUPINGS)} (not '{group_by}').")
    as_at = as_at or dt.date.today()
    options = PlanOptions(group_by, agency, status, open_only, overdue_only,
                          shown if action_ids is not None else None)
    settings = get_settings(session)
    date_text = DateText(settings)
    flt = PlanFilter(agency_id=lookups.agency(session, agency).id if agency else None,
                     status=_status(session, status), open_only=open_only, overdue_only=overdue_only)
    plan = read_action_plan(session, as_at, flt, order="plan")
    if action_ids is not None:
        chosen = set(action_ids)
        plan = replace(plan, rows=[row for row in plan.rows if row.id in chosen])
    filtered = flt != PlanFilter() or action_ids is not None
    themes = read_themes(session)
    story = [Heading(TITLE, 0), para(_filters_text(options, as_at, date_text), "subtitle")]
    if plan.rows:
        story += rag_story(plan)
    else:
        story += [Heading("RAG ratings by lead agency", 1),
                  nothing_to_show("No actions match these choices, so there is nothing to rate.")]
    if plan.rows or not filtered:
        story += actions_story(plan, themes, date_text, group_by=group_by, filtered=filtered)
    if plan.as_recorded:
        story.append(as_recorded_note(as_at, date_text))
    return build_paper(out_path, settings, TITLE, story, wide=True, generated=generated, paper=paper)
