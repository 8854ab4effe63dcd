# Helpers the Pester suites share: a free loopback port, and waiting on a condition with a deadline (no fixed sleeps).
function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
}

function Wait-Until([scriptblock] $Condition, [int] $Seconds, [string] $What) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 100
    }
}

# Starts the built manager on a free loopback port with its data in WORK/manager and waits until it serves; returns
# the process, its URL and its data folder.
function Start-TestManager([string] $Work) {
    $root = (Resolve-Path "$PSScriptRoot/../..").Path
    $url = "https://127.0.0.1:$(Get-FreePort)"
    $dataDir = "$Work/manager"
    $process = Start-Process dotnet -PassThru -RedirectStandardOutput "$Work/manager.log" -ArgumentList @(
        "$root/Monitoring.Manager/bin/Release/net10.0/Monitoring.Manager.dll", '--urls', $url, '--data-dir', $dataDir)
    Wait-Until { (Test-Path "$dataDir/admin.json") -and (Select-String -Quiet 'Monitoring manager started' "$Work/manager.log") } 60 'the manager'
    [pscustomobject]@{ Process = $process; Url = $url; DataDir = $dataDir }
}

# Starts the built agent against a manager of Start-TestManager, with its state in WORK/agent and its log in
# WORK/agent.log; more options after the id.
function Start-TestAgent($Manager, [string] $Work, [string] $Id, [string[]] $More = @()) {
    $root = (Resolve-Path "$PSScriptRoot/../..").Path
    $admin = Get-Content "$($Manager.DataDir)/admin.json" | ConvertFrom-Json
    Start-Process dotnet -PassThru -RedirectStandardOutput "$Work/agent.log" -ArgumentList (@(
        "$root/Monitoring.Agent/bin/Release/net10.0/Monitoring.Agent.dll", '--manager', $Manager.Url,
        '--enrollment-token-file', "$($Manager.DataDir)/enrollment.token", '--certificate-thumbprint', $admin.certificateThumbprint,
        '--state-dir', "$Work/agent", '--id', $Id) + $More)
}
