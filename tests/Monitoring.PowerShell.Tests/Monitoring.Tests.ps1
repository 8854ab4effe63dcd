# Pester suite for the Monitoring module: imports the built module (artifacts/module/Monitoring) and drives a
# real manager and a real agent started on free loopback ports.
BeforeDiscovery {
    $script:Cmdlets = (Import-PowerShellDataFile "$PSScriptRoot/../../Monitoring.psd1").CmdletsToExport
}

BeforeAll {
    $script:Root = (Resolve-Path "$PSScriptRoot/../..").Path
    $script:ModulePath = "$Root/artifacts/module/Monitoring/Monitoring.psd1"
    Import-Module $ModulePath -Force

    . "$PSScriptRoot/TestHelpers.ps1"

    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ("monitoring-pester-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Work, "$Work/out", "$Work/in", "$Work/local" | Out-Null
    $started = Start-TestManager $Work
    $script:Manager = $started.Process
    $script:Url = $started.Url
    $script:DataDir = $started.DataDir
    $script:Marker = "$Work/restarted"
    $script:AdminJson = "$DataDir/admin.json"
    $admin = Get-Content $AdminJson | ConvertFrom-Json
    # The agent reads two GPUs from the NVML stand-in (tests/fakes/nvml), built here as the driver's library would be installed.
    & cc -shared -fPIC -o "$Work/libnvidia-ml.so.1" "$Root/tests/fakes/nvml/fake_nvml.c"
    if ($LASTEXITCODE -ne 0) { throw "cc could not build the NVML stand-in; install gcc." }
    @"
metrics:
  nvmlLibrary: $Work/libnvidia-ml.so.1
files:
  read: [$Work/out, $Work/in]
  write: [$Work/in]
allowRestart: true
restartCommand: [/bin/sh, -c, 'echo ran >> $Marker']
"@ | Set-Content "$Work/agent.yaml"
    $script:Agent = Start-TestAgent $started $Work 'pester1' @('--interval', '2s', '--config', "$Work/agent.yaml")
    Connect-MonManager -ConnectionFile $AdminJson
    Wait-Until { Get-MonAgent -Id pester1 -Status Online -ErrorAction SilentlyContinue | Where-Object { $null -ne $_.CpuPercent } } 60 'the agent to report'

    # A second agent that enrolls and then never reports: offline, for the queued and removal cases.
    $enroll = @{ agentId = 'ghost'; os = 'linux'; intervalSeconds = 1 } | ConvertTo-Json
    Invoke-RestMethod -Method Post -Uri "$Url/api/v1/agents/register" -SkipCertificateCheck -ContentType 'application/json' `
        -Headers @{ Authorization = "Bearer $((Get-Content "$DataDir/enrollment.token").Trim())" } -Body $enroll | Out-Null
    Wait-Until { Get-MonAgent -Id ghost -Status Offline } 30 'the ghost agent to go offline'
}

AfterAll {
    Disconnect-MonManager
    foreach ($p in $Agent, $Manager) { if ($p -and -not $p.HasExited) { $p.Kill($true); $p.WaitForExit(10000) | Out-Null } }
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Help' {
    It 'documents <_> fully' -ForEach $Cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+\s*\['
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($p in $help.Parameters.Parameter) { ($p.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description" }
    }

    It 'loads without a second copy of PowerShell''s own assemblies' {
        $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'System.Text.Json', 'Microsoft.Bcl.AsyncInterfaces', 'System.Memory' }
        foreach ($group in $loaded | Group-Object { $_.GetName().Name }) { $group.Count | Should -Be 1 -Because "$($group.Name) must load once" }
        ($loaded | Where-Object { $_.GetName().Name -eq 'System.Text.Json' }).Location | Should -Not -BeLike '*artifacts*'
        (Get-Module Monitoring).Version | Should -Be '0.1.0'
    }

    It 'exports exactly the manifest''s cmdlets' {
        $manifest = Import-PowerShellDataFile "$Root/Monitoring.psd1"
        (Get-Command -Module Monitoring).Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }
}

Describe 'Connect-MonManager' {
    It 'refuses a wrong token with an Unauthorized error' {
        { Connect-MonManager -Uri $Url -Token (ConvertTo-SecureString 'mon_adm_wrong' -AsPlainText -Force) -CertificateThumbprint (Get-Content $AdminJson | ConvertFrom-Json).certificateThumbprint -ErrorAction Stop } |
            Should -Throw -ErrorId 'Monitoring.Unauthorized,Monitoring.PowerShell.Commands.ConnectMonManagerCommand'
        Get-MonAgent -Id pester1 | Should -Not -BeNullOrEmpty
    }

    It 'refuses plain HTTP to a remote address without -AllowUnencrypted' {
        { Connect-MonManager -Uri http://192.0.2.10:5000 -Token (ConvertTo-SecureString 'x' -AsPlainText -Force) -ErrorAction Stop } | Should -Throw -ErrorId 'Monitoring.Unencrypted*'
    }

    It 'takes the key as a PSCredential so it stays out of the history' {
        $admin = Get-Content $AdminJson | ConvertFrom-Json
        $credential = [pscredential]::new('ignored', (ConvertTo-SecureString $admin.token -AsPlainText -Force))
        $connection = Connect-MonManager $Url -Credential $credential -CertificateThumbprint $admin.certificateThumbprint -PassThru
        (Get-MonAgent -Id pester1 -Manager $connection).Id | Should -Be 'pester1'
        (Get-Command Connect-MonManager).Parameters['Token'].ParameterType | Should -Be ([securestring])
    }

    It 'never shows the token' {
        $connection = Connect-MonManager -ConnectionFile $AdminJson -PassThru
        $token = (Get-Content $AdminJson | ConvertFrom-Json).token
        ($connection | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($token))
        $connection.Uri | Should -Be "$Url/"
    }
}

Describe 'Get-MonAgent' {
    It 'fits its table in 120 columns with every value whole' {
        $agents = @(Get-MonAgent)
        $lines = ($agents | Out-String -Width 120) -split "`n" | ForEach-Object { $_.TrimEnd() }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        $lines -join "`n" | Should -Not -Match '…'
        $pester = $agents | Where-Object Id -EQ pester1
        $row = $lines | Where-Object { $_ -match '^pester1\s' }
        $row | Should -Match ([regex]::Escape(('{0:0.0}' -f $pester.CpuPercent)))
        $row | Should -Match ([regex]::Escape(('{0:0.0}' -f $pester.MemoryPercent)))
        $row | Should -Match ([regex]::Escape($pester.Address))
    }

    It 'returns typed agents with their latest metrics' {
        $agent = Get-MonAgent -Id pester1
        $agent.Status | Should -Be 'Online'
        $agent.Os | Should -Be 'linux'
        $agent.CpuPercent | Should -BeGreaterOrEqual 0
        $agent.MemoryPercent | Should -BeGreaterThan 0
        $agent.ProcessCount | Should -BeGreaterThan 0
        $agent.Latest.Disks.Count | Should -BeGreaterThan 0
    }

    It 'filters by wildcard and status' {
        (Get-MonAgent -Id 'pest*').Id | Should -Be 'pester1'
        (Get-MonAgent -Status Offline).Id | Should -Be 'ghost'
    }

    It 'shows a readable table by default, the numbers whole even at 80 columns' {
        $table = Get-MonAgent | Out-String -Width 80
        $table | Should -Match 'Id\s+Status\s+Cpu%\s+Mem%\s+Disk%\s+Procs\s+LastSeen'
        $table | Should -Match 'pester1\s+Online\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'
    }

    It 'reports an unknown agent as ObjectNotFound' {
        Get-MonAgent -Id nobody -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.AgentNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'nobody'
    }
}

Describe 'Get-MonStatus and Get-MonAlert' {
    It 'returns flat samples ready for Measure-Object and Export-Csv' {
        Wait-Until { @(Get-MonStatus -Agent pester1 -Last 3).Count -ge 2 } 30 'two samples'
        $samples = Get-MonStatus -Agent pester1 -Last 2
        $samples.Count | Should -Be 2
        $samples[0].Seq | Should -BeLessThan $samples[1].Seq
        ($samples | Measure-Object CpuPercent -Maximum).Maximum | Should -BeGreaterOrEqual 0
        $csv = $samples | ConvertTo-Csv | ConvertFrom-Csv
        [double]$csv[0].MemoryPercent | Should -BeGreaterThan 0
    }

    It 'shows the busiest and hottest GPU of each sample' {
        $sample = Get-MonStatus -Agent pester1 -Last 1
        $sample.GpuPercent | Should -Be 99
        $sample.GpuMemoryPercent | Should -Be 77.65
        $sample.GpuTemperature | Should -Be 86
        $sample.Snapshot.Gpus.Count | Should -Be 2
        $sample.Snapshot.Gpus[0].Name | Should -Be 'NVIDIA H200'
        $table = $sample | Out-String -Width 120
        $table | Should -Match 'Gpu%\s+GpuMem%\s+MaxTemp°C'
        $table | Should -Match '99\.0\s+77\.7\s+86\.0'
        $minute = Get-MonStatus -Agent pester1 -From (Get-Date).AddMinutes(-10) -Step 1m | Select-Object -Last 1
        $minute.GpuPercent | Should -Be 99
        $minute.GpuTemperature | Should -Be 86
    }

    Context 'an app that embeds the agent' {
        AfterAll {
            # The other cases count the online agents: this one leaves none behind.
            Remove-MonAgent -Id shop-app -Confirm:$false
        }

        It 'shows what the app reports about itself' {
            # An app's agent, enrolled and reporting over the wire protocol as AddMonitoringAgent's does.
            $token = (Get-Content "$DataDir/enrollment.token").Trim()
            $registered = Invoke-RestMethod -Method Post -Uri "$Url/api/v1/agents/register" -SkipCertificateCheck -ContentType 'application/json' `
                -Headers @{ Authorization = "Bearer $token" } -Body (@{ agentId = 'shop-app'; os = 'linux'; intervalSeconds = 10 } | ConvertTo-Json)
            $snapshot = @{
                seq = 1; timestamp = [DateTime]::UtcNow.ToString('o'); cpu = @{ percent = 5; perCore = @(5) }; memory = @{ percent = 40 }
                swap = @{}; processes = @{ count = 1 }; disks = @(); network = @()
                application = @{ name = 'orders-api'; processId = 4711; cpuPercent = 12.5; workingSetBytes = 150MB; gcHeapBytes = 20MB; values = @{ 'orders.queued' = 17 } }
            }
            Invoke-RestMethod -Method Post -Uri "$Url/api/v1/agents/shop-app/status" -SkipCertificateCheck -ContentType 'application/json' `
                -Headers @{ Authorization = "Bearer $($registered.agentToken)" } -Body (ConvertTo-Json -Depth 5 -InputObject @($snapshot)) | Out-Null

            $sample = Get-MonStatus -Agent shop-app -Last 1
            $sample.AppCpuPercent | Should -Be 12.5
            $sample.AppWorkingSetBytes | Should -Be 150MB
            $sample.AppValues['orders.queued'] | Should -Be 17
            $sample.Snapshot.Application.Name | Should -Be 'orders-api'
            (Get-MonStatus -Agent pester1 -Last 1).AppCpuPercent | Should -BeNullOrEmpty
        }
    }

    It 'returns samples in a time range' {
        (Get-MonStatus -Agent pester1 -From (Get-Date).AddMinutes(-10)).Count | Should -BeGreaterThan 0
    }

    It 'lists no alerts when none were raised' {
        @(Get-MonAlert -Agent pester1).Count | Should -Be 0
    }
}

Describe 'Invoke-MonCommand' {
    It 'takes agents from the pipeline and emits typed results' {
        $result = Get-MonAgent -Status Online | Invoke-MonCommand -Name get_process_count
        $result.AgentId | Should -Be 'pester1'
        $result.Status | Should -Be 'Succeeded'
        $result.Output.count | Should -BeGreaterThan 0
    }

    It 'shows a short table: agent, command, status, duration and a one-line result' {
        $result = Invoke-MonCommand -Agent pester1 -Name get_process_count
        $table = $result | Out-String -Width 120
        $table | Should -Match 'AgentId\s+Command\s+Status\s+Duration\s+Result'
        $table | Should -Match 'pester1\s+get_process_count\s+Succeeded\s+\d+(\.\d\d)? s\s+\{"count":\d+\}'
        ($result | Format-List | Out-String -Width 120) | Should -Match 'RequestedBy\s+:'
        $many = Invoke-MonCommand -Agent pester1 -Name list_processes -Argument @{ top = 20 } | Out-String -Width 120
        ($many -split "`n" | Where-Object { $_ -match '^pester1' }) | Should -Match '…$'
    }

    It 'passes typed arguments from a hashtable' {
        $result = Invoke-MonCommand -Agent pester1 -Name list_processes -Argument @{ top = 2; sortBy = 'memory' }
        $result.Output.processes.Count | Should -Be 2
    }

    It 'runs nothing for restart with -WhatIf' {
        Invoke-MonCommand -Agent pester1 -Name restart -WhatIf
        Test-Path $Marker | Should -BeFalse
        (Get-MonCommand -Agent pester1).Name | Should -Not -Contain 'restart'
    }

    It 'restarts once with -Force' {
        (Invoke-MonCommand -Agent pester1 -Name restart -Force).Status | Should -Be 'Succeeded'
        Wait-Until { Test-Path $Marker } 15 'the restart command'
        (Get-Content $Marker) | Should -Be @('ran')
    }

    It 'reports an unknown command with the known ones' {
        Invoke-MonCommand -Agent pester1 -Name format_disk -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.UnknownCommand*'
        $err[0].Exception.Message | Should -Match 'get_process_count'
        $err[0].TargetObject | Should -Be 'pester1'
    }

    It 'warns that a command for an offline agent stays queued' {
        $result = Invoke-MonCommand -Agent ghost -Name get_status -TimeoutSec 1 -WarningVariable warn -WarningAction SilentlyContinue
        $result.Status | Should -Be 'Queued'
        $warn[0] | Should -Match "Agent 'ghost' did not pick up 'get_status' within 1 s \(last seen at .*\); the command stays queued and expires at"
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C)' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'; Connect-MonManager -ConnectionFile '$AdminJson'; Invoke-MonCommand -Agent ghost -Name get_status -TimeoutSec 600")
        $handle = $ps.BeginInvoke()
        Wait-Until { @(Get-MonCommand -Agent ghost | Where-Object Status -eq 'Queued').Count -ge 2 } 30 'the command to be queued'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $handle.IsCompleted | Should -BeTrue
        $ps.Dispose()
    }

    It 'keeps an audit trail' {
        $history = Get-MonCommand -Agent pester1
        $history.Name | Should -Contain 'get_process_count'
        ($history | Where-Object Name -eq 'get_process_count' | Select-Object -First 1).RequestedBy | Should -Be 'admin'
        (Get-MonCommand -Id $history[0].Id).Id | Should -Be $history[0].Id
    }
}

