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
            Tags       = @('Monitoring', 'Metrics', 'Agent', 'Fleet')
            ProjectUri = ''
        }
    }
}
