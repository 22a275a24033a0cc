#!/usr/bin/env bash
# `make bench`: run every benchmark and write what they print, with the date and the
# machine, into bench/RESULTS.md. A benchmark that misses a budget still has its
# figures written; the script exits non-zero if any benchmark exited non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
OUT=bench/RESULTS.md
LOAD_ARGS=${LOAD_ARGS:---production --duration 5 --concurrency 1 10 50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # name, command...
  local name=$1; shift
  echo "==> $name: $*" >&2
  "$@" 2>&1 | tee "$tmp/$name.txt" >&2
  echo "${PIPESTATUS[0]}" > "$tmp/$name.rc"
}

run render env DJANGO_DEBUG=true "$PY" bench/render.py
run room env DJANGO_DEBUG=true "$PY" bench/room.py
run load "$PY" bench/load.py $LOAD_ARGS
run documents "$PY" bench/documents.py

db_version=$(psql -h 127.0.0.1 -U postgres -Atc 'show server_version' 2>/dev/null || echo "?")
{
  echo "# Benchmark results"
  echo
  echo "Written by \`make bench\` (bench/run.sh); what the figures mean and what holds back"
  echo "a missed budget: [README.md](README.md)."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| machine | $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -m | awk '/^Mem:/ {print $2}') MiB RAM |"
  echo "| load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "| software | $("$PY" --version 2>&1), Django $("$PY" -c 'import django; print(django.get_version())'), WeasyPrint $("$PY" -c 'import weasyprint; print(weasyprint.__version__)'), PostgreSQL $db_version |"
  echo "| database | ${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cleanbreak_volume} (load); a throwaway SQLite file (render) |"
  for name in render room load documents; do
    echo
    echo "## $name (exit status $(cat "$tmp/$name.rc"))"
    echo
    echo '```'
    cat "$tmp/$name.txt"
    echo '```'
  done
} > "$OUT"
echo "Figures written to $OUT" >&2
for name in render room load documents; do
  [ "$(cat "$tmp/$name.rc")" = 0 ] || exit 1
done
