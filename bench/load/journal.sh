#!/usr/bin/env bash
# What a mirror asks of a large index: the journal filled to ROWS rows (bulk SQL in the database, not uploads:
# the rows an upload would write), an index of PROJECTS generated projects, then timed over HTTP:
# changelog_last_serial, changelog_since_serial(last_serial - 1000), list_packages_with_serial (XML-RPC),
# and /simple/ (the whole index, HTML and PEP 691 JSON: the first request renders it, the others are cached).
# SQLite in DATA_DIR by default; PostgreSQL when CHEESESHOP_Database__PostgreSQL names an (empty or
# already seeded) database, which psql reaches with the same Host, Port, Username and Database.
# Usage: [RUNS=20] bench/load/journal.sh [ROWS=10000000] [PROJECTS=100000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
rows=${1:-10000000}; projects=${2:-100000}; runs=${RUNS:-20}
work=${BENCH_WORK:-/tmp/cheeseshop-bench}; data=${DATA_DIR:-"$work/journal-$projects"}
pg=${CHEESESHOP_Database__PostgreSQL:-}
mkdir -p "$work"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
bench="$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll"
[ -n "${APP:-}" ] || dotnet build -c Release "$root/src/Cheeseshop" -v q -nologo >/dev/null
app=${APP:-"$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"}

if [ -n "$pg" ]; then
  field() { tr ';' '\n' <<<"$pg" | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print $2 }'; }
  sql() { psql -X -q -t -A -h "$(field Host)" -p "$(field Port)" -U "$(field Username)" -d "$(field Database)" -c "$1"; }
  have_projects() { sql "SELECT count(*) FROM projects" 2>/dev/null || echo 0; }
else
  sql() { sqlite3 "$data/cheeseshop.db" "$1"; }
  have_projects() { [ -f "$data/cheeseshop.db" ] && sql "SELECT count(*) FROM projects" || echo 0; }
fi
[ "$(have_projects)" -ge "$projects" ] || dotnet "$bench" generate --data-dir "$data" --projects "$projects" --files-per-project 5
have=$(sql "SELECT count(*) FROM journals")
if [ "$have" -lt "$rows" ]; then
  # Rows as uploads write them, for random generated projects, in one statement.
  started=$(date +%s)
  if [ -n "$pg" ]; then
    sql "INSERT INTO journals (name, version, action, submitted_date) SELECT 'bench-project-' || lpad((i % $projects)::text, 6, '0'), '2.0',
         'add py3 file bench_project-2.0-py3-none-any.whl', timestamp '2026-01-01' + i * interval '1 second' FROM generate_series(1, $((rows - have))) i"
  else
    sql "PRAGMA journal_size_limit = 0; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $((rows - have)))
         INSERT INTO journals (name, version, action, submitted_date) SELECT printf('bench-project-%06d', i % $projects), '2.0',
         'add py3 file bench_project-2.0-py3-none-any.whl', datetime('2026-01-01', '+' || i || ' seconds') FROM n" >/dev/null
  fi
  echo "seeded $((rows - have)) journal rows in $(( $(date +%s) - started )) s"
fi

port=${PORT:-8030}; url=http://127.0.0.1:$port
CHEESESHOP_RequestLog=false CHEESESHOP_RateLimits__XmlRpcPerHour=0 dotnet "$app" serve --data-dir "$data" --urls "$url" >"$work/journal-server.log" 2>&1 & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 150); do curl -fs "$url/health" >/dev/null && break; sleep 0.2; done
curl -fs "$url/health" >/dev/null || { echo "server did not start; see $work/journal-server.log" >&2; exit 1; }

rpc() { # method [int param] -> the request body
  local p=""; [ -z "${2:-}" ] || p="<params><param><value><int>$2</int></value></param></params>"
  printf '<?xml version="1.0"?><methodCall><methodName>%s</methodName>%s</methodCall>' "$1" "$p"
}
last=$(curl -s -H 'Content-Type: text/xml' --data-binary "$(rpc changelog_last_serial)" "$url/pypi" | grep -o '<int>[0-9]*</int>\|<i8>[0-9]*</i8>' | grep -o '[0-9]*')
echo "journal rows: $(sql "SELECT count(*) FROM journals"); projects: $(sql "SELECT count(*) FROM projects"); last serial $last; database: $([ -n "$pg" ] && echo PostgreSQL || echo SQLite); load: $(cut -d' ' -f1-3 /proc/loadavg)"
time_it() { # label, curl args... : the first request's time, then the median and worst of RUNS more
  local label=$1; shift
  local first; first=$(curl -s -o /dev/null -w '%{time_total}' "$@")
  local times=() size
  for _ in $(seq "$runs"); do times+=("$(curl -s -o /dev/null -w '%{time_total}' "$@")"); done
  size=$(curl -s "$@" | wc -c)
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" -v f="$first" -v s="$size" \
    '{ v[NR] = $1 * 1000 } END { printf "%-44s first %8.1f ms  median %8.1f ms  worst %8.1f ms  %10d bytes\n", l, f * 1000, v[int((NR + 1) / 2)], v[NR], s }'
}
x=(-H 'Content-Type: text/xml' "$url/pypi" --data-binary)
time_it "changelog_last_serial" "${x[@]}" "$(rpc changelog_last_serial)"
time_it "changelog_since_serial(last_serial - 1000)" "${x[@]}" "$(rpc changelog_since_serial $((last - 1000)))"
time_it "list_packages_with_serial" "${x[@]}" "$(rpc list_packages_with_serial)"
time_it "/simple/ (HTML)" "$url/simple/"
time_it "/simple/ (PEP 691 JSON)" -H 'Accept: application/vnd.pypi.simple.v1+json' "$url/simple/"
time_it "/simple/ (HTML, gzip)" -H 'Accept-Encoding: gzip' "$url/simple/"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