Describe 'Completers' {
    It 'completes agent ids' {
        $line = 'Invoke-MonCommand -Agent pes'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'pester1'
    }

    It 'completes command names' {
        $line = 'Invoke-MonCommand -Agent pester1 -Name get_p'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('get_process_count')
    }
}

Describe 'File transfer' {
    It 'sends and receives a file with progress, identical both ways' {
        $local = "$Work/local/payload.bin"
        $bytes = [byte[]]::new(6MB); [System.Random]::new(1).NextBytes($bytes); [System.IO.File]::WriteAllBytes($local, $bytes)

        $ps = [powershell]::Create()
        $null = $ps.AddScript(@"
Import-Module '$ModulePath'
Connect-MonManager -ConnectionFile '$AdminJson'
Send-MonFile -Agent pester1 -Path '$local' -Destination '$Work/in/payload.bin'
Receive-MonFile -Agent pester1 -Path '$Work/in/payload.bin' -Destination '$Work/local/back.bin'
"@)
        $output = $ps.Invoke()
        $ps.Streams.Error | Should -BeNullOrEmpty
        $completed = @($ps.Streams.Progress | Where-Object RecordType -eq 'Completed')
        $completed.Count | Should -BeGreaterOrEqual 2
        $ps.Dispose()

        $output[0].Sha256 | Should -Be (Get-FileHash $local -Algorithm SHA256).Hash.ToLowerInvariant()
        $output[1].FullName | Should -Be "$Work/local/back.bin"
        (Get-FileHash "$Work/local/back.bin").Hash | Should -Be (Get-FileHash $local).Hash
        (Get-MonFile).Name | Should -Contain 'payload.bin'
    }

    It 'refuses to overwrite without -Force' {
        Receive-MonFile -Agent pester1 -Path "$Work/in/payload.bin" -Destination "$Work/local/back.bin" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.FileExists*'
        Receive-MonFile -Agent pester1 -Path "$Work/in/payload.bin" -Destination "$Work/local/back.bin" -Force | Should -Not -BeNullOrEmpty
    }

    It 'reports a path outside the agent''s folders' {
        Receive-MonFile -Agent pester1 -Path /etc/passwd -Destination "$Work/local/passwd" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'outside the folders this agent may read'
        Test-Path "$Work/local/passwd" | Should -BeFalse
    }
}

Describe 'Remove-MonAgent' {
    It 'does nothing with -WhatIf' {
        Remove-MonAgent -Id ghost -WhatIf
        Get-MonAgent -Id ghost | Should -Not -BeNullOrEmpty
    }

    It 'removes from the pipeline with -Confirm:$false' {
        Get-MonAgent -Status Offline | Remove-MonAgent -Confirm:$false
        Get-MonAgent -Id ghost -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-MonAgent).Id | Should -Be 'pester1'
    }
}

