#!/usr/bin/env bash
# Search benchmark: PROJECTS projects' search documents seeded by the bulk insert into a fresh data
# directory (or into the empty PostgreSQL database named by CHEESESHOP_Database__PostgreSQL), then each
# query of bench/Cheeseshop.Bench/SearchBench.cs timed through the search service the page runs.
# Usage: [KEEP=1] bench/search/run.sh [PROJECTS=100000] [RUNS=20]   (KEEP=1: time the queries on the data seeded by
# the last run instead of seeding afresh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-100000}; runs=${2:-20}
work=${BENCH_WORK:-/tmp/cheeseshop-search-bench}
[ "${KEEP:-}" = 1 ] || rm -rf "$work"
mkdir -p "$work"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll" search --data-dir "$work/data" --projects "$projects" --runs "$runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
