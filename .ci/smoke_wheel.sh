#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the source tree, and
# run the smoke test (.ci/smoke.sh) against its two commands.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS

rm -rf "$repo/build"  # setuptools would package a deleted module left there by an earlier build
python -m pip wheel --no-deps --quiet --wheel-dir "$work/dist" "$repo"
wheel=$(ls "$work"/dist/*.whl)
echo "wheel: $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KB"
python -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"

CRT_EXPECTED_VERSION=$(python -c 'import tomllib, sys; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
                       "$repo/pyproject.toml") \
  bash "$repo/.ci/smoke.sh" "$work/venv/bin/case-review-tracker-cli" "$work/venv/bin/case-review-tracker"
echo "wheel smoke test: $((SECONDS - started)) s"