Describe 'Alerts, silences and thresholds' {
    It 'publishes central rules and refuses invalid ones with their position' {
        "- name: ps-procs`n  metric: processes.count`n  above: 1`n  agents: pester*`n" | Set-Content "$Work/rules.yaml"
        "- name: bad`n  metric: cpu.percent`n  above: lots`n" | Set-Content "$Work/bad.yaml"

        $published = Set-MonThreshold -Path "$Work/rules.yaml"
        Set-MonThreshold -Path "$Work/bad.yaml" -ErrorVariable err -ErrorAction SilentlyContinue

        $published.Version | Should -Not -BeNullOrEmpty
        (Get-MonThreshold).Name | Should -Be 'ps-procs'
        $err[0].Exception.Message | Should -Match 'thresholds\[0\]\.above'
        $err[0].Exception.Message | Should -Match '\(3,'
        (Get-MonThreshold -AsYaml) | Should -Match 'ps-procs'
    }

    It 'shows the alert a central rule raises, and acknowledges it' {
        Wait-Until { Get-MonAlert -Agent pester1 -State Firing | Where-Object { $_.Transition.Rule -eq 'ps-procs' } } 30 'the central rule to fire'
        $alert = Get-MonAlert -Agent pester1 -State Firing | Where-Object { $_.Transition.Rule -eq 'ps-procs' } | Select-Object -First 1
        ($alert | Out-String) | Should -Match 'ps-procs'

        $acked = $alert | Confirm-MonAlert
        $acked.AcknowledgedBy | Should -Be 'admin'
        (Get-MonAlert -Agent pester1 | Where-Object Id -eq $alert.Id | Out-String -Width 250) | Should -Match 'acked'
    }

    It 'creates, lists and removes silences' {
        $silence = New-MonSilence -Agent 'pester*' -Rule 'cpu-*' -Duration (New-TimeSpan -Minutes 30) -Reason 'maintenance'
        (Get-MonSilence).Id | Should -Contain $silence.Id
        $silence.CreatedBy | Should -Be 'admin'

        Get-MonSilence | Remove-MonSilence
        @(Get-MonSilence).Count | Should -Be 0
        (Get-MonSilence -All).Id | Should -Contain $silence.Id
    }
}

