#!/usr/bin/env bash
# Reads of a private index (Access__Read=authenticated, a read token in every request) against the same
# reads of a public one: two servers on copies of one generated data directory, measured with wrk in
# interleaved rounds, as run.sh measures the read path.
# Usage: [ROUNDS=3] [WARMUP=5s] bench/load/private.sh [PROJECTS=1000] [DURATION=5s]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-1000}; duration=${2:-5s}; rounds=${ROUNDS:-3}
# Ports away from run.sh's, so both can run on one machine.
pubport=${PUBLIC_PORT:-18400}; priport=${PRIVATE_PORT:-18402}
source "$here/common.sh"
private="$work/private-$projects"
rm -rf "$private" && cp -r "$data" "$private"
echo 'bench reader password' | dotnet "$app" users create bench-reader --email reader@example.com --password-stdin --data-dir "$private" >/dev/null
token=$(dotnet "$app" tokens create bench-reader --scope read --data-dir "$private")
auth=$(printf '__token__:%s' "$token" | base64 -w0)

export CHEESESHOP_RequestLog=false
dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:$pubport >"$work/public.log" 2>&1 & public=$!
CHEESESHOP_Access__Read=authenticated dotnet "$app" serve --data-dir "$private" --urls http://127.0.0.1:$priport >"$work/private.log" 2>&1 & priv=$!
trap 'kill $public $priv 2>/dev/null || true' EXIT
for port in $pubport $priport; do
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
done
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$priport/simple/bench-project-000000/)" = 401 ] || { echo "private server is not private" >&2; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure() { # pid, url, auth ('' for none), wrk script args... -> "rps p99_ms cpu_us_per_request"
  local pid=$1 url=$2 a=$3; shift 3
  local before; before=$(cpu_ticks "$pid")
  local result; result=$(CHEESESHOP_BENCH_AUTH=$a wrk -t1 -c64 -d"$duration" --latency -s "$here/random-project.lua" "$url" -- "$@" | grep '^RESULT')
  local after; after=$(cpu_ticks "$pid")
  awk -v r="$result" -v d="${duration%s}" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(r, f, " "); split(f[2], a, "="); split(f[4], b, "="); split(f[5], e, "=");
    if (e[2] > 0) { print "errors in a round: " r > "/dev/stderr"; exit 1 }
    printf "%s %s %.1f\n", a[2], b[2], t / hz * 1e6 / (a[2] * d) }'
}
median() { sort -n | awk '{ v[NR]=$1 } END { print v[int((NR+1)/2)] }'; }
run() { # name, wrk script args...
  local name=$1; shift
  CHEESESHOP_BENCH_AUTH= wrk -t1 -c64 -d"${WARMUP:-5s}" -s "$here/random-project.lua" http://127.0.0.1:$pubport -- "$@" >/dev/null
  CHEESESHOP_BENCH_AUTH=$auth wrk -t1 -c64 -d"${WARMUP:-5s}" -s "$here/random-project.lua" http://127.0.0.1:$priport -- "$@" >/dev/null
  local pub=() pri=() pubcpu=() pricpu=() r rps p99 cpu
  for r in $(seq "$rounds"); do
    read -r rps p99 cpu < <(measure "$public" http://127.0.0.1:$pubport "" "$@"); pub+=("$rps"); pubcpu+=("$cpu")
    read -r rps p99 cpu < <(measure "$priv" http://127.0.0.1:$priport "$auth" "$@"); pri+=("$rps"); pricpu+=("$cpu")
  done
  local o b oc bc
  o=$(printf '%s\n' "${pri[@]}" | median); b=$(printf '%s\n' "${pub[@]}" | median)
  oc=$(printf '%s\n' "${pricpu[@]}" | median); bc=$(printf '%s\n' "${pubcpu[@]}" | median)
  printf '%-20s private rps=%-6s public=%-6s share=%3s%%  cpu/req private=%sus public=%sus  (rps: %s vs %s)\n' "$name" "$o" "$b" \
    "$(( o * 100 / b ))" "$oc" "$bc" "${pri[*]}" "${pub[*]}"
}
echo "projects=$projects duration=$duration rounds=$rounds load: $(cut -d" " -f1-3 /proc/loadavg)"
run "/simple/{p}/ html" "$projects" "/simple/%s/"
run "/pypi/{p}/json" "$projects" "/pypi/%s/json"
