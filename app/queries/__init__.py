"""Read models: one per question the office asks, each the only reading of its tables for display.

- ``action_plan``: the composite action plan, one row per action, as at a date;
- ``reviews``: each review's timeline (dates, status, clock) and its recommendations, as at a date.

Screens, exports, papers and the command line read here, so a fact reads the same wherever
the officer looks. Rows are plain values (named tuples and frozen dataclasses), never ORM objects.
"""
