#!/usr/bin/env bash
# Publishes the agent as one self-contained NativeAOT executable: artifacts/agent/<rid>/monitoring-agent.
# A trimming or AOT warning (IL2xxx, IL3xxx) fails the publish. Usage: eng/publish-agent.sh [rid]   (default linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
rid=${1:-linux-x64}
out=artifacts/agent/$rid
rm -rf "$out"
log=$(mktemp)
# PublishAot is set in the agent's project: on the command line it would also reach Monitoring.Core's netstandard2.0 target.
if ! dotnet publish Monitoring.Agent/Monitoring.Agent.csproj -c Release -r "$rid" -o "$out" -nologo -clp:NoSummary \
        -p:StripSymbols=true > "$log" 2>&1; then
    cat "$log"; rm -f "$log"; exit 1
fi
if grep -E "warning IL[23][0-9]{3}" "$log" | sort -u; then
    echo "publish-agent: the native build has trimming or AOT warnings (above)." >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
exe=Monitoring.Agent; [[ "$rid" == win-* ]] && exe=Monitoring.Agent.exe
mv "$out/$exe" "$out/${exe/Monitoring.Agent/monitoring-agent}"
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml
ls -l "$out" | sed 's/^/  /'
