#!/usr/bin/env bash
# A proxied Simple page served from the upstream cache against a local page and a bare endpoint: an
# upstream Cheeseshop on a generated index, a proxy with an empty index pointing at it (Upstream__Url),
# and the bare ASP.NET baseline returning a page of the proxied page's size; wrk in interleaved rounds.
# Usage: [ROUNDS=3] [WARMUP=5s] bench/load/upstream.sh [PROJECTS=1000] [DURATION=5s]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-1000}; duration=${2:-5s}; rounds=${ROUNDS:-3}
upport=${UPSTREAM_PORT:-18500}; baseport=${BASE_PORT:-18501}; proxport=${PROXY_PORT:-18502}
source "$here/common.sh"
proxydata="$work/proxy-$projects"
rm -rf "$proxydata" && mkdir -p "$proxydata"

export CHEESESHOP_RequestLog=false
dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:$upport >"$work/upstream.log" 2>&1 & upstream=$!
CHEESESHOP_Upstream__Url=http://127.0.0.1:$upport/simple/ CHEESESHOP_Upstream__CacheSeconds=86400 \
  dotnet "$app" serve --data-dir "$proxydata" --urls http://127.0.0.1:$proxport >"$work/proxy.log" 2>&1 & proxy=$!
baseline=
trap 'kill $upstream $proxy $baseline 2>/dev/null || true' EXIT
for port in $upport $proxport; do
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
done
p0=bench-project-000000
bytes=$(curl -fs "http://127.0.0.1:$proxport/simple/$p0/" | wc -c)
grep -q '/packages/upstream/' <(curl -fs "http://127.0.0.1:$proxport/simple/$p0/") || { echo "the proxy did not serve a proxied page" >&2; exit 1; }
dotnet "$bench" baseline http://127.0.0.1:$baseport "$bytes" & baseline=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$baseport/page/$bytes" >/dev/null && break; sleep 0.2; done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure() { # pid, url, wrk script args... -> "rps p99_ms cpu_us_per_request"
  local pid=$1 url=$2; shift 2
  local before; before=$(cpu_ticks "$pid")
  local result; result=$(wrk -t1 -c64 -d"$duration" --latency -s "$here/random-project.lua" "$url" -- "$@" | grep '^RESULT')
  local after; after=$(cpu_ticks "$pid")
  awk -v r="$result" -v d="${duration%s}" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(r, f, " "); split(f[2], a, "="); split(f[4], b, "="); split(f[5], e, "=");
    if (e[2] > 0) { print "errors in a round: " r > "/dev/stderr"; exit 1 }
    printf "%s %s %.1f\n", a[2], b[2], t / hz * 1e6 / (a[2] * d) }'
}
median() { sort -n | awk '{ v[NR]=$1 } END { print v[int((NR+1)/2)] }'; }
# Every project's page fetched once through the proxy (and rendered once by the upstream), then warm-up.
python3 "$here/warm_all.py" http://127.0.0.1:$proxport "$projects" "/simple/%s/"
python3 "$here/warm_all.py" http://127.0.0.1:$upport "$projects" "/simple/%s/"
for url in http://127.0.0.1:$proxport http://127.0.0.1:$upport; do
  wrk -t1 -c64 -d"${WARMUP:-5s}" -s "$here/random-project.lua" "$url" -- "$projects" "/simple/%s/" >/dev/null
done
wrk -t1 -c64 -d"${WARMUP:-5s}" "http://127.0.0.1:$baseport/page/$bytes" >/dev/null
prox=() loc=() base=() proxcpu=() loccpu=() basecpu=()
for r in $(seq "$rounds"); do
  read -r rps p99 cpu < <(measure "$baseline" http://127.0.0.1:$baseport 1 "/page/$bytes"); base+=("$rps"); basecpu+=("$cpu")
  read -r rps p99 cpu < <(measure "$proxy" http://127.0.0.1:$proxport "$projects" "/simple/%s/"); prox+=("$rps"); proxcpu+=("$cpu")
  read -r rps p99 cpu < <(measure "$upstream" http://127.0.0.1:$upport "$projects" "/simple/%s/"); loc+=("$rps"); loccpu+=("$cpu")
done
m() { printf '%s\n' "$@" | median; }
echo "projects=$projects page bytes=$bytes duration=$duration rounds=$rounds load: $(cut -d" " -f1-3 /proc/loadavg)"
printf 'proxied /simple/{p}/ html  rps=%-6s cpu/req=%sus  (rounds %s)\n' "$(m "${prox[@]}")" "$(m "${proxcpu[@]}")" "${prox[*]}"
printf 'local   /simple/{p}/ html  rps=%-6s cpu/req=%sus  (rounds %s)\n' "$(m "${loc[@]}")" "$(m "${loccpu[@]}")" "${loc[*]}"
printf 'bare endpoint              rps=%-6s cpu/req=%sus  (rounds %s)\n' "$(m "${base[@]}")" "$(m "${basecpu[@]}")" "${base[*]}"
