"""The composite action plan: by review (or by theme) → recommendation → its actions.

The first page carries the RAG ratings by agency. Filters: one agency, one status, open
actions only, overdue actions only. Without filters every recommendation is shown, even one
with no actions yet (that is itself a gap the sub group wants to see); with filters only
the recommendations that have matching actions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from sqlalchemy.orm import Session

from app import lookups
from app.reports.action_data import (
    ActionFilter,
    ActionLine,
    RecommendationLine,
    load_actions,
    load_recommendations,
    load_themes,
)
from app.reports.doc import (
    Heading,
    ReportResult,
    build_paper,
    nothing_to_show,
    para,
    spacer,
)
from app.reports.formatting import (
    DateText,
    rag_text,
    status_cell,
    target_cell,
    update_cell,
)
from app.reports.table import Column, FastTable, Row, group_row
from app.settings import get_settings
from db.models import RAG_VALUES, ListKind

TITLE = "Composite action plan"

ACTION_COLUMNS = [
    Column("Ref", 6),
    Column("Action", 23),
    Column("Lead agency and officer", 12),
    Column("Target (revised)", 8),
    Column("Status", 7.5),
    Column("RAG", 5.5, rag=True),
    Column("Latest update", 25),
    Column("Evidence", 13),
]

RAG_LABELS = {"Red": "Red", "Amber": "Amber", "Green": "Green", "Blue": "Blue (complete)"}
_TINTS = {"Red": "#F4C7C3", "Amber": "#FFE9B0", "Green": "#C8E6C9", "Blue": "#C5DDF5"}


@dataclass(frozen=True)
class PlanOptions:
    """What the user chose; kept to print the filters on the paper."""

    by_theme: bool = False
    agency: str | None = None
    status: str | None = None
    open_only: bool = False
    overdue_only: bool = False
    as_at: dt.date | None = None


def action_cells(action: ActionLine, as_at: dt.date, date_text: DateText) -> tuple[str, ...]:
    """One action as a row of ACTION_COLUMNS."""
    officer = f"Lead: {action.lead_officer}" if action.lead_officer else ""
    lead = "\n".join(part for part in (action.agency, officer) if part)
    evidence = "\n".join(f"{label}: {text}" for label, text in (
        ("Required", action.evidence_required),
        ("Completion", action.evidence_of_completion),
        ("Impact", action.evidence_of_impact),
    ) if text)
    return (action.reference, action.description, lead, target_cell(action, date_text),
            status_cell(action, as_at, date_text), rag_text(action.rag), update_cell(action, date_text),
            evidence)


def rag_summary(actions: list[ActionLine], as_at: dt.date) -> FastTable:
    """RAG ratings by lead agency, with the overdue count and totals."""
    columns = [Column("Lead agency", 24)]
    columns += [Column(RAG_LABELS[r], 8, align="right", fill=colors.HexColor(_TINTS[r])) for r in RAG_VALUES]
    columns += [Column("Not rated", 8, align="right"), Column("Overdue", 8, align="right"),
                Column("Total", 8, align="right")]
    counts: dict[str, Counter] = defaultdict(Counter)
    for action in actions:
        tally = counts[action.agency or "No lead agency"]
        tally[action.rag or ""] += 1
        tally["overdue"] += action.overdue_on(as_at)
        tally["total"] += 1
    keys = [*RAG_VALUES, "", "overdue", "total"]
    rows = [Row((agency, *(str(counts[agency][k]) for k in keys))) for agency in sorted(counts)]
    totals = Counter()
    for tally in counts.values():
        totals.update(tally)
    rows.append(Row(("All agencies", *(str(totals[k]) for k in keys)), kind="total"))
    return FastTable(columns, rows)


def _recommendation_row(rec: RecommendationLine, *, with_review: bool) -> Row:
    source = f" ({rec.review_reference} {rec.review_title})" if with_review else ""
    addressed = f" [To: {rec.addressed_to}]" if rec.addressed_to else ""
    return group_row(f"Recommendation {rec.label}{source}{addressed}: {rec.text}")


class _Plan:
    """The story of the plan, built from the loaded actions and recommendations."""

    def __init__(self, actions, recommendations, themes, options: PlanOptions, as_at, date_text,
                 filtered: bool):
        self.actions = actions
        self.recommendations = recommendations
        self.themes = themes
        self.options = options
        self.as_at = as_at
        self.date_text = date_text
        self.filtered = filtered
        self.by_recommendation: dict[int, list[ActionLine]] = defaultdict(list)
        self.unlinked: list[ActionLine] = []
        for action in actions:
            for rec_id in action.recommendation_ids:
                self.by_recommendation[rec_id].append(action)
            if not action.recommendation_ids:
                self.unlinked.append(action)

    def _rows_for(self, recs: list[RecommendationLine], *, with_review: bool) -> list[Row]:
        """Recommendation rows, each followed by its actions. An action answering several
        recommendations of the section is printed in full once, then referred back to."""
        rows = []
        printed: dict[int, RecommendationLine] = {}
        for rec in recs:
            actions = self.by_recommendation.get(rec.id, [])
            if self.filtered and not actions:
                continue
            rows.append(_recommendation_row(rec, with_review=with_review))
            if not actions:
                rows.append(Row(("", "No actions recorded for this recommendation yet.",
                                 *[""] * (len(ACTION_COLUMNS) - 2))))
            for action in actions:
                cells = action_cells(action, self.as_at, self.date_text)
                if action.id in printed:
                    where = printed[action.id]
                    source = f" of {where.review_reference}" if with_review else ""
                    cells = (cells[0], f"As under recommendation {where.label}{source} above.",
                             *cells[2:6], "", "")
                else:
                    printed[action.id] = rec
                rows.append(Row(cells))
        return rows

    def _action_rows(self, label: str, actions: list[ActionLine]) -> list[Row]:
        if not actions:
            return []
        return [group_row(label), *(Row(action_cells(a, self.as_at, self.date_text)) for a in actions)]

    def _section(self, title: str, rows: list[Row]) -> list:
        return [Heading(title, 1), FastTable(ACTION_COLUMNS, rows)] if rows else []

    def by_review(self) -> list:
        story = []
        per_review: dict[int, list[RecommendationLine]] = defaultdict(list)
        for rec in self.recommendations:
            per_review[rec.review_id].append(rec)
        for recs in per_review.values():
            first = recs[0]
            story += self._section(f"{first.review_reference} \u2013 {first.review_title}",
                                   self._rows_for(recs, with_review=False))
        themes = dict(self.themes)
        unlinked_by_theme: dict[str, list[ActionLine]] = defaultdict(list)
        for action in self.unlinked:
            unlinked_by_theme[themes.get(action.theme_id, "No theme recorded")].append(action)
        rows = []
        for theme, actions in unlinked_by_theme.items():
            rows += self._action_rows(f"Theme: {theme}", actions)
        story += self._section("Actions not linked to a recommendation", rows)
        return story

    def by_theme(self) -> list:
        story = []
        recs_by_theme: dict[int | None, list[RecommendationLine]] = defaultdict(list)
        for rec in self.recommendations:
            recs_by_theme[rec.theme_id].append(rec)
        theme_actions: dict[int | None, list[ActionLine]] = defaultdict(list)
        for action in self.unlinked:
            theme_actions[action.theme_id].append(action)
        for theme_id, name in [*self.themes, (None, "No theme recorded")]:
            rows = self._rows_for(recs_by_theme.get(theme_id, []), with_review=True)
            rows += self._action_rows("Actions for the theme as a whole", theme_actions.get(theme_id, []))
            story += self._section(f"Theme: {name}", rows)
        return story


def _filters_text(options: PlanOptions, as_at: dt.date, date_text: DateText) -> str:
    parts = [f"Lead agency: {options.agency or 'all agencies'}",
             f"Status: {options.status or 'all statuses'}"]
    if options.open_only:
        parts.append("open actions only")
    if options.overdue_only:
        parts.append("overdue actions only")
    parts.append(f"Overdue means open with a target date before {date_text(as_at)}")
    return ". ".join(parts) + "."


def build_action_plan(session: Session, out_path: Path, *, by_theme: bool = False,
                      agency: str | None = None, status: str | None = None,
                      open_only: bool = False, overdue_only: bool = False,
                      as_at: dt.date | None = None, generated: dt.datetime | None = None) -> ReportResult:
    """Write the composite action plan to ``out_path``. Raises ``UserError`` for an unknown
    agency or status."""
    as_at = as_at or dt.date.today()
    options = PlanOptions(by_theme, agency, status, open_only, overdue_only, as_at)
    settings = get_settings(session)
    date_text = DateText(settings)
    flt = ActionFilter(
        agency_id=lookups.agency(session, agency).id if agency else None,
        status_id=lookups.list_item(session, ListKind.ACTION_STATUS, status, field="status").id if status else None,
        open_only=open_only,
        overdue_as_at=as_at if overdue_only else None,
    )
    actions = load_actions(session, flt)
    filtered = flt != ActionFilter()
    plan = _Plan(actions, load_recommendations(session), load_themes(session), options, as_at,
                 date_text, filtered)
    story = [
        Heading(TITLE, 0),
        para(_filters_text(options, as_at, date_text), "subtitle"),
        Heading("RAG ratings by lead agency", 1),
    ]
    if actions:
        story += [rag_summary(actions, as_at), spacer(),
                  para("Blue means complete. Overdue actions are also counted under their RAG rating.", "note")]
        story += plan.by_theme() if by_theme else plan.by_review()
    else:
        story.append(nothing_to_show("No actions match these choices, so there is nothing to rate."))
        if not filtered:
            story += plan.by_theme() if by_theme else plan.by_review()
    return build_paper(out_path, settings, TITLE, story, wide=True, generated=generated)
