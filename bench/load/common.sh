# Shared by the load scripts (sourced after they set root and projects): wrk, the work folder, the bench
# tool, the server build and the generated index of $projects projects, made once per size and reused.
# Sets work, data, bench and app.
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=${BENCH_WORK:-/tmp/cheeseshop-bench}; data="$work/data-$projects"
mkdir -p "$work"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
bench="$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll"
# APP=path/to/cheeseshop.dll measures another build (e.g. a copy of the previous one) on the same data.
[ -n "${APP:-}" ] || dotnet build -c Release "$root/src/Cheeseshop" -v q -nologo >/dev/null
app=${APP:-"$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"}
[ -f "$data/cheeseshop.db" ] || dotnet "$bench" generate --data-dir "$data" --projects "$projects" --files-per-project 5
