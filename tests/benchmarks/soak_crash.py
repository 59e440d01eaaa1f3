"""Soak test: kill a bulk edit, an import and a migration hundreds of times at random moments.

A plain script, not a test (pytest does not collect it). POSIX only (SIGKILL and fork).

    python tests/benchmarks/soak_crash.py                 # 200 kills of each scenario
    python tests/benchmarks/soak_crash.py 500 migration   # 500 kills of the migration only
    python tests/benchmarks/soak_crash.py 300 --seed 9    # another random sequence

After every kill the database must pass ``PRAGMA integrity_check`` and the program's own
check, hold exactly the before-state or the after-state of the transaction, and no backup the
restore list would offer may be a half copy. Prints a line per scenario; exit status 1 if
any run broke a rule (the failing runs are listed).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.app.safety.crash_harness import SCENARIOS, Outcome, run_scenario  # noqa: E402


def _broken(outcome: Outcome) -> bool:
    return (outcome.integrity != "ok" or outcome.product_check != "ok"
            or outcome.state not in ("before", "after") or outcome.bad_backup_offered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=200, help="kills per scenario (default 200)")
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        help=f"any of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the kill moments")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(SCENARIOS)}")
    args.scenarios = args.scenarios or list(SCENARIOS)
    if not (hasattr(signal, "SIGKILL") and hasattr(os, "fork")):
        print("This soak test needs SIGKILL and fork (Linux or macOS).", file=sys.stderr)
        return 1

    failures = 0
    with tempfile.TemporaryDirectory(prefix="crt-soak-") as tmp:
        os.environ["CRT_DATA_DIR"] = str(Path(tmp) / "data")
        for name in args.scenarios:
            started = time.perf_counter()
            scenario, outcomes = run_scenario(name, args.runs, Path(tmp) / name, args.seed)
            broken = [(i, o) for i, o in enumerate(outcomes) if _broken(o)]
            failures += len(broken)
            states = [o.state for o in outcomes]
            print(f"{name:<10} {len(outcomes)} kills in {time.perf_counter() - started:.0f} s "
                  f"(work takes {scenario.seconds:.2f} s): "
                  f"{sum(o.mid_transaction for o in outcomes)} inside the transaction, "
                  f"{states.count('before')} before, {states.count('after')} after, "
                  f"{states.count('neither')} neither; {len(broken)} broke a rule")
            for i, outcome in broken:
                print(f"    run {i}: {outcome}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
