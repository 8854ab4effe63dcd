#!/usr/bin/env bash
# Builds everything and runs every test: the xunit projects under tests/ and the Pester suites (tests/**/*.Tests.ps1).
# Ends with one line, "tests: N passed, M failed", and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NO_COLOR=1

results="$PWD/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
passed=0
failed=0
status=0

finish() {
    echo "tests: ${passed} passed, ${failed} failed"
    exit "$status"
}

if ! dotnet tool restore >/dev/null; then
    echo "dotnet tool restore failed (PowerShell 7.6.9 from dotnet-tools.json)." >&2
    failed=$((failed + 1)); status=1; finish
fi

if ! dotnet build Monitoring.sln -c Release -nologo -clp:ErrorsOnly; then
    echo "The build failed; see the errors above." >&2
    failed=$((failed + 1)); status=1; finish
fi

# Sum the counters of every TRX file: <Counters total=".." executed=".." passed=".." failed=".." .../>
count() {
    grep -ho "<Counters [^>]*>" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'
}

for project in tests/*/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    echo "== $name"
    dotnet test "$project" -c Release --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results"
    if [ ! -f "$results/$name.trx" ]; then
        echo "$name produced no results; counting it as a failure." >&2
        failed=$((failed + 1)); status=1
    fi
done

passed=$((passed + $(count passed)))
failed=$((failed + $(count failed)))

mapfile -t suites < <(find tests -name '*.Tests.ps1' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
if [ "${#suites[@]}" -gt 0 ]; then
    echo "== Pester (${#suites[@]} suites)"
    bash tests/pester/run.sh "$results/pester.xml" "${suites[@]}" || true
    if [ -f "$results/pester.xml" ]; then
        p=$(grep -o '<test-results [^>]*>' "$results/pester.xml" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
        f=$(grep -o '<test-results [^>]*>' "$results/pester.xml" | sed -n 's/.* failures="\([0-9]*\)".*/\1/p')
        e=$(grep -o '<test-results [^>]*>' "$results/pester.xml" | sed -n 's/.* errors="\([0-9]*\)".*/\1/p')
        n=$(grep -o '<test-results [^>]*>' "$results/pester.xml" | sed -n 's/.* not-run="\([0-9]*\)".*/\1/p')
        passed=$((passed + ${p:-0} - ${f:-0} - ${e:-0} - ${n:-0}))
        failed=$((failed + ${f:-0} + ${e:-0}))
    else
        echo "Pester produced no results; counting it as a failure." >&2
        failed=$((failed + 1))
    fi
fi

[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || { echo "No test ran." >&2; status=1; }
finish
