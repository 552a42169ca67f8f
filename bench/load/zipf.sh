#!/usr/bin/env bash
# Bounded memory under a skewed and a uniform read load: generates an index of N projects, starts Cheeseshop
# (Release, SQLite, the default Cache__MaxMegabytes unless CHEESESHOP_Cache__MaxMegabytes is set) and a bare
# ASP.NET endpoint serving pages of the same sizes, then drives each endpoint with wrk, first with a
# Zipf-distributed choice of project (zipf.lua, exponent ZIPF_S, default 1.0), then with a uniform one, rounds
# interleaved with the bare endpoint's. Prints requests/s and the share of the bare endpoint's, the server's
# resident memory after each endpoint and its peak (VmHWM) after each load.
# METRICS=1 serves /metrics on 127.0.0.1:8009 and prints the page cache's hits, misses and bytes after each endpoint.
# ENCODING sends that Accept-Encoding on every request (pip sends "gzip, deflate"); each baseline page then has
# the size of the compressed page, so the comparison is for the same bytes on the wire.
# BASELINE_HEADERS=simple has the bare endpoint send the headers a cached Simple page carries too (what they cost by
# themselves; the targets are against the bare endpoint without them).
# Usage: [ROUNDS=3] [WARMUP=10s] [METRICS=1] [ZIPF_S=1.0] [ENCODING=gzip] [LOADS="zipf uniform"] [ENDPOINTS="html json api page"] bench/load/zipf.sh [PROJECTS=100000] [DURATION=5s]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-100000}; duration=${2:-5s}
endpoints=" ${ENDPOINTS:-html json api page} "; loads=${LOADS:-zipf uniform}
export ACCEPT_ENCODING=${ENCODING:-}
enc=(); [ -z "$ACCEPT_ENCODING" ] || enc=(-H "Accept-Encoding: $ACCEPT_ENCODING")
source "$here/common.sh"

baseline=
[ "${METRICS:-}" != 1 ] || export CHEESESHOP_Metrics__Urls=http://127.0.0.1:8009
cache_stats() {
  [ "${METRICS:-}" = 1 ] || return 0
  curl -s http://127.0.0.1:8009/metrics | awk '/^cheeseshop_page_cache_(hits_total|misses_total|bytes|entries)/ { split($1, n, "{"); sub("cheeseshop_page_cache_", "", n[1]); printf "%s=%s ", n[1], $2 } END { print "" }'
}
CHEESESHOP_RequestLog=${CHEESESHOP_RequestLog:-false} dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:8000 >"$work/zipf-server.log" 2>&1 & server=$!
trap 'kill $server $baseline 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs http://127.0.0.1:8000/health >/dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:8000/health >/dev/null || { echo "server did not start; see $work/zipf-server.log" >&2; exit 1; }
rss() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
echo "server started: RSS $(rss $server VmRSS) MB; cache limit ${CHEESESHOP_Cache__MaxMegabytes:-192 (default)} MB"
p0=bench-project-000000
html=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/simple/$p0/" | wc -c)
json=$(curl -s "${enc[@]}" -H 'Accept: application/vnd.pypi.simple.v1+json' "http://127.0.0.1:8000/simple/$p0/" | wc -c)
api=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/pypi/$p0/json" | wc -c)
page=$(curl -s "${enc[@]}" "http://127.0.0.1:8000/project/$p0/" | wc -c)
dotnet "$bench" baseline http://127.0.0.1:8001 "$html" "$json" "$api" "$page" & baseline=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:8001/page/$html" >/dev/null && break; sleep 0.2; done
for b in "$html" "$json" "$api" "$page"; do wrk -t1 -c64 -d5s "http://127.0.0.1:8001/page/$b" >/dev/null; done

