#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser for a bounded time, with SharpFuzz and libFuzzer or AFL++:
#
#   ./scripts/fuzz.sh TARGET SECONDS
#   FUZZ_ENGINE=afl ./scripts/fuzz.sh TARGET SECONDS
#
# TARGET is one of: wheel sdist sdist-zip metadata multipart xmlrpc user-agent pep440 accept
# (fuzz/Cheeseshop.Fuzz/FuzzTargets.cs). FUZZ_ENGINE picks the engine: libfuzzer (the default) or afl.
# The script publishes the fuzz program, instruments Cheeseshop.Core.dll and cheeseshop.dll with the
# SharpFuzz tool, and fuzzes from the saved corpus (fuzz/corpus/TARGET) for SECONDS.
#
# libfuzzer: installs clang-16 and libfuzzer-16-dev (Debian) when missing and compiles SharpFuzz's
#   driver (fuzz/libfuzzer-dotnet/, cached as fuzz/.build/libfuzzer-dotnet until the source changes).
#   libFuzzer stops at the first crash or hang, so one run finds at most one.
# afl: installs afl++ (Debian) when missing and runs afl-fuzz, which goes on after a crash.
#
# At the end, inputs that found new paths go to fuzz/findings/TARGET/queue and crashes or hangs to
# fuzz/findings/TARGET/crashes and fuzz/findings/TARGET/hangs, libFuzzer's log to
# fuzz/findings/TARGET/libfuzzer.log (none of it committed): copy a crash into
# fuzz/corpus/TARGET/, fix the parser, and the test suite replays it from then on. The script exits 0
# when the run found neither, 1 when it found one (or the engine failed), 2 on a usage error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:?usage: [FUZZ_ENGINE=libfuzzer|afl] scripts/fuzz.sh TARGET SECONDS}"
DURATION="${2:-60}"
ENGINE="${FUZZ_ENGINE:-libfuzzer}"
cd "$ROOT"
[ -d "fuzz/corpus/$TARGET" ] || { echo "error: no corpus for target '$TARGET' (fuzz/corpus/)" >&2; exit 2; }
case "$ENGINE" in
    libfuzzer|afl) ;;
    *) echo "error: FUZZ_ENGINE must be libfuzzer or afl, not '$ENGINE'" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
DRIVER="fuzz/.build/libfuzzer-dotnet"
DRIVER_SOURCE="fuzz/libfuzzer-dotnet/libfuzzer-dotnet.cc"
if [ "$ENGINE" = afl ] && ! command -v afl-fuzz >/dev/null; then
    echo "==> installing afl++"
    DEBIAN_FRONTEND=noninteractive apt-get install -y afl++ >/dev/null
fi
if [ "$ENGINE" = libfuzzer ]; then
    if ! command -v clang++-16 >/dev/null || [ ! -e /usr/lib/llvm-16/lib/libFuzzer.a ]; then
        echo "==> installing clang-16 and libfuzzer-16-dev"
        DEBIAN_FRONTEND=noninteractive apt-get install -y clang-16 libfuzzer-16-dev >/dev/null
    fi
    if [ ! -x "$DRIVER" ] || [ "$DRIVER_SOURCE" -nt "$DRIVER" ]; then
        echo "==> compiling the libFuzzer driver"
        mkdir -p "$(dirname "$DRIVER")"
        clang++-16 -Werror -O2 -fsanitize=fuzzer "$DRIVER_SOURCE" -o "$DRIVER"
    fi
fi
dotnet tool restore >/dev/null

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cheeseshop-fuzz.XXXXXX")"
ENGINE_PID=""
# libFuzzer's driver starts the .NET program as its child; a hung child outlives the driver, so the
# whole session the engine was started in goes when the script ends.
trap '[ -z "$ENGINE_PID" ] || kill -- -"$ENGINE_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo "==> publishing the fuzz program"
dotnet publish fuzz/Cheeseshop.Fuzz -c Release -o "$WORK/bin" --nologo -v quiet >/dev/null
echo "==> instrumenting"
dotnet tool run sharpfuzz "$WORK/bin/Cheeseshop.Core.dll" >/dev/null
dotnet tool run sharpfuzz "$WORK/bin/cheeseshop.dll" >/dev/null

