#!/usr/bin/env bash
# Smoke test of an installed or frozen program, run from a folder outside the source tree on
# a fresh data folder, as a new user would:
#   .ci/smoke.sh CLI [GUI]
# CLI runs every command (case-review-tracker-cli); GUI (default: CLI) opens the window.
# CRT_EXPECTED_VERSION, if set, is the version --version must print.
set -euo pipefail
cli=$1
gui=${2:-$1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export CRT_DATA_DIR="$work/data"
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
run() { echo "smoke: $*"; "$@" >"$work/said.txt" 2>&1 || { cat "$work/said.txt" >&2; fail "$*"; }; }
pdf() { run "$cli" report "$@" --db demo.sqlite --out "$1.pdf"; [ "$(head -c 4 "$1.pdf")" = "%PDF" ] || fail "$1.pdf is not a PDF"; }

version=$("$cli" --version)
echo "smoke: $version"
[ -z "${CRT_EXPECTED_VERSION:-}" ] || [ "$version" = "Case Review Tracker $CRT_EXPECTED_VERSION" ] \
  || fail "--version said '$version', not $CRT_EXPECTED_VERSION"
"$gui" --version >/dev/null
"$cli" --help >/dev/null
"$cli" report briefing --help >/dev/null
[ ! -e "$CRT_DATA_DIR" ] || fail "--help or --version wrote to the data folder"

run "$gui" --self-test
run "$cli" demo --db demo.sqlite
run "$cli" check --db demo.sqlite
run "$cli" export action-plan --db demo.sqlite --out plan.xlsx
run "$cli" export action-plan --db demo.sqlite --out plan.csv
run "$cli" export agency-packs --db demo.sqlite --out packs
run "$cli" export referrals --db demo.sqlite --out referrals.xlsx
run "$cli" import "packs/$(ls packs | head -n 1)" --db demo.sqlite
run "$cli" plan --db demo.sqlite --overdue
pdf briefing
pdf action-plan --group-by agency
pdf response --review SCR-2015-01
pdf annual --from 01/04/2016 --to 31/03/2017
pdf panel --review SCR-2018-01
pdf agency --agency Police
run "$cli" report briefing --format docx --db demo.sqlite --out briefing.docx
if ls -A . packs | grep -q '^\.frame-'; then fail "temporary files were left beside the exports"; fi
[ -s "$CRT_DATA_DIR/logs/case-review-tracker.log" ] || fail "no routine log in the data folder"

# The window, as a user opens it: on screen (the log says so), then closed.
echo "smoke: $gui --db demo.sqlite (the window)"
"$gui" --db demo.sqlite >"$work/window.txt" 2>&1 &
window=$!
for _ in $(seq 1 600); do
  grep -q "Window shown" "$CRT_DATA_DIR/logs/case-review-tracker.log" && break
  kill -0 "$window" 2>/dev/null || { cat "$work/window.txt" >&2; fail "the window's program ended before it showed"; }
  sleep 0.1
done
grep -q "Window shown" "$CRT_DATA_DIR/logs/case-review-tracker.log" || fail "the window did not show within 60 s"
kill "$window"
wait "$window" || true
echo "smoke: all passed"
