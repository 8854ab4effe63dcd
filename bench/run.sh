#!/usr/bin/env bash
# Runs the benchmarks and rewrites their tables in docs/benchmarks.md (between <!-- bench:NAME --> markers).
# Each benchmark runs at least three times and reports min/median/max beside a baseline measured in the same run.
# Not part of the test command. Usage: bench/run.sh [ingest] [commands] [storage] [fleet] [agent] [snapshot] [hardware] [application] [files] [scrape] [scaleout] (default: all).
#   FLEET_AGENTS (10000), FLEET_DURATION seconds (120; the goal run is 600), FLEET_RUNS (3), INGEST_SECONDS (10),
#   SCALEOUT_AGENTS (2000, each reporting every second), SCALEOUT_DURATION seconds (30), SCALEOUT_RUNS (3)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(ingest commands storage fleet agent snapshot hardware application files scrape scaleout)
# The baselines: wrk (ingest), prometheus-node-exporter (agent footprint), python3-psutil (snapshot cost), nginx (files).
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
/usr/bin/python3 -c "import psutil" 2>/dev/null || missing+=(python3-psutil)
command -v nginx >/dev/null || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }

dotnet build Monitoring.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
if [[ " ${which[*]} " == *" agent "* ]]; then
    eng/publish-agent.sh >/dev/null
    # The agent footprint's floor: a program that only posts over HTTPS, JIT and NativeAOT (bench/HttpsFloor).
    dotnet build bench/HttpsFloor -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
    dotnet publish bench/HttpsFloor -c Release -r linux-x64 -o artifacts/floor/linux-x64 -nologo -v quiet -clp:ErrorsOnly -p:StripSymbols=true >/dev/null
fi
if [[ " ${which[*]} " == *" files "* ]]; then
    # The file legs' floor on the manager's side: Kestrel serving one file and nothing else (bench/KestrelFileFloor).
    dotnet build bench/KestrelFileFloor -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
fi
bench="dotnet tests/Monitoring.Benchmarks/bin/Release/net10.0/Monitoring.Benchmarks.dll"
load="dotnet tests/Monitoring.LoadTest/bin/Release/net10.0/Monitoring.LoadTest.dll"
out=$(mktemp -d)
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(date -u +%Y-%m-%d)"

load_header() { # the columns of Monitoring.LoadTest --markdown
    echo "| store | managers | agents | interval | duration | reports/s | ingest p50 ms | ingest p99 ms | ingest p99 ms, generator not paused | commands | delivery p50 ms | delivery p99 ms | delivery p99 ms, generator not paused | lost | duplicated | errors | managers' peak RSS MiB | managers' cores | PostgreSQL cores | generator cores | managers' CPU ms/report | PostgreSQL CPU ms/report |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
}

section() { # name, command shown, output file
    { echo "Measured $machine with:"; echo; echo '```bash'; echo "$2"; echo '```'; echo; cat "$3"; } > "$out/$1.md"
}

for b in "${which[@]}"; do
    case "$b" in
        ingest)
            cmd="$bench ingest --agents 1000 --seconds ${INGEST_SECONDS:-10} --connections 64 --runs 3"
            $cmd > "$out/raw"; section ingest "$cmd" "$out/raw" ;;
        commands)
            cmd="$bench commands --count 2000 --runs 3 --warmup 15"
            $cmd > "$out/raw"; section commands "$cmd" "$out/raw" ;;
        storage)
            cmd="$bench storage --snapshots 8640 --runs 3"
            $cmd > "$out/raw"; section storage "$cmd" "$out/raw" ;;
        fleet)
            agents=${FLEET_AGENTS:-10000}; duration=${FLEET_DURATION:-120}; runs=${FLEET_RUNS:-3}
            cmd="$load --agents $agents --interval 10 --duration $duration --commands-per-second 5 --markdown"
            {
                load_header
                for _ in $(seq 1 "$runs"); do $cmd; done
            } > "$out/raw"
            section fleet "$cmd   # run $runs times" "$out/raw" ;;
        agent)
            cmd="$bench agent --seconds 60 --warmup 10 --runs 3"
            $cmd > "$out/raw"; section agent "$cmd" "$out/raw" ;;
        snapshot)
            cmd="$bench snapshot --count 2000 --runs 3"
            $cmd > "$out/raw"; section snapshot "$cmd" "$out/raw" ;;
        hardware)
            cmd="$bench hardware --count 2000 --runs 3"
            $cmd > "$out/raw"; section hardware "$cmd" "$out/raw" ;;
        application)
            cmd="$bench application --count 2000 --runs 3"
            $cmd > "$out/raw"; section application "$cmd" "$out/raw" ;;
        scrape)
            cmd="$bench scrape --agents 10000 --runs 3"
            $cmd > "$out/raw"; section scrape "$cmd" "$out/raw" ;;
        files)
            cmd="$bench files --mib 1024 --runs 3"
            { $cmd; echo; $cmd --http; } > "$out/raw"; section files "$cmd; $cmd --http" "$out/raw" ;;
        scaleout)
            # One manager on SQLite, one on PostgreSQL, two on one PostgreSQL, at the same offered load, interleaved.
            pg=$(eng/test-postgres.sh start)
            agents=${SCALEOUT_AGENTS:-2000}; duration=${SCALEOUT_DURATION:-30}; runs=${SCALEOUT_RUNS:-3}
            cmd="$load --agents $agents --interval 1 --duration $duration --commands-per-second 5 --markdown"
            {
                load_header
                for _ in $(seq 1 "$runs"); do
                    $cmd
                    $cmd --postgres "$pg" --managers 1
                    $cmd --postgres "$pg" --managers 2
                done
            } > "$out/raw"
            eng/test-postgres.sh stop
            section scaleout "$cmd [--postgres CONNECTION --managers 1|2]   # each $runs times, interleaved" "$out/raw" ;;
        *) echo "Unknown benchmark '$b': ingest, commands, storage, fleet, agent, snapshot, hardware, application, files, scrape or scaleout." >&2; exit 2 ;;
    esac
done

python3 - "$out" "${which[@]}" <<'PY'
import re, sys, pathlib
out, names = pathlib.Path(sys.argv[1]), sys.argv[2:]
doc = pathlib.Path("docs/benchmarks.md")
text = doc.read_text()
for name in names:
    body = (out / f"{name}.md").read_text().strip()
    block = f"<!-- bench:{name} -->\n{body}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
doc.write_text(text)
print(f"docs/benchmarks.md: rewrote {', '.join(names)}")
PY
rm -rf "$out"
