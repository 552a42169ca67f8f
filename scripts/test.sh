#!/usr/bin/env bash
# The test command: builds the solution, starts a throwaway PostgreSQL, runs every test project
# and prints, as its very last line, "N passed, N failed". Exits non-zero if anything failed,
# if a test project could not be built or run, or if no test ran at all.
#
#   ./scripts/test.sh                 everything
#   ./scripts/test.sh --filter EXPR   passed on to dotnet test (e.g. --filter 'FullyQualifiedName~Yank');
#                                     the container image test runs only without a filter
#
# Environment:
#   CHEESESHOP_TEST_PG     use this PostgreSQL (an Npgsql connection string) instead of starting one
#   CHEESESHOP_TEST_S3RVER set by this script: the s3rver executable the S3 storage tests start
#   CHEESESHOP_TEST_AXE    set by this script: axe.min.js, which the browser tests inject into pages
#   CHEESESHOP_TEST_SCREENSHOTS set by this script: where the browser tests save screenshots
#   CHEESESHOP_TEST_OIDC_PROVIDER set by this script: the folder holding npm oidc-provider (Trusted Publishing tests)
#   CHEESESHOP_TEST_KEEP=1 keep the work folder (TRX files, PostgreSQL log) and say where it is
#
# Works as root on a fresh Debian 12 machine (installs what is missing with apt-get), from any folder,
# without a terminal or standard input (CI=true).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIGURATION=Release
TEST_PROJECTS=(tests/Cheeseshop.Core.Tests tests/Cheeseshop.Tests)
EXTRA_TEST_ARGS=("$@")

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

START=$(date +%s)
say() { printf '==> %s\n' "$*"; }

# The final line, and the exit code that goes with it.
finish() {
    local passed=$1 failed=$2 code=$3
    cleanup
    say "took $(( $(date +%s) - START )) s"
    printf '%s passed, %s failed\n' "$passed" "$failed"
    exit "$code"
}

