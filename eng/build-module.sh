#!/usr/bin/env bash
# Lays out the importable PowerShell module in artifacts/module/Monitoring: manifest, assemblies, format file, help.
# Usage: eng/build-module.sh [Configuration]   (default Release)
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${1:-Release}"
out=artifacts/module/Monitoring
rm -rf "$out"
dotnet publish Monitoring.PowerShell/Monitoring.PowerShell.csproj -c "$configuration" -o "$out" -nologo -v quiet >/dev/null
rm -f "$out"/*.pdb "$out"/*.deps.json "$out"/Monitoring.PowerShell.xml "$out"/Monitoring.Core.xml
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -File eng/New-MonitoringHelp.ps1 \
    -ModulePath "$PWD/$out" -HelpSource Monitoring.PowerShell/help/Monitoring.help.psd1 \
    -XmlDoc "Monitoring.PowerShell/bin/$configuration/netstandard2.0/Monitoring.PowerShell.xml"
echo "Module laid out in $out (Import-Module ./$out/Monitoring.psd1)"
