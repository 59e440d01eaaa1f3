"""The printed papers (PDF, ReportLab): one module per paper, each with a ``build_*`` function.

- ``briefing.build_briefing``: the sub group briefing paper for a meeting;
- ``action_plan.build_action_plan``: the composite action plan, by review or by theme;
- ``response.build_response``: the partnership response to a set of reviews, by theme;
- ``annual.build_annual``: the annual report tables for a period;
- ``panel.build_panel``: the scrutiny panel cover report for a review;
- ``agency_list.build_agency_list``: one agency's open actions;
- ``pack.build_pack``: the pack for a sub group meeting (contents, briefing, overdue
  actions, RAG summary, the plan for the meeting's agencies) in one PDF.

The briefing paper, the response and the panel report (``WORD_KINDS``) can also be written
as Word documents: the same story, asked for with a .docx file name (``docx_render``).

Each takes a session and an output path, returns a ``doc.ReportResult`` and raises
``UserError`` for what the user can put right. ``build_checked_report`` builds one under a
partial name and runs the privacy check on what its pages print, so that the paper leaves
the program only once it is clean or the user goes ahead knowingly (``app.privacy_scan``).
``command`` is the ``report`` subcommand. Every paper reads its facts through the read
models (``app.queries``) as at the paper's date. Shared: ``doc`` (page furniture, styles,
the build), ``docx_render`` (the same story as a Word document), ``page_text`` (the text
each page prints), ``table`` and ``fasttext`` (the fast table for long plain-text tables),
``review_data`` (reviews as table rows) and ``as_at`` (the mark and notes for history a
paper cannot rebuild).
"""


from __future__ import annotations

from dataclasses import replace
from importlib import import_module
from pathlib import Path

from app import privacy_scan
from app.settings import get_settings
from app.errors import UserError

# kind (as on the command line) -> module and function. Imported when first used, so that
# starting the program does not load ReportLab.
_BUILDERS = {
    "briefing": ("briefing", "build_briefing"),
    "action-plan": ("action_plan", "build_action_plan"),
    "response": ("response", "build_response"),
    "annual": ("annual", "build_annual"),
    "panel": ("panel", "build_panel"),
    "agency": ("agency_list", "build_agency_list"),
    "pack": ("pack", "build_pack"),
}
REPORT_KINDS = tuple(_BUILDERS)
WORD_KINDS = ("briefing", "response", "panel")
"""The papers that can also be written as Word documents (.docx), for the last edits."""
WORD_SUFFIX = ".docx"
PLAN_GROUPINGS = ("review", "theme", "agency")
"""How the action plan paper can group its actions."""


def build_report(kind: str, session, out_path: Path, **options):
    """Build paper ``kind`` (one of ``REPORT_KINDS``) with that paper's own options: a PDF,
    or a Word document when ``out_path`` ends in .docx (``WORD_KINDS`` only)."""
    if _is_word(out_path) and kind not in WORD_KINDS:
        raise UserError(f"Only the {_names(WORD_KINDS)} papers can be written as Word documents: "
                        f"give a file name ending in .pdf for the {kind} paper.")
    module, function = _BUILDERS[kind]
    return getattr(import_module(f"app.reports.{module}"), function)(session, out_path, **options)


def build_checked_report(kind: str, session, out_path: Path, *,
                         progress: privacy_scan.Progress | None = None, **options):
    """Build paper ``kind`` for ``out_path`` under its partial name and scan the text its
    pages print (a Word document: all its reader sees, read back from the file). Returns
    the ``ReportResult`` (its path ``out_path``) and the ``privacy_scan.CheckedFile``
    waiting to take that name; ``progress`` as for ``privacy_scan.write_checked``."""
    terms = privacy_scan.never_print_terms(session)

    def scan(partial: Path, paper) -> list[privacy_scan.Finding]:
        if _is_word(partial):
            from app.reports.docx_render import docx_places

            # As for a page: where in a paragraph means nothing to its reader.
            return [replace(finding, position=None)
                    for finding in privacy_scan.scan_cells(docx_places(partial), terms, paper.allowed_details)]
        # The file's own properties too (as build_paper sets them): a reader's window shows its title.
        settings = get_settings(session)
        places = [("the document's title", paper.title), ("the document's author", settings.partnership_name),
                  ("the document's subject", settings.protective_marking)]
        properties = privacy_scan.scan_cells(places, terms, paper.allowed_details)
        return [*(replace(finding, position=None) for finding in properties),
                *privacy_scan.scan_pages(paper.page_texts, terms, paper.allowed_details)]

    result, checked = privacy_scan.write_checked(
        Path(out_path), lambda partial: build_report(kind, session, partial, **options), scan, progress=progress)
    return replace(result, path=checked.final), checked


def _is_word(path: Path) -> bool:
    return Path(path).suffix.lower() == WORD_SUFFIX


def _names(kinds) -> str:
    return ", ".join(kinds[:-1]) + f" and {kinds[-1]}"
