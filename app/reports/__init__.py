"""The printed papers (PDF, ReportLab): one module per paper, each with a ``build_*`` function.

- ``briefing.build_briefing``: the sub group briefing paper for a meeting;
- ``action_plan.build_action_plan``: the composite action plan, by review or by theme;
- ``response.build_response``: the partnership response to a set of reviews, by theme;
- ``annual.build_annual``: the annual report tables for a period;
- ``panel.build_panel``: the scrutiny panel cover report for a review;
- ``agency_list.build_agency_list``: one agency's open actions.

Each takes a session and an output path, returns a ``doc.ReportResult`` and raises
``UserError`` for what the user can put right. ``command`` is the ``report`` subcommand.
Shared: ``doc`` (page furniture, styles, the build), ``table`` and ``fasttext`` (the fast
table for long plain-text tables), ``action_data`` and ``review_data`` (the queries).
"""


from __future__ import annotations

from importlib import import_module
from pathlib import Path

# kind (as on the command line) -> module and function. Imported when first used, so that
# starting the program does not load ReportLab.
_BUILDERS = {
    "briefing": ("briefing", "build_briefing"),
    "action-plan": ("action_plan", "build_action_plan"),
    "response": ("response", "build_response"),
    "annual": ("annual", "build_annual"),
    "panel": ("panel", "build_panel"),
    "agency": ("agency_list", "build_agency_list"),
}
REPORT_KINDS = tuple(_BUILDERS)


def build_report(kind: str, session, out_path: Path, **options):
    """Build paper ``kind`` (one of ``REPORT_KINDS``) with that paper's own options."""
    module, function = _BUILDERS[kind]
    return getattr(import_module(f"app.reports.{module}"), function)(session, out_path, **options)
