#!/usr/bin/env bash
# Makes the sample disclosure package shown in docs/legal-requests.md from the demo history
# (bench disclosure-demo), with the real CLI: `legal create`, then `legal produce` with a fixed
# --as-of, so the same build gives the same bytes. Writes docs/legal-sample/: the zip, and its
# manifest.json and report.html unpacked for reading. Usage: bench/disclosure/sample.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
out="$root/docs/legal-sample"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
bench="$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll"
app="$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"
export CHEESESHOP_Disclosure__InstanceName="Cheeseshop demo" CHEESESHOP_PublicUrl="https://pypi.example.org"
unset CHEESESHOP_Database__PostgreSQL
dotnet "$bench" disclosure-demo --data-dir "$work/data"
id=$(dotnet "$app" legal create --kind subpoena --authority "United States District Court (demo)" --reference "1:26-mj-00042" \
    --received 2026-09-14 --due 2026-10-14 --subject ada --data-dir "$work/data")
mkdir -p "$out"
dotnet "$app" legal produce "$id" --out "$out/sample-package.zip" --as-of 2026-09-20T12:00:00Z --force --data-dir "$work/data"
rm -f "$out/manifest.json" "$out/report.html"
(cd "$out" && unzip -q -o sample-package.zip manifest.json report.html)
echo "wrote $out"
