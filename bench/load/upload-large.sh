#!/usr/bin/env bash
# Upload memory benchmark: streams one large wheel (default 1 GiB) to a running Cheeseshop with curl
# and reports the upload time and the server's memory (resident set before, peak during).
# Usage: bench/load/upload-large.sh [SIZE_MIB=1024]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
size_mib=${1:-1024}
work=${BENCH_WORK:-/tmp/cheeseshop-bench}/upload; rm -rf "$work"; mkdir -p "$work"
app="$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"
dotnet build -c Release "$root/src/Cheeseshop" -v q -nologo >/dev/null

wheel="$work/bigwheel-1.0-py3-none-any.whl"
python3 - "$wheel" "$size_mib" <<'PY'
import sys, zipfile, os
path, mib = sys.argv[1], int(sys.argv[2])
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
    z.writestr("bigwheel/__init__.py", "")
    with z.open("bigwheel/blob.bin", "w", force_zip64=True) as f:
        chunk = os.urandom(1 << 20)
        for _ in range(mib):
            f.write(chunk)
    z.writestr("bigwheel-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bigwheel\nVersion: 1.0\n")
    z.writestr("bigwheel-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("bigwheel-1.0.dist-info/RECORD", "")
PY
sha=$(sha256sum "$wheel" | cut -d' ' -f1)

export CHEESESHOP_Limits__MaxFileBytes=$(( (size_mib + 64) * 1024 * 1024 ))
export CHEESESHOP_RequestLog=false
echo 'a long benchmark password' | dotnet "$app" users create bench --email bench@example.invalid --password-stdin --data-dir "$work/data" 2>/dev/null
token=$(dotnet "$app" tokens create bench --data-dir "$work/data")
dotnet "$app" serve --data-dir "$work/data" --urls http://127.0.0.1:8002 >"$work/server.log" 2>&1 & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs http://127.0.0.1:8002/health >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$server/status; }
# Warm the upload path with a tiny request so JIT and pools are not counted as upload cost.
curl -s -o /dev/null -u "__token__:$token" -F ":action=file_upload" http://127.0.0.1:8002/legacy/ || true
before=$(rss)
start=$(date +%s.%N)
status=$(curl -s -o "$work/response.txt" -w '%{http_code}' -u "__token__:$token" \
  -F ":action=file_upload" -F "protocol_version=1" -F "metadata_version=2.1" -F "name=bigwheel" -F "version=1.0" \
  -F "filetype=bdist_wheel" -F "pyversion=py3" -F "sha256_digest=$sha" \
  -F "content=@$wheel;type=application/octet-stream" http://127.0.0.1:8002/legacy/)
end=$(date +%s.%N)
peak=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$server/status)
echo "size_mib=$size_mib status=$status seconds=$(echo "$end - $start" | bc) rss_before_mb=$before rss_peak_mb=$peak growth_mb=$((peak - before))"
[ "$status" = 200 ] || { cat "$work/response.txt"; exit 1; }
