#!/usr/bin/env bash
# `cheeseshop import` and `cheeseshop mirror` timed: PROJECTS small wheels (two versions each) generated
# here, imported into a source data directory, served, and mirrored from its Simple API into an empty
# one; then the mirror run again (everything already there: what a resumed run costs to find its place).
# Usage: bench/load/mirror.sh [PROJECTS=200]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-200}; port=${SOURCE_PORT:-18510}
work=${BENCH_WORK:-/tmp/cheeseshop-bench}/mirror-$projects
rm -rf "$work" && mkdir -p "$work/wheels"
[ -n "${APP:-}" ] || dotnet build -c Release "$root/src/Cheeseshop" -v q -nologo >/dev/null
app=${APP:-"$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"}
python3 - "$work/wheels" "$projects" <<'PY'
import base64, hashlib, sys, zipfile
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    for version in ("1.0", "2.0"):
        name = f"mirror_bench_{i:05d}"
        dist = f"{name}-{version}.dist-info"
        files = {
            f"{name}/__init__.py": f"__version__ = '{version}'\n" + "# padding\n" * 400,
            f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: mirror-bench-{i:05d}\nVersion: {version}\nRequires-Python: >=3.8\nSummary: mirror benchmark\n",
            f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        }
        record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).rstrip(b'=').decode()},{len(c.encode())}\n" for p, c in files.items())
        files[f"{dist}/RECORD"] = record + f"{dist}/RECORD,,\n"
        with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED) as z:
            for p, c in files.items(): z.writestr(p, c)
PY
export CHEESESHOP_RequestLog=false
for d in source target; do
  echo "correct horse battery staple" | dotnet "$app" users create bench --email bench@example.invalid --password-stdin --data-dir "$work/$d" >/dev/null 2>&1
done
t() { local s; s=$(date +%s.%N); "$@" >"$work/last.out" 2>"$work/last.err" || true; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
files=$((projects * 2))
echo "import of $files wheels: $(t dotnet "$app" import "$work/wheels" --owner bench --data-dir "$work/source") s ($(cat "$work/last.out"))"
dotnet "$app" serve --data-dir "$work/source" --urls http://127.0.0.1:$port >"$work/source.log" 2>&1 & source=$!
trap 'kill $source 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
echo "mirror of $projects projects, $files files: $(t dotnet "$app" mirror http://127.0.0.1:$port/simple/ --owner bench --data-dir "$work/target") s ($(cat "$work/last.out"))"
echo "mirror again, all there: $(t dotnet "$app" mirror http://127.0.0.1:$port/simple/ --owner bench --data-dir "$work/target") s ($(cat "$work/last.out"))"
echo "load: $(cut -d" " -f1-3 /proc/loadavg)"
