"""Crash safety, proven: kill the process at random moments during a bulk edit, an import and a
migration; every time the file passes its integrity check and holds all of before or all of after.

``tests/benchmarks/soak_crash.py`` runs the same scenarios hundreds of times.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.app.safety.crash_harness import SCENARIOS, run_scenario

pytestmark = pytest.mark.skipif(not (hasattr(signal, "SIGKILL") and hasattr(os, "fork")),
                                reason="needs SIGKILL and fork (not on Windows)")

RUNS = int(os.environ.get("CRT_CRASH_RUNS", "12"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_killed_change_leaves_all_of_before_or_all_of_after(scenario, tmp_path):
    prepared, outcomes = run_scenario(scenario, RUNS, tmp_path / scenario, seed=20260318)

    for run, outcome in enumerate(outcomes):
        where = f"run {run}, killed {outcome.delay:.3f} s in (of {prepared.seconds:.3f} s)"
        assert outcome.integrity == "ok", where
        assert outcome.product_check == "ok", where
        assert outcome.state in ("before", "after"), where
        assert not outcome.bad_backup_offered, where
    # The kills really landed inside the transaction, not only before or after it.
    assert sum(o.mid_transaction for o in outcomes) >= 1
    assert {o.state for o in outcomes if o.mid_transaction} <= {"before", "after"}