rounds=${ROUNDS:-3}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
idle_ticks() { awk '/^cpu / { print $5 + $6, $9 }' /proc/stat; }
measure() { # pid, url, wrk script args... -> "rps p99_ms cpu_us_per_request machine_idle_% steal_%"
  # The server's CPU time per request says what a request costs even when other work on this shared
  # machine takes cores away; the machine's idle and stolen time say whether it did.
  local pid=$1 url=$2; shift 2
  local before idle0 steal0 idle1 steal1 after result
  before=$(cpu_ticks "$pid"); read -r idle0 steal0 < <(idle_ticks)
  result=$(wrk -t1 -c64 -d"$duration" --latency -s "$here/zipf.lua" "$url" -- "$@" | grep '^RESULT')
  after=$(cpu_ticks "$pid"); read -r idle1 steal1 < <(idle_ticks)
  awk -v r="$result" -v d="${duration%s}" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v i=$((idle1 - idle0)) -v st=$((steal1 - steal0)) -v n="$(nproc)" 'BEGIN {
    split(r, f, " "); split(f[2], a, "="); split(f[4], b, "=")
    printf "%s %s %.1f %.0f %.0f\n", a[2], b[2], t / hz * 1e6 / (a[2] * d), i * 100 / (hz * d * n), st * 100 / (hz * d * n) }'
}
median() { sort -n | awk '{ v[NR]=$1 } END { print v[int((NR+1)/2)] }'; }
run() { # load, name, page bytes, path template [accept]
  local load=$1 name=$2 bytes=$3; shift 3
  local s=${ZIPF_S:-1.0}; [ "$load" = zipf ] || s=0
  export ZIPF_S=$s
  # Warm-up with the same load: JIT tiers, and the cache filled the way this load fills it.
  wrk -t1 -c64 -d"${WARMUP:-10s}" -s "$here/zipf.lua" http://127.0.0.1:8000 -- "$projects" "$@" >/dev/null
  local ours=() base=() p99s=() ourcpu=() basecpu=() idle=() steal=() r rps p99 cpu i st
  for r in $(seq "$rounds"); do
    # The bare rounds draw projects from the same distribution (and ask for the fixed page whatever is drawn), so
    # wrk, which shares the cores with the server, spends as much per request on both.
    read -r rps p99 cpu i st < <(measure "$baseline" http://127.0.0.1:8001 "$projects" "/page/$bytes"); base+=("$rps"); basecpu+=("$cpu"); local bi=$i bs=$st
    read -r rps p99 cpu i st < <(measure "$server" http://127.0.0.1:8000 "$projects" "$@"); ours+=("$rps"); p99s+=("$p99"); ourcpu+=("$cpu")
    idle+=("$bi/$i"); steal+=("$bs/$st")
  done
  local o b oc bc; o=$(printf '%s\n' "${ours[@]}" | median); b=$(printf '%s\n' "${base[@]}" | median)
  oc=$(printf '%s\n' "${ourcpu[@]}" | median); bc=$(printf '%s\n' "${basecpu[@]}" | median)
  printf '%-8s %-18s rps=%-6s base=%-6s share=%3s%%  cpu/req=%sus base=%sus share=%s%%  p99=%sms  RSS=%s MB  (rps: %s vs %s; machine idle %%, base/ours: %s; stolen %%: %s)\n' "$load" "$name" "$o" "$b" \
    "$(( o * 100 / b ))" "$oc" "$bc" "$(awk -v o="$oc" -v b="$bc" 'BEGIN { printf "%.0f", b * 100 / o }')" \
    "$(printf '%s\n' "${p99s[@]}" | median)" "$(rss $server VmRSS)" "${ours[*]}" "${base[*]}" "${idle[*]}" "${steal[*]}"
  cache_stats
}
echo "projects=$projects encoding=${ACCEPT_ENCODING:-none} page bytes: html=$html json=$json api=$api page=$page; duration=$duration rounds=$rounds zipf_s=${ZIPF_S:-1.0} load: $(cut -d" " -f1-3 /proc/loadavg)"
for load in $loads; do
  [[ $endpoints != *" html "* ]] || run "$load" "/simple/{p}/ html" "$html" "/simple/%s/"
  [[ $endpoints != *" json "* ]] || run "$load" "/simple/{p}/ json" "$json" "/simple/%s/" "application/vnd.pypi.simple.v1+json"
  [[ $endpoints != *" api "* ]] || run "$load" "/pypi/{p}/json" "$api" "/pypi/%s/json"
  [[ $endpoints != *" page "* ]] || run "$load" "/project/{p}/" "$page" "/project/%s/"
  echo "after the $load load: peak RSS (VmHWM) $(rss $server VmHWM) MB, now $(rss $server VmRSS) MB; load: $(cut -d" " -f1-3 /proc/loadavg)"
done
