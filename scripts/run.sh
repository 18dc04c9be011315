#!/usr/bin/env bash
# make run: migrate, load demo data if the database is empty, then serve the app with the
# scheduler beside it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRACKER_ENV_NAME="${TRACKER_ENV_NAME:-demo}"
PORT="${PORT:-5000}"
BIN=.venv/bin

"$BIN/tracker" db upgrade
"$BIN/tracker" demo --if-empty --children "${DEMO_CHILDREN:-300}"
# Due dates as of today (the demo may have been loaded on an earlier day).
"$BIN/tracker" items recompute --quiet

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$BIN/tracker" scheduler &
pids+=($!)

echo "Serving on http://127.0.0.1:${PORT} (Ctrl-C to stop)"
# The image's server settings (tracker/gunicorn_conf.py: JSON log lines), on loopback.
"$BIN/gunicorn" --config python:tracker.gunicorn_conf --bind "127.0.0.1:${PORT}" --graceful-timeout 5 &
pids+=($!)
wait -n "${pids[@]}"
