#!/usr/bin/env bash
# Disclosure benchmark: one subject with EVENTS events (FILES of them uploads of a file each) in a
# fresh data directory, then `cheeseshop legal produce` timed with /usr/bin/time (wall time and the
# process's peak resident memory), three times. PostgreSQL: set CHEESESHOP_Database__PostgreSQL to an
# empty database's connection string. The machine's load average is printed with each run: on a shared
# machine wall time follows it, CPU time much less. Usage: bench/disclosure/run.sh [EVENTS=100000] [FILES=10000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
events=${1:-100000}; files=${2:-10000}
work=${BENCH_WORK:-/tmp/cheeseshop-disclosure-bench}; data="$work/data"
rm -rf "$work"; mkdir -p "$work"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
bench="$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll"
app="$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"
dotnet "$bench" disclosure-seed --data-dir "$data" --events "$events" --files "$files"
id=$(dotnet "$app" legal create --kind subpoena --authority "Benchmark Court" --reference B-1 \
    --received 2026-11-01 --due 2026-12-01 --subject subject --data-dir "$data" 2>/dev/null)
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %U s user + %S s system CPU, %M KB peak RSS (load average $(cut -d' ' -f1 /proc/loadavg))" \
    dotnet "$app" legal produce "$id" --out "$work/package-$run.zip" --as-of 2026-11-20T00:00:00Z --data-dir "$data" >/dev/null 2>"$work/produce-$run.log" \
    || { cat "$work/produce-$run.log"; exit 1; }
  tail -n 1 "$work/produce-$run.log"
done
grep -h "subject:" "$work/produce-1.log" | sed 's/^ */rows: /'
echo "package: $(stat -c %s "$work/package-1.zip") bytes; identical runs: $(sha256sum "$work"/package-*.zip | awk '{print $1}' | sort -u | wc -l | sed 's/^1$/yes/')"
