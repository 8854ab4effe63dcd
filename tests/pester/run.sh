#!/usr/bin/env bash
# Runs Pester suites against the built module. Usage: tests/pester/run.sh RESULT.xml SUITE.Tests.ps1...
set -euo pipefail
cd "$(dirname "$0")/../.."
result="$1"; shift
dotnet restore eng/pester/Pester.Restore.csproj -nologo -v quiet >/dev/null
bash eng/build-module.sh Release >/dev/null
pester=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/5.7.1/tools" -name Pester.psd1 | head -n 1)
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -Command "
    Import-Module '$pester' -MinimumVersion 5.7.1
    \$c = New-PesterConfiguration
    \$c.Run.Path = @('$(printf "%s','" "$@" | sed "s/','$//")')
    \$c.Output.Verbosity = 'Detailed'
    \$c.TestResult.Enabled = \$true
    \$c.TestResult.OutputFormat = 'NUnitXml'
    \$c.TestResult.OutputPath = '$result'
    Invoke-Pester -Configuration \$c
"
