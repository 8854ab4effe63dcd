@{
    RootModule           = 'Monitoring.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f2f0e-6f5e-4d43-9a55-6c1f2f5d7a10'
    Author               = 'Monitoring contributors'
    CompanyName          = 'Monitoring'
    Copyright            = '(c) Monitoring contributors. All rights reserved.'
    Description          = 'Drive a Monitoring manager from PowerShell: agents, metrics, alerts, commands and files.'
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Monitoring.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-MonManager', 'Disconnect-MonManager', 'Get-MonAgent', 'Get-MonStatus', 'Get-MonAlert',
        'Invoke-MonCommand', 'Get-MonCommand', 'Receive-MonFile', 'Send-MonFile', 'Get-MonFile', 'Remove-MonAgent',
        'Confirm-MonAlert', 'New-MonSilence', 'Get-MonSilence', 'Remove-MonSilence', 'Get-MonThreshold', 'Set-MonThreshold',
        'Reset-MonAgent', 'Approve-MonAgent', 'New-MonApiKey', 'Get-MonApiKey', 'Remove-MonApiKey',
        'New-MonEnrollmentToken', 'Get-MonEnrollmentToken', 'Remove-MonEnrollmentToken',
        'Get-MonReceiver', 'Set-MonReceiver', 'Remove-MonReceiver', 'Test-MonReceiver', 'Get-MonNotification'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Monitoring', 'Metrics', 'Alerts', 'Agent', 'Fleet', 'Prometheus', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # ProjectUri and LicenseUri: to be added when the project has a public address (Publish-PSResource refuses an
            # empty one, so none is better than ''). The licence (MIT) is in LICENSE, shipped in the module folder.
            ReleaseNotes = @'
0.1.0 - the first release.
Manage a Monitoring fleet from PowerShell: agents (Get-MonAgent, Approve-MonAgent, Reset-MonAgent, Remove-MonAgent),
metrics (Get-MonStatus), alerts, silences and thresholds, commands (Invoke-MonCommand, Get-MonCommand), files both ways
(Receive-MonFile, Send-MonFile, Get-MonFile), API keys, enrollment tokens and notification receivers.
Needs PowerShell 7.2 or later and a Monitoring manager of the same version.
'@
        }
    }
}
