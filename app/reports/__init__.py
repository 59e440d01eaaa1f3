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
