# The prose of the module's help: a description and examples per cmdlet. Synopses and parameter
# descriptions come from the cmdlets' XML doc comments; eng/New-MonitoringHelp.ps1 merges both into MAML.
@{
    'Connect-MonManager' = @{
        Description = 'Connects this PowerShell session to a Monitoring manager. Every other cmdlet uses the connection, unless given another with -Manager. The address, certificate and token are checked at once. The token is never shown. Plain HTTP to an address that is not loopback is refused unless -AllowUnencrypted is given.'
        Examples = @(
            @{ Code = 'Connect-MonManager -ConnectionFile /var/lib/monitoring/admin.json'; Remarks = 'Connects with the admin connection file the manager writes into its data directory on first start.' }
            @{ Code = 'Connect-MonManager -Uri https://mon.example:5000 -Token (Read-Host -AsSecureString) -CertificateThumbprint 29D0BD...0187'; Remarks = 'Prompts for the key, so it never lands in the history, and pins the manager''s public key.' }
            @{ Code = 'Connect-MonManager https://mon.example:5000 -Credential (Get-Secret MonitoringKey)'; Remarks = 'Takes the key from a SecretManagement vault as a PSCredential (the user name is ignored).' }
        )
    }
    'Disconnect-MonManager' = @{
        Description = 'Forgets the session''s connection to the manager. Cmdlets run afterwards need Connect-MonManager again or -Manager.'
        Examples = @( @{ Code = 'Disconnect-MonManager'; Remarks = 'Closes the connection.' } )
    }
    'Get-MonAgent' = @{
        Description = 'Lists the agents enrolled with the manager, with their status (online or offline), address, operating system, last contact and latest metrics. The objects carry CpuPercent, MemoryPercent, DiskPercent, ProcessCount and Uptime for sorting and filtering, and the whole latest snapshot under Latest.'
        Examples = @(
            @{ Code = 'Get-MonAgent'; Remarks = 'Lists every agent as a table.' }
            @{ Code = 'Get-MonAgent -Id web* -Status Online | Sort-Object CpuPercent -Descending'; Remarks = 'The online web servers, busiest first.' }
        )
    }
    'Get-MonStatus' = @{
        Description = 'Returns an agent''s stored metric samples, oldest first, as flat objects (CPU, memory, swap, fullest disk, load, network rates, process count; the busiest GPU, the GPU with the most memory in use, the hottest GPU and the hottest temperature sensor where the machine has them; for an app that embeds the agent, its processor use, working set and the values it reports: AppCpuPercent, AppWorkingSetBytes, AppValues), ready for Measure-Object, Export-Csv or ConvertTo-Json. The full snapshot of each sample, every GPU and sensor included, is under Snapshot.'
        Examples = @(
            @{ Code = 'Get-MonStatus -Agent web1 -Last 60 | Measure-Object CpuPercent -Average -Maximum'; Remarks = 'Average and peak CPU over the last 60 samples.' }
            @{ Code = 'Get-MonStatus web1 -From (Get-Date).AddHours(-1) | Export-Csv web1.csv'; Remarks = 'The last hour, to a CSV file.' }
            @{ Code = 'Get-MonStatus web1 -From (Get-Date).AddDays(-30) -Step auto | Select-Object Timestamp, Tier, CpuPercent'; Remarks = 'Thirty days from the 1-hour rollups (averages; the minimum and maximum are under Point).' }
            @{ Code = '(Get-MonStatus gpu1 -Last 1).Snapshot.Gpus | Format-Table Index, Name, UtilizationPercent, MemoryPercent, TemperatureCelsius, PowerWatts'; Remarks = 'Every GPU of the newest sample.' }
            @{ Code = 'Get-MonStatus web1-orders -Last 30 | ForEach-Object { $_.AppValues[''orders.queued''] } | Measure-Object -Maximum'; Remarks = 'The longest order queue an app that embeds the agent reported over its last 30 samples.' }
        )
    }
    'Get-MonAlert' = @{
        Description = 'Lists alert transitions (firing, resolved) the agents raised, newest first, optionally for one agent, one state or since a time.'
        Examples = @( @{ Code = 'Get-MonAlert -State Firing -Since (Get-Date).AddDays(-1)'; Remarks = 'What fired in the last day.' } )
    }
    'Invoke-MonCommand' = @{
        Description = 'Runs a command on one or more agents and emits each outcome as it arrives; agents are handled at the same time. The outcome''s status is succeeded, failed (with the reason in Error) or timed_out; its typed result is in Output. If an agent does not pick the command up in time, a warning says so and the command stays queued until it expires. restart asks for confirmation (ConfirmImpact High) unless -Force or -Confirm:$false, and honours -WhatIf. Commands: get_status, get_process_count, list_processes, get_logs, restart, send_file, receive_file.'
        Examples = @(
            @{ Code = 'Get-MonAgent -Status Online | Invoke-MonCommand -Name get_process_count'; Remarks = 'The process count of every online agent.' }
            @{ Code = 'Invoke-MonCommand -Agent web1 -Name list_processes -Argument @{ top = 5; sortBy = ''memory'' } | Select-Object -ExpandProperty Output'; Remarks = 'The five largest processes on web1.' }
            @{ Code = 'Invoke-MonCommand -Agent web1 -Name restart -WhatIf'; Remarks = 'Shows what would happen; nothing runs.' }
        )
    }
    'Get-MonCommand' = @{
        Description = 'Reads the command audit trail: which credential asked for which command, on which agent, when, and how it ended. Newest first.'
        Examples = @(
            @{ Code = 'Get-MonCommand -Agent web1 -Last 20'; Remarks = 'The last 20 commands sent to web1.' }
            @{ Code = 'Get-MonCommand -Id 01a220639f4d72a885517534104af3d7'; Remarks = 'One command''s record.' }
        )
    }
    'Receive-MonFile' = @{
        Description = 'Fetches a file from an agent (the agent uploads it into the manager''s store, then it is downloaded) or a file already in the store by id. The file streams with a progress bar, lands in a hidden temporary file, is verified against its SHA-256 and only then renamed into place. Run it again after an interruption and it resumes. An existing destination is kept unless -Force. The agent only sends files inside its files.read folders.'
        Examples = @(
            @{ Code = 'Receive-MonFile -Agent web1 -Path /var/log/app.log -Destination ./web1-app.log'; Remarks = 'Copies a log from web1.' }
            @{ Code = 'Get-MonFile | Where-Object AgentId -eq web1 | Receive-MonFile -Destination ./inbox -Force'; Remarks = 'Downloads stored files by id.' }
        )
    }
    'Send-MonFile' = @{
        Description = 'Sends a local file to an agent: it is uploaded to the manager''s store, then the agent downloads it, verifies its SHA-256 and renames it into place. Progress is shown; running it again after an interruption resumes. The agent only writes inside its files.write folders, and keeps an existing file unless -Force.'
        Examples = @( @{ Code = 'Send-MonFile -Agent web1 -Path ./app.conf -Destination /etc/app/app.conf -Force'; Remarks = 'Replaces a configuration file on web1.' } )
    }
    'Get-MonFile' = @{
        Description = 'Lists the manager''s file store (name, source agent and path, size, SHA-256, status), newest first, or one file by id.'
        Examples = @( @{ Code = 'Get-MonFile -Last 10'; Remarks = 'The ten newest stored files.' } )
    }
    'Remove-MonAgent' = @{
        Description = 'Removes agents from the manager and revokes their tokens at once; their metric history stays. A removed agent can enroll again with the enrollment token. Asks for confirmation (ConfirmImpact High).'
        Examples = @( @{ Code = 'Get-MonAgent -Status Offline | Remove-MonAgent -Confirm:$false'; Remarks = 'Removes every offline agent without asking.' } )
    }
    'Confirm-MonAlert' = @{
        Description = 'Acknowledges alerts: records which admin has seen them and when. Accepts Get-MonAlert output from the pipeline.'
        Examples = @( @{ Code = 'Get-MonAlert -State Firing | Confirm-MonAlert'; Remarks = 'Acknowledges every firing alert.' } )
    }
    'New-MonSilence' = @{
        Description = 'Silences the alerts of matching agents and rules for a while, for maintenance. Silenced alerts are still recorded, marked Silenced.'
        Examples = @( @{ Code = 'New-MonSilence -Agent db1 -Duration (New-TimeSpan -Hours 2) -Reason ''disk upgrade'''; Remarks = 'Silences every alert of db1 for two hours.' } )
    }
    'Get-MonSilence' = @{
        Description = 'Lists the silences that are in force; -All includes those that have ended.'
        Examples = @( @{ Code = 'Get-MonSilence'; Remarks = 'The active silences.' } )
    }
    'Remove-MonSilence' = @{
        Description = 'Ends silences now. Accepts Get-MonSilence output from the pipeline.'
        Examples = @( @{ Code = 'Get-MonSilence | Where-Object Agent -eq db1 | Remove-MonSilence'; Remarks = 'Ends the silences of db1.' } )
    }
    'Get-MonThreshold' = @{
        Description = 'Returns the manager''s fleet-wide threshold rules as typed rule objects, or with -AsYaml as the YAML text. Agents apply them merged with their own rules (a local rule of the same name wins).'
        Examples = @( @{ Code = 'Get-MonThreshold -AsYaml | Set-Content rules.yaml'; Remarks = 'Saves the rules to a file to edit.' } )
    }
    'Set-MonThreshold' = @{
        Description = 'Replaces the manager''s fleet-wide threshold rules with a YAML file. The manager validates the file first and refuses it with the line, column and key of the first error; agents pick up accepted rules with their next report.'
        Examples = @( @{ Code = 'Set-MonThreshold -Path ./rules.yaml'; Remarks = 'Publishes the rules to the fleet.' } )
    }
    'Reset-MonAgent' = @{
        Description = 'Revokes an agent''s token at once and lets its id enroll one more time, for a machine that was re-installed or whose state was lost. Until an admin resets it, an enrollment for an id that holds an active token is refused (409 agent_exists), so a stolen enrollment token cannot take over a live agent. The reset agent rejoins when it is restarted with its enrollment token.'
        Examples = @( @{ Code = 'Reset-MonAgent -Agent web1 -Confirm:$false'; Remarks = 'Lets web1 enroll again after a re-install.' } )
    }
    'Approve-MonAgent' = @{
        Description = 'Approves agents that enrolled with a token created with -RequireApproval. Until then such an agent may register but its reports and command polls are refused (403 agent_pending); its snapshots wait in its spool.'
        Examples = @( @{ Code = 'Get-MonAgent | Where-Object Enrollment -eq Pending | Approve-MonAgent'; Remarks = 'Approves every pending agent.' } )
    }
    'New-MonApiKey' = @{
        Description = 'Creates a named admin key with a role: Reader (agents, status, alerts, commands history, stored files), Operator (also commands, file pushes, acknowledgements) or Admin (also credentials, agents, thresholds, silences). The token is in the output this once; the manager keeps only its hash. Every command, transfer and credential change records the key''s name.'
        Examples = @( @{ Code = '$key = New-MonApiKey -Name grafana -Role Reader -ExpiresAt (Get-Date).AddDays(90); $key.Token | Set-Secret MonitoringGrafana'; Remarks = 'A reader key for a dashboard, kept in a vault.' } )
    }
    'Get-MonApiKey' = @{
        Description = 'Lists the admin keys with their roles, creators and expiry. Tokens are never listed. Revoked keys are shown with -All.'
        Examples = @( @{ Code = 'Get-MonApiKey -All'; Remarks = 'Every key, revoked ones included.' } )
    }
    'Remove-MonApiKey' = @{
        Description = 'Revokes admin keys; requests with them are refused at once. The first key (admin.json) can be revoked too, once another admin key exists.'
        Examples = @( @{ Code = 'Get-MonApiKey ci-* | Remove-MonApiKey -Confirm:$false'; Remarks = 'Revokes every key whose name starts with ci-.' } )
    }
    'New-MonEnrollmentToken' = @{
        Description = 'Creates a token agents enroll with, optionally limited: an expiry, a maximum number of enrollments, a wildcard pattern the agent ids must match, labels stamped on every agent it enrolls, and approval (agents wait for Approve-MonAgent). The token is in the output this once. The first-start token (enrollment.token) keeps working until it is revoked.'
        Examples = @( @{ Code = 'New-MonEnrollmentToken -Name paris-web -AgentIdPattern ''web-*'' -MaxUses 20 -Label @{ site = ''paris'' } -ExpiresAt (Get-Date).AddDays(1)'; Remarks = 'A one-day token for twenty web servers in Paris.' } )
    }
    'Get-MonEnrollmentToken' = @{
        Description = 'Lists the enrollment tokens with their limits and how many agents enrolled with each. Tokens are never listed. Revoked ones are shown with -All.'
        Examples = @( @{ Code = 'Get-MonEnrollmentToken'; Remarks = 'The tokens that still work.' } )
    }
    'Remove-MonEnrollmentToken' = @{
        Description = 'Revokes enrollment tokens. Agents that enrolled with them keep their own tokens and keep reporting.'
        Examples = @( @{ Code = 'Remove-MonEnrollmentToken -Id default -Confirm:$false'; Remarks = 'Revokes the first-start token once every agent has enrolled.' } )
    }
    'Get-MonReceiver' = @{
        Description = 'Lists the receivers that alert notifications go to (webhooks and email), from manager.yaml (Source config) and from Set-MonReceiver (Source api), with their routes and delivery state: Idle, Ok or Failing with the last error and how many messages wait. Secrets (signing keys, header values, SMTP passwords) are never returned; SigningKeySet, HeaderNames and PasswordSet say which are stored.'
        Examples = @(
            @{ Code = 'Get-MonReceiver'; Remarks = 'Every receiver with its state.' }
            @{ Code = 'Get-MonReceiver -Failing | Get-MonNotification -Status Pending'; Remarks = 'The messages waiting on receivers that fail.' }
        )
    }
    'Set-MonReceiver' = @{
        Description = 'Creates or replaces a receiver: a webhook (-WebhookUrl; the body is Alertmanager''s webhook JSON, signed with -SigningKey when given) or an email (-SmtpServer, -From, -To, -Credential). The route parameters choose its alerts (-Severity, -AgentPattern, -Label) and how they are bundled (-GroupBy, -GroupWait, -GroupInterval, -RepeatInterval, -NoResolved); left out, every alert goes to it, grouped by rule, after 30 s, repeated every 4 h. A replacement that leaves out -SigningKey, -Header or the password keeps the stored one. Plain-HTTP URLs to other machines are refused unless -AllowInsecureUrl.'
        Examples = @(
            @{ Code = 'Set-MonReceiver chat -WebhookUrl https://chat.example.com/hooks/T0123 -SigningKey (Read-Host -AsSecureString) -Severity Critical,Warning'; Remarks = 'Critical and warning alerts to a chat bridge, signed.' }
            @{ Code = 'Set-MonReceiver oncall -SmtpServer smtp.example.com -Credential (Get-Credential alerts) -From monitoring@example.com -To oncall@example.com -AgentPattern ''db*'' -RepeatInterval 01:00:00'; Remarks = 'Database alerts by email over STARTTLS on port 587, repeated hourly until acknowledged.' }
        )
    }
    'Remove-MonReceiver' = @{
        Description = 'Removes receivers made with Set-MonReceiver; their undelivered messages are marked failed. Receivers of manager.yaml are changed there.'
        Examples = @( @{ Code = 'Remove-MonReceiver chat -Confirm:$false'; Remarks = 'Stops notifying the chat bridge.' } )
    }
    'Test-MonReceiver' = @{
        Description = 'Has the manager send each receiver a test notification now, once, without retries, and returns what the receiver answered (HTTP status or SMTP reply). A receiver that did not take it is also reported as an error, so -ErrorAction Stop stops a script.'
        Examples = @( @{ Code = 'Get-MonReceiver | Test-MonReceiver'; Remarks = 'Tests every receiver.' } )
    }
    'Get-MonNotification' = @{
        Description = 'Reads the notification outbox, newest first: which receiver, which alerts, whether it is pending, sent or failed, and every delivery attempt with what the receiver answered. A message that fails is retried with backoff, across restarts, until notifications:giveUpAfter (24 h by default).'
        Examples = @( @{ Code = 'Get-MonNotification -Receiver chat -Status Pending | Select-Object -ExpandProperty Attempts'; Remarks = 'Why the chat bridge''s messages wait.' } )
    }
}
