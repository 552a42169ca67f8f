#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser for a bounded time, with SharpFuzz and AFL++:
#
#   ./scripts/fuzz.sh TARGET SECONDS
#
# TARGET is one of: wheel sdist sdist-zip metadata multipart xmlrpc user-agent pep440 accept
# (fuzz/Cheeseshop.Fuzz/FuzzTargets.cs). Installs afl++ (Debian) and the SharpFuzz instrumentation
# tool when missing, publishes the fuzz program, instruments Cheeseshop.Core.dll and cheeseshop.dll,
# and runs afl-fuzz from the saved corpus (fuzz/corpus/TARGET). At the end, inputs that found new paths
# go to fuzz/findings/TARGET/queue and crashes or hangs to fuzz/findings/TARGET/crashes (not committed):
# copy a crash into fuzz/corpus/TARGET/, fix the parser, and the test suite replays it from then on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:?usage: scripts/fuzz.sh TARGET SECONDS}"
DURATION="${2:-60}"
cd "$ROOT"
[ -d "fuzz/corpus/$TARGET" ] || { echo "error: no corpus for target '$TARGET' (fuzz/corpus/)" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v afl-fuzz >/dev/null; then
    echo "==> installing afl++"
    DEBIAN_FRONTEND=noninteractive apt-get install -y afl++ >/dev/null
fi
dotnet tool restore >/dev/null

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cheeseshop-fuzz.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "==> publishing the fuzz program"
dotnet publish fuzz/Cheeseshop.Fuzz -c Release -o "$WORK/bin" --nologo -v quiet >/dev/null
echo "==> instrumenting"
dotnet tool run sharpfuzz "$WORK/bin/Cheeseshop.Core.dll" >/dev/null
dotnet tool run sharpfuzz "$WORK/bin/cheeseshop.dll" >/dev/null

echo "==> fuzzing $TARGET for $DURATION s"
# AFL++ checks the binary for its own instrumentation and the machine for a tuned CPU governor; the
# .NET program carries SharpFuzz's instead, and a shared machine cannot be tuned.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
    afl-fuzz -V "$DURATION" -t 10000 -m none -i "fuzz/corpus/$TARGET" -o "$WORK/out" -- "$WORK/bin/cheeseshop-fuzz" "$TARGET" \
    > "$WORK/afl.log" 2>&1 || { tail -30 "$WORK/afl.log" >&2; exit 1; }

RESULT="fuzz/findings/$TARGET"
mkdir -p "$RESULT"
rm -rf "$RESULT/queue" "$RESULT/crashes" "$RESULT/hangs"
cp -r "$WORK/out/default/queue" "$WORK/out/default/crashes" "$WORK/out/default/hangs" "$RESULT/" 2>/dev/null || true
grep -E "execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|run_time" "$WORK/out/default/fuzzer_stats" || true
crashes=$(find "$RESULT/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
hangs=$(find "$RESULT/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "$TARGET: $crashes crashes, $hangs hangs (inputs in $RESULT/)"
[ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]
