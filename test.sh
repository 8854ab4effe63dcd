#!/usr/bin/env bash
# Builds everything and runs every test: the xunit projects under tests/, the end-to-end tests once more against the
# NativeAOT agent, and the Pester suites (tests/**/*.Tests.ps1).
# Ends with one line, "tests: N passed, M failed, K skipped", and exits non-zero when anything failed: a failing
# test, a `dotnet test` or Pester run that exits non-zero (a crashed test host), a project with no result or no test,
# a Pester file that does not load. Each problem is named on stderr before the last line.
# MONITORING_TEST_PROJECTS / MONITORING_PESTER_SUITES (space-separated paths, or "none") replace what runs: the CI
# self-check (.ci/selfcheck) uses them to feed this script broken fixtures.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NO_COLOR=1

results="$PWD/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
passed=0
failed=0
skipped=0
problems=()

problem() {
    problems+=("$1")
    failed=$((failed + 1))
}

finish() {
    local code=0
    [ -n "${MONITORING_TEST_POSTGRES:-}" ] && [ -z "${MONITORING_TEST_PROJECTS:-}${MONITORING_PESTER_SUITES:-}" ] && eng/test-postgres.sh stop
    [ "$passed" -gt 0 ] || { echo "No test passed." >&2; code=1; }
    for p in "${problems[@]}"; do echo "FAILED: $p" >&2; done
    [ "$failed" -eq 0 ] || code=1
    echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
    exit "$code"
}

if ! dotnet tool restore >/dev/null; then
    problem "dotnet tool restore failed (PowerShell from dotnet-tools.json)."
    finish
fi

# Real tools the tests drive, from Debian: Prometheus and promtool scrape and check /metrics; Chromium runs the
# dashboard's browser tests (through Playwright, which brings its own driver); aiosmtpd is the SMTP server that
# receives the email notifications; the C compiler builds the NVML stand-in (tests/fakes/nvml) the GPU tests load;
# systemd-analyze verifies the shipped units.
missing=()
command -v cc >/dev/null || missing+=(gcc)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
if [ -z "${MONITORING_TEST_PROJECTS:-}${MONITORING_PESTER_SUITES:-}" ] && [ ${#missing[@]} -gt 0 ]; then
    as_root=""
    [ "$(id -u)" -eq 0 ] || as_root="sudo"
    if ! { $as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq "${missing[@]}"; } >/dev/null; then
        problem "could not install Debian's ${missing[*]}: the /metrics, dashboard and email tests need them (apt-get install ${missing[*]})."
        finish
    fi
fi

# PostgreSQL for the store contracts and the scale-out tests: started when it is not running (and stopped again at
# the end), with a role and a database of the tests' own; each test works in a schema it drops afterwards.
if [ -z "${MONITORING_TEST_PROJECTS:-}${MONITORING_PESTER_SUITES:-}" ]; then
    if ! MONITORING_TEST_POSTGRES=$(eng/test-postgres.sh start); then
        problem "PostgreSQL could not be started for the tests (eng/test-postgres.sh start; see above)."
        finish
    fi
    export MONITORING_TEST_POSTGRES
fi

# The self-check's fixtures build on their own; everything else runs against this build.
if [ -z "${MONITORING_TEST_PROJECTS:-}${MONITORING_PESTER_SUITES:-}" ] && ! dotnet build Monitoring.sln -c Release -nologo -clp:ErrorsOnly; then
    problem "the build failed; see the errors above."
    finish
fi

# One counter of a TRX file: <Counters total=".." executed=".." passed=".." failed=".." notExecuted=".." .../>
counter() {
    grep -o "<Counters [^>]*>" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]*" | head -n 1
}

if [ "${MONITORING_TEST_PROJECTS:-}" = none ]; then
    projects=()
elif [ -n "${MONITORING_TEST_PROJECTS:-}" ]; then
    read -ra projects <<< "$MONITORING_TEST_PROJECTS"
else
    projects=(tests/*/*.Tests.csproj)
fi

# run_project PROJECT NAME [VAR=VALUE...]: one dotnet test run, counted from its TRX file.
run_project() {
    local project=$1 name=$2
    shift 2
    local trx="$results/$name.trx"
    echo "== $name"
    local build=(--no-build)
    [ -n "${MONITORING_TEST_PROJECTS:-}" ] && build=()
    env "$@" dotnet test "$project" -c Release "${build[@]}" --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results"
    local code=$?
    if [ ! -f "$trx" ]; then
        problem "$name produced no result file (dotnet test exited $code)."
        return
    fi

    local p f e t a x total
    p=$(counter "$trx" passed); f=$(counter "$trx" failed); e=$(counter "$trx" error); t=$(counter "$trx" timeout)
    a=$(counter "$trx" aborted); x=$(counter "$trx" executed); total=$(counter "$trx" total)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
    # xunit's skipped tests are in the total but not executed (notExecuted stays 0).
    skipped=$((skipped + ${total:-0} - ${x:-0}))
    if [ "$code" -ne 0 ] && [ "$((${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))" -eq 0 ]; then
        problem "$name: dotnet test exited $code with no failed test counted (the test host crashed or the run aborted)."
    elif [ "${x:-0}" -eq 0 ]; then
        problem "$name ran no test."
    fi
}

for project in "${projects[@]}"; do
    run_project "$project" "$(basename "$project" .csproj)"
done

# The end-to-end tests again with the NativeAOT agent (eng/publish-agent.sh) in place of the JIT build.
if [ -z "${MONITORING_TEST_PROJECTS:-}" ]; then
    echo "== NativeAOT agent"
    if eng/publish-agent.sh; then
        run_project tests/Monitoring.EndToEnd.Tests/Monitoring.EndToEnd.Tests.csproj Monitoring.EndToEnd.Tests.NativeAgent \
            "MONITORING_TEST_AGENT_EXE=$PWD/artifacts/agent/linux-x64/monitoring-agent"
    else
        problem "eng/publish-agent.sh failed: the NativeAOT agent did not build (see above)."
    fi
fi

if [ "${MONITORING_PESTER_SUITES:-}" = none ]; then
    suites=()
elif [ -n "${MONITORING_PESTER_SUITES:-}" ]; then
    read -ra suites <<< "$MONITORING_PESTER_SUITES"
else
    mapfile -t suites < <(find tests -name '*.Tests.ps1' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
fi

if [ "${#suites[@]}" -gt 0 ]; then
    echo "== Pester (${#suites[@]} suites)"
    summary="$results/pester-summary.txt"
    bash tests/pester/run.sh "$results/pester.xml" "$summary" "${suites[@]}"
    code=$?
    if [ ! -f "$summary" ]; then
        problem "Pester produced no summary (run.sh exited $code)."
    else
        value() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" "$summary"; }
        p=$(value passed); f=$(value failed); s=$(value skipped); n=$(value notrun); c=$(value failedContainers)
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0} + ${c:-0}))
        skipped=$((skipped + ${s:-0} + ${n:-0}))
        [ "${c:-0}" -eq 0 ] || problems+=("Pester: ${c} file(s) or block(s) failed to load or run; see the output above.")
        [ "$code" -eq 0 ] || problem "Pester: run.sh exited $code."
        [ "$((${p:-0} + ${f:-0}))" -gt 0 ] || problem "Pester ran no test."
    fi
fi

finish
