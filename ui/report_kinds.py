"""The papers the Reports menu offers: kind, menu title and a line saying what each is.

Shared by the menu entries (``ui.menus``) and the dialogs behind them
(``ui.report_dialogs``), so that neither imports the other.
"""

from __future__ import annotations

# (kind, menu title): the kinds are those of ``python main.py report KIND``.
REPORTS: list[tuple[str, str]] = [
    ("briefing", "Sub group briefing paper…"),
    ("action-plan", "Composite action plan…"),
    ("response", "Partnership response…"),
    ("annual", "Annual report tables…"),
    ("panel", "Scrutiny panel cover report…"),
    ("agency", "Agency action list…"),
    ("pack", "Meeting pack…"),
]
REPORT_TITLES = {kind: title.rstrip("…") for kind, title in REPORTS}
REPORT_INTROS = {
    "briefing": "The briefing paper for a sub group meeting: current reviews, decisions since the "
                "last meeting, overdue actions and clocks falling due before the next one.",
    "action-plan": "Every review's recommendations and their actions, with the RAG ratings by agency. "
                   "Leave the choices blank for the whole plan.",
    "response": "The partnership's response to the reviews you tick, by theme.",
    "annual": "The tables for the annual report: referrals by outcome, reviews agreed, underway, "
              "completed and published, timeliness, and learning events, for a period.",
    "panel": "The council's cover report for a review going to the scrutiny panel. The review, its "
             "recommendations and their progress come from the record; the parts below are the "
             "review's panel report, kept with the review for the next time. A part left blank "
             "prints its standard wording or \u201cNot recorded\u201d.",
    "agency": "One agency's open actions, overdue ones first, to send to the agency.",
    "pack": "Everything for a sub group meeting in one PDF: a contents page, the briefing paper, the "
            "overdue actions, and the RAG ratings and action plan of the agencies whose actions are "
            "before the meeting, the pages numbered through the pack.",
}
