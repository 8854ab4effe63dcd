# Pester suite for the module's notification cmdlets (Get-/Set-/Remove-/Test-MonReceiver, Get-MonNotification):
# the built module against a real manager on a free loopback port and a real webhook listener in this session.
BeforeAll {
    $script:Root = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$Root/artifacts/module/Monitoring/Monitoring.psd1" -Force
    . "$PSScriptRoot/TestHelpers.ps1"

    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ("monitoring-pester-notify-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Work | Out-Null
    $started = Start-TestManager $Work
    $script:Manager = $started.Process
    $script:Url = $started.Url
    $script:DataDir = $started.DataDir
    Connect-MonManager -ConnectionFile "$DataDir/admin.json"
}

AfterAll {
    Disconnect-MonManager
    if ($Manager -and -not $Manager.HasExited) { $Manager.Kill($true); $Manager.WaitForExit(10000) | Out-Null }
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Notification receivers' {
    BeforeAll {
        # A webhook receiver in this session: an HttpListener on a thread job that answers 200 and keeps each body.
        $script:HookPort = Get-FreePort
        $script:Bodies = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        $script:Listener = [System.Net.HttpListener]::new()
        $Listener.Prefixes.Add("http://127.0.0.1:$HookPort/")
        $Listener.Start()
        $script:HookJob = Start-ThreadJob -ArgumentList $Listener, $Bodies {
            param($listener, $bodies)
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { break }
                $bodies.Enqueue([System.IO.StreamReader]::new($context.Request.InputStream).ReadToEnd())
                $context.Response.StatusCode = 200
                $context.Response.Close()
            }
        }
        $script:Secret = ConvertTo-SecureString 'pester-signing-secret' -AsPlainText -Force
    }

    AfterAll {
        $Listener.Stop()
        $HookJob | Remove-Job -Force
    }

    It 'creates a webhook receiver, tests it, and never shows its secret' {
        $saved = Set-MonReceiver hook -WebhookUrl "http://127.0.0.1:$HookPort/hook" -SigningKey $Secret -Header @{ Authorization = 'Bearer pester-header-secret' } `
            -Severity Critical -GroupWait (New-TimeSpan) -Confirm:$false

        $saved.Webhook.SigningKeySet | Should -BeTrue
        $saved.Webhook.HeaderNames | Should -Be @('Authorization')
        (Get-MonReceiver hook | ConvertTo-Json -Depth 6) | Should -Not -Match 'secret'
        (Get-MonReceiver | Out-String -Width 200) | Should -Match 'hook\s+webhook\s+http://127.0.0.1'
        $result = Test-MonReceiver hook
        $result.Succeeded | Should -BeTrue
        $result.Detail | Should -Be 'HTTP 200 OK'
        Wait-Until { $Bodies.ToArray() -match 'test notification' } 10 'the test notification'
    }

    It 'delivers an alert and lists the message with Get-MonNotification' {
        $enroll = @{ agentId = 'notify1'; os = 'linux'; intervalSeconds = 60 } | ConvertTo-Json
        $agent = Invoke-RestMethod -Method Post -Uri "$Url/api/v1/agents/register" -SkipCertificateCheck -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $((Get-Content "$DataDir/enrollment.token").Trim())" } -Body $enroll
        $alert = ConvertTo-Json -InputObject @(@{ fingerprint = 'disk-full'; rule = 'disk-full'; state = 'firing'; severity = 'critical'; value = 97; threshold = 95
            timestamp = [DateTime]::UtcNow.ToString('o') })
        Invoke-RestMethod -Method Post -Uri "$Url/api/v1/agents/notify1/alerts" -SkipCertificateCheck -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $($agent.agentToken)" } -Body $alert | Out-Null

        Wait-Until { Get-MonNotification -Receiver hook -Status Sent } 30 'the alert''s message to be sent'
        $message = Get-MonNotification -Receiver hook | Select-Object -First 1
        $message.Attempts[-1].Detail | Should -Be 'HTTP 200 OK'
        ($message | Out-String -Width 200) | Should -Match 'hook\s+\S+ \S+\s+Firing\s+1\s+Sent'
        ($Bodies.ToArray() | Where-Object { $_ -match 'disk-full' } | ConvertFrom-Json).alerts[0].labels.agent | Should -Be 'notify1'
        (Get-MonReceiver hook).Status.State | Should -Be 'Ok'
    }

    It 'reports a receiver that cannot be reached as an error with what to do' {
        Set-MonReceiver down -WebhookUrl "http://127.0.0.1:$(Get-FreePort)/hook" -Confirm:$false | Out-Null

        $result = Test-MonReceiver down -ErrorVariable err -ErrorAction SilentlyContinue

        $result.Succeeded | Should -BeFalse
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.ReceiverFailed*'
        $err[0].Exception.Message | Should -Match 'cannot reach'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Set-MonReceiver'
    }

    It 'refuses a plain-HTTP URL to another machine unless allowed' {
        Set-MonReceiver lan -WebhookUrl http://10.9.9.9/hook -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue

        $err[0].Exception.Message | Should -Match 'allowInsecureUrl'
        (Set-MonReceiver lan -WebhookUrl http://10.9.9.9/hook -AllowInsecureUrl -Confirm:$false).Webhook.AllowInsecureUrl | Should -BeTrue
    }

    It 'creates an email receiver with a credential and removes receivers' {
        $credential = [pscredential]::new('alerts', (ConvertTo-SecureString 'pester-smtp-secret' -AsPlainText -Force))
        $mail = Set-MonReceiver mail -SmtpServer smtp.example.com -Credential $credential -From monitoring@example.com -To ops@example.com -Security Tls -Confirm:$false

        $mail.Email.PasswordSet | Should -BeTrue
        $mail.Email.Security | Should -Be 'Tls'
        Remove-MonReceiver mail, lan, down -Confirm:$false
        (Get-MonReceiver).Name | Should -Be @('hook')
        Remove-MonReceiver mail -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Monitoring.ReceiverNotFound*'
    }
}
