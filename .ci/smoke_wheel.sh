#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the source tree, and
# run the smoke test (.ci/smoke.sh) against its two commands, with other packages named app,
# db and ui installed beside it that ours must neither overwrite nor be shadowed by.
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
venv_python="$work/venv/bin/python"
"$venv_python" -m pip install --quiet "$wheel"

# The wheel claims no name in site-packages but its own package and its metadata (the
# commands go to bin/). From outside the source tree, whose egg-info would answer instead.
(cd "$work" && "$venv_python" - <<'PY'
from importlib.metadata import files
claimed = sorted({f.parts[0] for f in files("case-review-tracker") if f.parts[0] != ".."})
assert [name.split("-")[0] for name in claimed] == ["case_review_tracker"] * 2 and len(claimed) == 2, claimed
print(f"smoke: the wheel installs {', '.join(claimed)} and nothing else in site-packages")
PY
)
# Strangers' app, db and ui, each failing if imported: the program must use its own.
site=$("$venv_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
for name in app db ui; do
  mkdir "$site/$name"
  echo "raise ImportError('another distribution\'s $name was imported instead of ours')" >"$site/$name/__init__.py"
done

CRT_EXPECTED_VERSION=$(python -c 'import tomllib, sys; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
                       "$repo/pyproject.toml") \
  bash "$repo/.ci/smoke.sh" "$work/venv/bin/case-review-tracker-cli" "$work/venv/bin/case-review-tracker"
echo "wheel smoke test: $((SECONDS - started)) s"