# ---------------------------------------------------------------- work folder and clean-up
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cheeseshop-test.XXXXXX")"
RESULTS="$WORK/results"
mkdir -p "$RESULTS" "$WORK/tmp"
PGROOT=""
PGBIN=""
CLEANED=""
cleanup() {
    [ -n "$CLEANED" ] && return
    CLEANED=1
    for pid in ${TEST_PIDS[@]+"${TEST_PIDS[@]}"}; do kill -KILL -- "-$pid" 2>/dev/null; done
    if [ -n "${WATCHDOG_PID:-}" ]; then kill "$WATCHDOG_PID" 2>/dev/null; fi
    if [ -n "$PGROOT" ] && [ -f "$PGROOT/data/postmaster.pid" ]; then
        as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
    fi
    [ -n "$PGROOT" ] && rm -rf "$PGROOT"
    if [ "${CHEESESHOP_TEST_KEEP:-}" = 1 ]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; finish 0 0 130' INT TERM

# ---------------------------------------------------------------- system packages
# postgresql: the database tests; twine, python3-setuptools/-wheel/-venv: the real Python clients and the
# PEP 517 backend the fixtures are built with;
# python3-jwt/-cryptography: ID tokens of the Trusted Publishing tests' loopback issuers; chromium and
# chromium-driver: the browser tests.
PACKAGES=(postgresql twine python3-setuptools python3-wheel python3-venv python3-jwt python3-cryptography chromium chromium-driver)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
    export DEBIAN_FRONTEND=noninteractive
    if ! { $SUDO apt-get update -qq >"$WORK/apt.log" 2>&1 &&
           $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$WORK/apt.log" 2>&1; }; then
        tail -n 30 "$WORK/apt.log" >&2
        echo "error: could not install ${missing[*]}" >&2
        finish 0 0 1
    fi
fi

# ---------------------------------------------------------------- conflict markers
# A merge left half-done must never pass: any tracked file holding a conflict marker fails the run.
if markers="$(git -C "$ROOT" grep -nE '^(<<<<<<<|>>>>>>>)( |$)|^=======$' -- . 2>/dev/null)" && [ -n "$markers" ]; then
    printf '%s\n' "$markers" | head -n 20 >&2
    echo "error: tracked files hold merge-conflict markers" >&2
    finish 0 1 1
fi

# ---------------------------------------------------------------- build
say "dotnet build -c $CONFIGURATION"
if ! dotnet build "$ROOT/Cheeseshop.slnx" -c "$CONFIGURATION" -nologo -v quiet --disable-build-servers \
        -p:UseSharedCompilation=false >"$WORK/build.log" 2>&1; then
    grep -E 'error|Error' "$WORK/build.log" | sort -u | head -n 60 >&2
    tail -n 5 "$WORK/build.log" >&2
    echo "error: the build failed, so no test ran" >&2
    finish 0 0 1
fi

# ---------------------------------------------------------------- country database
# The CC0 country database the server's `geoip fetch` installs, fetched once per machine through npm
# (the same package) into a cache folder, for the country-lookup tests.
GEOIP_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cheeseshop-tests/geoip"
if [ ! -s "$GEOIP_CACHE/country.mmdb" ]; then
    say "fetching the country database for the tests"
    if ! dotnet "$ROOT/src/Cheeseshop/bin/$CONFIGURATION/net10.0/cheeseshop.dll" geoip fetch --data-dir "$WORK/geoip-fetch" >"$WORK/geoip.log" 2>&1; then
        cat "$WORK/geoip.log" >&2
        echo "error: could not fetch the country database (npm pack @ip-location-db/geo-whois-asn-country-mmdb)" >&2
        finish 0 0 1
    fi
    mkdir -p "$GEOIP_CACHE"
    mv "$WORK/geoip-fetch/geoip/country.mmdb" "$GEOIP_CACHE/country.mmdb"
fi
export CHEESESHOP_TEST_GEOIP="$GEOIP_CACHE/country.mmdb"

# ---------------------------------------------------------------- npm tools
# Tools from npm the tests start or load, each installed once per machine into its own cache folder
# (like the country database): npm_tool PACKAGE@VERSION FILE-THAT-PROVES-IT-IS-THERE prints that folder.
npm_tool() {
    local spec=$1 proof=$2 name=${1%@*}
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/cheeseshop-tests/$name"
    if [ ! -s "$cache/$proof" ]; then
        say "installing $name for the tests" >&2
        mkdir -p "$cache"
        if ! npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "$spec" >"$WORK/$name.log" 2>&1; then
            cat "$WORK/$name.log" >&2
            echo "error: could not install $name (npm install $spec)" >&2
            return 1
        fi
    fi
    printf '%s' "$cache"
}
# s3rver: a real S3 API on loopback for the S3 storage tests, which start their own instances of it.
S3RVER_CACHE=$(npm_tool s3rver@3.7.1 node_modules/s3rver/package.json) || finish 0 0 1
export CHEESESHOP_TEST_S3RVER="$S3RVER_CACHE/node_modules/.bin/s3rver"
# axe-core: the accessibility checker the browser tests inject into each page.
AXE_CACHE=$(npm_tool axe-core@4.14.1 node_modules/axe-core/axe.min.js) || finish 0 0 1
export CHEESESHOP_TEST_AXE="$AXE_CACHE/node_modules/axe-core/axe.min.js"
# Screenshots of the browser tests, beside the TRX files (kept with CHEESESHOP_TEST_KEEP=1).
export CHEESESHOP_TEST_SCREENSHOTS="$RESULTS/screenshots"
# oidc-provider: a certified OpenID provider on loopback, the CI issuer of the Trusted Publishing tests
# and the company's identity provider of the single sign-on tests; the tests start it with node.
CHEESESHOP_TEST_OIDC_PROVIDER=$(npm_tool oidc-provider@9.13.3 node_modules/oidc-provider/package.json) || finish 0 0 1
export CHEESESHOP_TEST_OIDC_PROVIDER

# ---------------------------------------------------------------- PostgreSQL
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
free_port() {
    /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
for port in (int(sys.argv[1]), 0):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
EOF
}
if [ -n "${CHEESESHOP_TEST_PG:-}" ]; then
    say "PostgreSQL: using CHEESESHOP_TEST_PG from the environment"
else
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
        echo "error: no PostgreSQL server binaries under /usr/lib/postgresql" >&2
        finish 0 0 1
    fi
    PGROOT="$(mktemp -d "${TMPDIR:-/tmp}/cheeseshop-pg.XXXXXX")"
    mkdir -p "$PGROOT/sock"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$PGROOT"; fi
    chmod 700 "$PGROOT"
    if ! as_postgres "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
            >"$WORK/initdb.log" 2>&1; then
        cat "$WORK/initdb.log" >&2
        echo "error: could not initialise PostgreSQL" >&2
        finish 0 0 1
    fi
    # Another run on the machine can take the port between the check and the start: then try a
    # port the system picks.
    started=""
    for preferred in 54329 0 0; do
        PGPORT="$(free_port "$preferred")"
        if as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 30 \
               -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGROOT/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
               start >"$WORK/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
    done
    if [ -z "$started" ]; then
        cat "$WORK/pg_ctl.log" "$PGROOT/server.log" 2>/dev/null | tail -n 30 >&2
        echo "error: could not start PostgreSQL" >&2
        finish 0 0 1
    fi
    say "PostgreSQL $(basename "$(dirname "$PGBIN")") on 127.0.0.1:$PGPORT"
    export CHEESESHOP_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres"
fi

# ---------------------------------------------------------------- tests
# Temporary files of the tests (venvs, builds, data folders) live in the work folder.
export TMPDIR="$WORK/tmp"
# Tiered PGO instruments methods so that hot ones are compiled again with what it saw; test processes run
# most code only a few times, so the instrumentation is paid for and never pays back. It changes how the
# runtime compiles, not what the program does; the test host's children (servers, admin verbs) inherit it.
export DOTNET_TieredPGO=0
run_failed=0
# The test projects run at the same time, so that the Core tables' seconds overlap the server tests instead
# of adding to them. Each dotnet test runs in a session of its own, so that whatever it leaves behind (a
# server child of a crashed test host) is killed with it. The hang timeout turns a stuck test into a
# failure, the watchdog a stuck run.
TEST_PIDS=()
for project in "${TEST_PROJECTS[@]}"; do
    name="$(basename "$project")"
    say "dotnet test $project"
    setsid dotnet test "$ROOT/$project" --no-build -c "$CONFIGURATION" --nologo \
        --results-directory "$RESULTS/$name" \
        --logger "trx;LogFileName=$name.trx" \
        --logger "console;verbosity=normal" \
        --blame-hang-timeout 10m \
        ${EXTRA_TEST_ARGS[@]+"${EXTRA_TEST_ARGS[@]}"} </dev/null &
    TEST_PIDS+=($!)
done
(
    sleep 1500 & trap 'kill $! 2>/dev/null; exit 0' TERM; wait $!
    echo "error: the tests ran for 25 minutes; stopping them" >&2
    for pid in "${TEST_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
    sleep 20
    for pid in "${TEST_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
) &
WATCHDOG_PID=$!
for i in "${!TEST_PROJECTS[@]}"; do
    project="${TEST_PROJECTS[$i]}"
    name="$(basename "$project")"
    wait "${TEST_PIDS[$i]}"
    rc=$?
    kill -KILL -- "-${TEST_PIDS[$i]}" 2>/dev/null
    if [ $rc -ne 0 ]; then
        echo "dotnet test $project exited with $rc" >&2
        run_failed=1
    fi
    if ! ls "$RESULTS/$name"/*.trx >/dev/null 2>&1; then
        echo "error: dotnet test $project wrote no TRX file (it did not run)" >&2
        run_failed=1
    fi
done
kill "$WATCHDOG_PID" 2>/dev/null; wait "$WATCHDOG_PID" 2>/dev/null
TEST_PIDS=()

# ---------------------------------------------------------------- container image
# Only a whole run checks the image: a --filter run is for the tests it names.
FILTERED=0
for arg in ${EXTRA_TEST_ARGS[@]+"${EXTRA_TEST_ARGS[@]}"}; do
    case "$arg" in --filter|--filter=*) FILTERED=1 ;; esac
done
if [ "$FILTERED" -eq 0 ]; then
    "$ROOT/scripts/container-test.sh" || run_failed=1
else
    say "container image test skipped (--filter given)"
fi

# ---------------------------------------------------------------- count
# Passed counts as passed; every other outcome (Failed, NotExecuted, Timeout, Aborted, ...) as failed,
# and so does a test the TRX counted but has no result for (a crashed test host).
counts="$(/usr/bin/python3 - "$RESULTS" <<'EOF'
import glob, os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    root = ET.parse(path).getroot()
    results = root.findall(".//t:Results/t:UnitTestResult", ns)
    p = sum(1 for r in results if r.get("outcome") == "Passed")
    f = len(results) - p
    counters = root.find(".//t:ResultSummary/t:Counters", ns)
    if counters is not None:
        f += max(0, int(counters.get("total", "0")) - len(results))
    # The reason is printed beside the name, so that the last lines of a run say why it failed.
    for r in sorted((r for r in results if r.get("outcome") != "Passed"), key=lambda r: r.get("testName")):
        print("  not passed: " + r.get("testName"), file=sys.stderr)
        message = r.find(".//t:Output/t:ErrorInfo/t:Message", ns)
        for line in ((message.text or "") if message is not None else "").strip().splitlines()[:12]:
            print("    " + line, file=sys.stderr)
    print(f"  {os.path.basename(path)}: {p} passed, {f} failed", file=sys.stderr)
    passed += p
    failed += f
print(passed, failed)
EOF
)"
if [ -z "$counts" ]; then
    echo "error: could not read the TRX files" >&2
    finish 0 0 1
fi
read -r passed failed <<<"$counts"

# A test run that was stopped or failed without a failed test in its TRX is still a failure: the last line
# must never read "0 failed" for a run that exits non-zero.
if [ "$run_failed" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
code=0
if [ "$failed" -gt 0 ] || [ "$run_failed" -ne 0 ]; then code=1; fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "error: no test ran" >&2
    code=1
fi
finish "$passed" "$failed" "$code"
