# The module as an admin gets it: published with PowerShell's own PSResourceGet into a local folder repository,
# installed from there into a fresh module path, imported by name, and used against a real manager and agent.

BeforeAll {
    $script:Root = (Resolve-Path "$PSScriptRoot/../..").Path
    . "$PSScriptRoot/TestHelpers.ps1"
    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ("monitoring-pester-install-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Work | Out-Null
    $started = Start-TestManager $Work
    $script:Manager = $started.Process
    $script:DataDir = $started.DataDir
    $script:Agent = Start-TestAgent $started $Work 'installed1' @('--interval', '1s')
    Wait-Until { Select-String -Quiet 'reporting to' "$Work/agent.log" } 60 'the agent to start'

    # A PowerShell of its own whose home is a fresh folder: its repositories, its CurrentUser module path and its
    # settings start empty, and nothing of this session's (the module imported by path elsewhere) is visible to it.
    function Invoke-FreshPwsh([string] $Script) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @("$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-Command', $Script)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['HOME'] = "$Work/home"
        foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') { $info.Environment.Remove($name) | Out-Null }
        $info.Environment['NO_COLOR'] = '1'
        $info.Environment['MON_REPO'] = "$Work/repository"
        $info.Environment['MON_MODULE'] = "$Root/artifacts/module/Monitoring"
        $info.Environment['MON_ADMIN'] = "$DataDir/admin.json"
        $process = [System.Diagnostics.Process]::Start($info)
        $errors = $process.StandardError.ReadToEndAsync()
        $output = $process.StandardOutput.ReadToEnd()
        if (-not $process.WaitForExit(240000)) { $process.Kill($true); throw "The fresh PowerShell did not finish in 4 minutes:`n$output" }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $output; Errors = $errors.Result }
    }
    New-Item -ItemType Directory -Path "$Work/home", "$Work/repository" | Out-Null
}

AfterAll {
    foreach ($p in $Agent, $Manager) { if ($p -and -not $p.HasExited) { $p.Kill($true); $p.WaitForExit(10000) | Out-Null } }
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Installing the module with PSResourceGet' {
    It 'passes Test-ModuleManifest with its version, tags and release notes' {
        $manifest = Test-ModuleManifest "$Root/artifacts/module/Monitoring/Monitoring.psd1"
        $manifest.Version | Should -Be ([version](Import-PowerShellDataFile "$Root/Monitoring.psd1").ModuleVersion)
        $manifest.Tags | Should -Contain 'PSEdition_Core'
        $manifest.ReleaseNotes | Should -Match '^\d+\.\d+\.\d+ - '
        Test-Path "$Root/artifacts/module/Monitoring/LICENSE" | Should -BeTrue
    }

    It 'publishes to a folder repository, installs into a fresh module path, and the installed copy runs Get-MonAgent' {
        $run = Invoke-FreshPwsh @'
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalFolder -Uri $env:MON_REPO -Trusted
Publish-PSResource -Path $env:MON_MODULE -Repository LocalFolder
$found = Find-PSResource -Name Monitoring -Repository LocalFolder
"found=$($found.Name) $($found.Version)"
Install-PSResource -Name Monitoring -Repository LocalFolder -Scope CurrentUser -TrustRepository
Get-InstalledPSResource -Name Monitoring | ForEach-Object { "installed=$($_.Version) $($_.InstalledLocation)" }
$module = Import-Module Monitoring -PassThru
"base=$($module.ModuleBase)"
"help=$((Get-Help Get-MonAgent).Synopsis)"
Connect-MonManager -ConnectionFile $env:MON_ADMIN
$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not (Get-MonAgent -Id installed1 -ErrorAction SilentlyContinue | Where-Object { $null -ne $_.CpuPercent })) {
    if ([DateTime]::UtcNow -gt $deadline) { throw 'installed1 never reported' }
    Start-Sleep -Milliseconds 200
}
Get-MonAgent | ForEach-Object { "agent=$($_.Id) $($_.Status)" }
(Get-MonAgent | Format-Table | Out-String -Width 120).Trim()
'@
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)`n$($run.Errors)"
        $version = (Import-PowerShellDataFile "$Root/Monitoring.psd1").ModuleVersion
        Get-ChildItem "$Work/repository" -Name | Should -Be "Monitoring.$version.nupkg"
        $run.Output | Should -Match "(?m)^found=Monitoring $([regex]::Escape($version))$"
        $run.Output | Should -Match "(?m)^base=$([regex]::Escape("$Work/home/"))\.local/share/powershell/Modules/Monitoring/$([regex]::Escape($version))$"
        $run.Output | Should -Match '(?m)^help=\S.+'
        $run.Output | Should -Match '(?m)^agent=installed1 Online$'
        $run.Output | Should -Match '(?m)^Id\s+Status\s'
    }
}