RESULT="fuzz/findings/$TARGET"
mkdir -p "$RESULT"
rm -rf "$RESULT/queue" "$RESULT/crashes" "$RESULT/hangs"
echo "==> fuzzing $TARGET for $DURATION s with $ENGINE"

run_afl() {
    # AFL++ checks the binary for its own instrumentation and the machine for a tuned CPU governor; the
    # .NET program carries SharpFuzz's instead, and a shared machine cannot be tuned.
    AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
        afl-fuzz -V "$DURATION" -t 10000 -m none -i "fuzz/corpus/$TARGET" -o "$WORK/out" -- "$WORK/bin/cheeseshop-fuzz" "$TARGET" \
        > "$WORK/afl.log" 2>&1 || { tail -30 "$WORK/afl.log" >&2; exit 1; }
    cp -r "$WORK/out/default/queue" "$WORK/out/default/crashes" "$WORK/out/default/hangs" "$RESULT/" 2>/dev/null || true
    grep -E "execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|run_time" "$WORK/out/default/fuzzer_stats" || true
}

run_libfuzzer() {
    # The driver passes the .NET program a single argument; the program wants two.
    printf '#!/bin/sh\nexec "%s" "%s" --libfuzzer\n' "$WORK/bin/cheeseshop-fuzz" "$TARGET" > "$WORK/target.sh"
    chmod +x "$WORK/target.sh"
    mkdir -p "$WORK/queue" "$WORK/artifacts" "$RESULT/crashes" "$RESULT/hangs"
    # New inputs go to the first directory; libFuzzer reads directories recursively, so findings stay
    # out of the corpus it starts from. Same 10 s limit per input as afl-fuzz's -t.
    local status=0
    setsid "$DRIVER" --target_path="$WORK/target.sh" -max_total_time="$DURATION" -timeout=10 \
        -error_exitcode=77 -timeout_exitcode=70 -print_final_stats=1 -artifact_prefix="$WORK/artifacts/" \
        "$WORK/queue" "fuzz/corpus/$TARGET" > "$WORK/libfuzzer.log" 2>&1 &
    ENGINE_PID=$!
    wait "$ENGINE_PID" || status=$?
    kill -- -"$ENGINE_PID" 2>/dev/null || true
    ENGINE_PID=""
    cp -r "$WORK/queue" "$RESULT/"
    cp "$WORK/libfuzzer.log" "$RESULT/"
    find "$WORK/artifacts" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'leak-*' \) -exec cp {} "$RESULT/crashes/" \;
    find "$WORK/artifacts" -type f -name 'timeout-*' -exec cp {} "$RESULT/hangs/" \;
    case "$status" in
        0|70|77) ;;
        *) tail -30 "$WORK/libfuzzer.log" >&2; exit 1 ;;
    esac
    # The last status line carries the coverage (SharpFuzz's edges arrive as features, "ft").
    grep -E '^#[0-9]+[[:space:]].*(cov|ft):' "$WORK/libfuzzer.log" | tail -1 || true
    # The .NET program's exception, if it threw, down to libFuzzer's verdict on it.
    awk '/^[A-Za-z.]+(Exception|Error)[:]/ { shown = 1 } /^==[0-9]+== ERROR/ { print; shown = 0 } shown' \
        "$WORK/libfuzzer.log" | head -40
    grep -E '^stat::' "$WORK/libfuzzer.log" || true
}

"run_$ENGINE"
crashes=$(find "$RESULT/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
hangs=$(find "$RESULT/hangs" -type f ! -name README.txt 2>/dev/null | wc -l)
echo "$TARGET: $crashes crashes, $hangs hangs (inputs in $RESULT/)"
[ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]
