#!/usr/bin/env bash
# Build the frozen one-folder program (Linux), check it and measure it:
#   packaging/build_frozen.sh          # leaves dist/case-review-tracker/
# In a fresh virtual environment (dist/frozen-venv) holding only the wheel and PyInstaller,
# so nothing for tests or development is collected. Then runs --self-test and the smoke test
# (.ci/smoke.sh) against the frozen program off-screen, and prints its size and window
# start-up time (tests/benchmarks/bench_frozen.py, which records them).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist="$repo/dist"
venv="$dist/frozen-venv"
program="$dist/case-review-tracker"
started=$SECONDS

rm -rf "$repo/build" "$dist/wheel" "$dist/frozen-work" "$program"
python -m pip wheel --no-deps --quiet --wheel-dir "$dist/wheel" "$repo"
[ -x "$venv/bin/python" ] || python -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade --force-reinstall --no-deps "$dist"/wheel/*.whl
"$venv/bin/python" -m pip install --quiet "$dist"/wheel/*.whl -r "$repo/packaging/requirements-build.txt"
# Run from the dist folder, so nothing is imported from the source tree.
(cd "$dist" && "$venv/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$dist" \
   --workpath "$dist/frozen-work" "$repo/packaging/case-review-tracker.spec")
echo "frozen build: $((SECONDS - started)) s"

export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
check_dir=$(mktemp -d)
CRT_DATA_DIR="$check_dir/data" "$program/case-review-tracker-cli" --self-test
rm -rf "$check_dir"
version=$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("case-review-tracker"))')
CRT_EXPECTED_VERSION=$version bash "$repo/.ci/smoke.sh" "$program/case-review-tracker-cli" "$program/case-review-tracker"
python "$repo/tests/benchmarks/bench_frozen.py" "$program"
