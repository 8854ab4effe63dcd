#!/usr/bin/env bash
# Records Monitoring.Core's public API changes in PublicAPI.Unshipped.txt: adds what the build reports as new
# (RS0016) and drops what it reports as gone (RS0017). Review the diff: it is the SDK's public surface.
set -euo pipefail
cd "$(dirname "$0")/.."
file=Monitoring.Core/PublicAPI.Unshipped.txt
log=$(mktemp)
dotnet build Monitoring.Core/Monitoring.Core.csproj -nologo --no-incremental >"$log" 2>&1 || true
added=$(sed -n "s/.*error RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" "$log" | sort -u)
removed=$(sed -n "s/.*error RS0017: Symbol '\(.*\)' is part of the declared API, but is either not public or could not be found.*/\1/p" "$log" | sort -u)
python3 - "$file" "$added" "$removed" <<'PY'
import sys
path, added, removed = sys.argv[1], sys.argv[2].splitlines(), set(sys.argv[3].splitlines())
lines = open(path).read().splitlines()
header = [l for l in lines if l.startswith('#')][:1] or ['#nullable enable']
body = {l for l in lines if l and not l.startswith('#')}
body = (body | set(added)) - removed
open(path, 'w').write('\n'.join(header + sorted(body)) + '\n')
print(f"{len(added)} added, {len(removed)} removed")
PY
rm -f "$log"
