#!/usr/bin/env bash
# Runs Pester suites against the built module. Usage: tests/pester/run.sh RESULT.xml SUMMARY.txt SUITE.Tests.ps1...
# Writes the NUnit XML report and one summary line: passed=N failed=N skipped=N notrun=N failedContainers=N total=N.
# A file that does not load is a failed container, never nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
result="$1"; summary="$2"; shift 2
dotnet restore eng/pester/Pester.Restore.csproj -nologo -v quiet >/dev/null
bash eng/build-module.sh Release >/dev/null
pester=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/5.7.1/tools" -name Pester.psd1 | head -n 1)
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -Command "
    Import-Module '$pester' -MinimumVersion 5.7.1
    \$c = New-PesterConfiguration
    \$c.Run.Path = @('$(printf "%s','" "$@" | sed "s/','$//")')
    \$c.Run.PassThru = \$true
    \$c.Output.Verbosity = 'Detailed'
    \$c.TestResult.Enabled = \$true
    \$c.TestResult.OutputFormat = 'NUnitXml'
    \$c.TestResult.OutputPath = '$result'
    \$r = Invoke-Pester -Configuration \$c
    'passed={0} failed={1} skipped={2} notrun={3} failedContainers={4} total={5}' -f \$r.PassedCount, \$r.FailedCount, \$r.SkippedCount, \$r.NotRunCount, (\$r.FailedContainersCount + \$r.FailedBlocksCount), \$r.TotalCount |
        Set-Content -LiteralPath '$summary'
"
