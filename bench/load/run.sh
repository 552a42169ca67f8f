#!/usr/bin/env bash
# Read-path load test: generates an index of N projects, starts Cheeseshop (Release) and a bare
# ASP.NET baseline endpoint, and measures both with wrk in the same run.
# Usage: [ROUNDS=3] [WARMUP=5s] [ENCODING=gzip|br] [ENDPOINTS="html json api index page"] bench/load/run.sh [PROJECTS=1000] [DURATION=5s]
# (page: the project page for people, /project/{p}/)
# ENCODING sends that Accept-Encoding on every request; each baseline page then has the size of the
# compressed page, so the comparison is for the same bytes on the wire. ENDPOINTS picks what is measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-1000}; duration=${2:-5s}
export ACCEPT_ENCODING=${ENCODING:-}; endpoints=" ${ENDPOINTS:-html json api index page} "
enc=(); [ -z "$ACCEPT_ENCODING" ] || enc=(-H "Accept-Encoding: $ACCEPT_ENCODING")
source "$here/common.sh"

baseline=
dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:8000 >"$work/server.log" 2>&1 & server=$!
trap 'kill $server $baseline 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs http://127.0.0.1:8000/health >/dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:8000/health >/dev/null || { echo "server did not start; see $work/server.log" >&2; exit 1; }
# Each endpoint is compared with a bare endpoint returning a page of the same size as its own.
p0=bench-project-000000
html=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/simple/$p0/" | wc -c)
json=$(curl -s "${enc[@]}" -H 'Accept: application/vnd.pypi.simple.v1+json' "http://127.0.0.1:8000/simple/$p0/" | wc -c)
api=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/pypi/$p0/json" | wc -c)
index=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/simple/" | wc -c)
page=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/project/$p0/" | wc -c)
dotnet "$bench" baseline http://127.0.0.1:8001 "$html" "$json" "$api" "$index" "$page" & baseline=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:8001/page/$html" >/dev/null && break; sleep 0.2; done

# Load on this shared machine moves between seconds, so each endpoint is measured in ROUNDS short
# runs interleaved with the baseline's, and the medians of the two are compared.
rounds=${ROUNDS:-3}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure() { # pid, url, wrk script args... -> "rps p99_ms cpu_us_per_request"
  # The server's own CPU time per request says what a request costs even when other work on the
  # machine takes cores away (which moves requests/s between runs).
  local pid=$1 url=$2; shift 2
  local before; before=$(cpu_ticks "$pid")
  local result; result=$(wrk -t1 -c64 -d"$duration" --latency -s "$here/random-project.lua" "$url" -- "$@" | grep '^RESULT')
  local after; after=$(cpu_ticks "$pid")
  awk -v r="$result" -v d="${duration%s}" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(r, f, " "); split(f[2], a, "="); split(f[4], b, "="); printf "%s %s %.1f\n", a[2], b[2], t / hz * 1e6 / (a[2] * d) }'
}
median() { sort -n | awk '{ v[NR]=$1 } END { print v[int((NR+1)/2)] }'; }
run() { # name, page bytes, url, projects, path template [accept]
  local name=$1 bytes=$2 url=$3; shift 3
  # Warm up first: JIT tiers, then every project's page rendered once (warm_all.py walks the
  # projects once), then measure.
  wrk -t1 -c64 -d"${WARMUP:-5s}" -s "$here/random-project.lua" "$url" -- "$@" >/dev/null
  python3 "$here/warm_all.py" "$url" "$@"
  local ours=() base=() p99s=() ourcpu=() basecpu=() r rps p99 cpu
  for r in $(seq "$rounds"); do
    read -r rps p99 cpu < <(measure "$baseline" http://127.0.0.1:8001 1 "/page/$bytes"); base+=("$rps"); basecpu+=("$cpu")
    read -r rps p99 cpu < <(measure "$server" "$url" "$@"); ours+=("$rps"); p99s+=("$p99"); ourcpu+=("$cpu")
  done
  local o b oc bc
  o=$(printf '%s\n' "${ours[@]}" | median); b=$(printf '%s\n' "${base[@]}" | median)
  oc=$(printf '%s\n' "${ourcpu[@]}" | median); bc=$(printf '%s\n' "${basecpu[@]}" | median)
  printf '%-20s rps=%-6s base=%-6s share=%3s%%  cpu/req=%sus base=%sus share=%s%%  p99=%sms  (rps: %s vs %s)\n' "$name" "$o" "$b" \
    "$(( o * 100 / b ))" "$oc" "$bc" "$(awk -v o="$oc" -v b="$bc" 'BEGIN { printf "%.0f", b * 100 / o }')" \
    "$(printf '%s\n' "${p99s[@]}" | median)" "${ours[*]}" "${base[*]}"
}
for b in "$html" "$json" "$api" "$index" "$page"; do wrk -t1 -c64 -d"${WARMUP:-5s}" "http://127.0.0.1:8001/page/$b" >/dev/null; done
echo "projects=$projects encoding=${ACCEPT_ENCODING:-none} page bytes: html=$html json=$json api=$api index=$index page=$page; duration=$duration rounds=$rounds load: $(cut -d" " -f1-3 /proc/loadavg)"
[[ $endpoints != *" html "* ]] || run "/simple/{p}/ html" "$html" http://127.0.0.1:8000 "$projects" "/simple/%s/"
[[ $endpoints != *" json "* ]] || run "/simple/{p}/ json" "$json" http://127.0.0.1:8000 "$projects" "/simple/%s/" "application/vnd.pypi.simple.v1+json"
[[ $endpoints != *" api "* ]] || run "/pypi/{p}/json" "$api" http://127.0.0.1:8000 "$projects" "/pypi/%s/json"
[[ $endpoints != *" index "* ]] || run "/simple/ (index)" "$index" http://127.0.0.1:8000 1 "/simple/"
[[ $endpoints != *" page "* ]] || run "/project/{p}/" "$page" http://127.0.0.1:8000 "$projects" "/project/%s/"
echo "server RSS: $(ps -o rss= -p $server | awk '{printf "%.0f MB", $1/1024}')"