Describe 'Credentials' {
    It 'creates a reader key that can list but not run commands, then revokes it' {
        $key = New-MonApiKey -Name pester-reader -Role Reader -WarningAction SilentlyContinue
        $key.Token | Should -BeLike 'mon_adm_*'
        $admin = Get-Content $AdminJson | ConvertFrom-Json
        $reader = Connect-MonManager $Url -Token (ConvertTo-SecureString $key.Token -AsPlainText -Force) -CertificateThumbprint $admin.certificateThumbprint -PassThru
        (Get-MonAgent -Id pester1 -Manager $reader).Id | Should -Be 'pester1'
        Invoke-MonCommand -Agent pester1 -Name get_status -Manager $reader -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.Forbidden*'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Operator'
        Connect-MonManager -ConnectionFile $AdminJson
        (Get-MonApiKey pester-*).Token | Should -BeNullOrEmpty
        Get-MonApiKey pester-reader | Remove-MonApiKey -Confirm:$false
        Get-MonApiKey pester-reader | Should -BeNullOrEmpty
        (Get-MonApiKey pester-reader -All).RevokedAt | Should -Not -BeNullOrEmpty
    }

    It 'creates a limited enrollment token, enrolls with it, and revokes it' {
        $token = New-MonEnrollmentToken -Name pester-web -AgentIdPattern 'pweb-*' -MaxUses 1 -Label @{ site = 'lab' } -RequireApproval -WarningAction SilentlyContinue
        $body = @{ agentId = 'pweb-1'; os = 'linux'; intervalSeconds = 5 } | ConvertTo-Json
        $answer = Invoke-RestMethod -Method Post -Uri "$Url/api/v1/agents/register" -SkipCertificateCheck -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $($token.Token)" } -Body $body
        $answer.enrollment | Should -Be 'pending'
        (Get-MonAgent -Id pweb-1).Labels['site'] | Should -Be 'lab'
        (Get-MonEnrollmentToken pester-web).Uses | Should -Be 1
        (Approve-MonAgent -Agent pweb-1).Enrollment | Should -Be 'Active'
        Get-MonEnrollmentToken pester-web | Remove-MonEnrollmentToken -Confirm:$false
        Get-MonEnrollmentToken pester-web | Should -BeNullOrEmpty
    }

    It 'resets an agent so that its id may enroll once more' {
        $reset = Reset-MonAgent -Agent pweb-1 -Confirm:$false
        $reset.Enrollment | Should -Be 'Reset'
        Reset-MonAgent -Agent pweb-1 -WhatIf
        Reset-MonAgent -Agent nobody -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.AgentNotFound*'
    }
}
