#!/usr/bin/env bash
# Starts a Monitoring manager and an agent for this machine, on the embedded SQLite store, in ./.data.
# Ctrl+C stops both. MONITORING_PORT (default 5000) and MONITORING_DATA (default .data) change where.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

port="${MONITORING_PORT:-5000}"
data="${MONITORING_DATA:-.data}"
url="https://127.0.0.1:${port}"

echo "Building (Release)..."
dotnet build Monitoring.Agent/Monitoring.Agent.csproj -c Release -nologo -v quiet >/dev/null
dotnet build Monitoring.Manager/Monitoring.Manager.csproj -c Release -nologo -v quiet >/dev/null

pids=()
stop() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

dotnet Monitoring.Manager/bin/Release/net10.0/Monitoring.Manager.dll --urls "$url" --data-dir "$data/manager" &
pids+=($!)

# Ready when /healthz answers over the manager's own certificate.
for _ in $(seq 1 300); do
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
        echo "The manager exited; is port ${port} free? Set MONITORING_PORT to use another." >&2
        exit 1
    fi
    if [ -f "$data/manager/manager.crt" ] && curl -fs --cacert "$data/manager/manager.crt" "$url/healthz" >/dev/null 2>&1; then
        break
    fi
    sleep 0.1
done

# The agent may read files from outbox and write into inbox (both empty by default in a real install), so the
# README's file examples work as written: Receive-MonFile …/outbox/hello.txt, Send-MonFile … into …/inbox.
files="$(mkdir -p "$data/agent-files/outbox" "$data/agent-files/inbox" && cd "$data/agent-files" && pwd)"
[ -f "$files/outbox/hello.txt" ] || echo "Hello from $(hostname), sent by the Monitoring agent." > "$files/outbox/hello.txt"
cat > "$data/agent.yaml" <<YAML
# Written by run.sh: the demo agent's file folders.
files:
  read: [$files/outbox]
  write: [$files/inbox]
YAML

admin="$data/manager/admin.json"
thumbprint=$(sed -n 's/.*"certificateThumbprint":"\([0-9A-F]*\)".*/\1/p' "$admin")
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$admin")

dotnet Monitoring.Agent/bin/Release/net10.0/Monitoring.Agent.dll \
    --manager "$url" \
    --enrollment-token-file "$data/manager/enrollment.token" \
    --certificate-thumbprint "$thumbprint" \
    --state-dir "$data/agent" \
    --config "$data/agent.yaml" &
pids+=($!)

cat <<MSG

Monitoring is running: manager at $url, an agent for this machine reporting every 10 s.
  Admin connection file: $admin
  List agents:   curl --cacert $data/manager/manager.crt -H "Authorization: Bearer $token" $url/api/v1/agents
  Agent files:   it may send files from $files/outbox and receive them into $files/inbox
  Stop:          Ctrl+C

MSG
wait -n "${pids[@]}"
