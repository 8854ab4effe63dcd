<#
.SYNOPSIS
Writes the module's MAML help (en-US/Monitoring.PowerShell.dll-Help.xml) into a laid-out module folder.
.DESCRIPTION
Synopses and parameter descriptions come from the cmdlets' XML doc comments (Monitoring.PowerShell.xml),
descriptions and examples from Monitoring.PowerShell/help/Monitoring.help.psd1, and syntax from the cmdlets
themselves. Fails when a cmdlet or a parameter has no text, so help cannot fall behind the code.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $XmlDoc
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'Monitoring.psd1') -Force
$prose = Import-PowerShellDataFile $HelpSource
$doc = [xml](Get-Content -Raw $XmlDoc)
$summaries = @{}
foreach ($member in $doc.SelectNodes('//member')) { $node = $member.SelectSingleNode('summary'); if ($node) { $summaries[$member.GetAttribute('name')] = ($node.InnerText -replace '\s+', ' ').Trim() } }
$common = [System.Management.Automation.Cmdlet]::CommonParameters
$builtIn = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts for confirmation before running the cmdlet.'
}
$problems = [System.Collections.Generic.List[string]]::new()

function Summary([type] $type, [string] $property) {
    for ($t = $type; $null -ne $t; $t = $t.BaseType) {
        $key = if ($property) { "P:$($t.FullName).$property" } else { "T:$($t.FullName)" }
        if ($summaries.ContainsKey($key)) { return $summaries[$key] }
    }
    return $null
}

function Esc([string] $text) { [System.Security.SecurityElement]::Escape($text) }

$sb = [System.Text.StringBuilder]::new()
[void]$sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($cmd in Get-Command -Module Monitoring -CommandType Cmdlet | Sort-Object Name) {
    $type = $cmd.ImplementingType
    $synopsis = (Summary $type $null) -replace "^$([regex]::Escape($cmd.Name)):\s*", ''
    if ($synopsis) { $synopsis = $synopsis.Substring(0, 1).ToUpperInvariant() + $synopsis.Substring(1) }
    $entry = $prose[$cmd.Name]
    if (-not $synopsis) { $problems.Add("$($cmd.Name): no <summary> on $($type.FullName)") }
    if (-not $entry -or -not $entry.Description -or -not $entry.Examples) { $problems.Add("$($cmd.Name): no description or example in $HelpSource") }
    $params = $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }
    [void]$sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$($cmd.Verb)</command:verb><command:noun>$($cmd.Noun)</command:noun>")
    [void]$sb.AppendLine("<maml:description><maml:para>$(Esc $synopsis)</maml:para></maml:description></command:details>")
    [void]$sb.AppendLine("<maml:description><maml:para>$(Esc $entry.Description)</maml:para></maml:description>")

    $paramXml = @{}
    foreach ($p in $params) {
        $text = if ($builtIn.ContainsKey($p.Name)) { $builtIn[$p.Name] } else { Summary $type $p.Name }
        if (-not $text) { $problems.Add("$($cmd.Name) -$($p.Name): no <summary>") }
        $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $pipeline = @(if ($attr.ValueFromPipeline) { 'ByValue' }; if ($attr.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        $pipelineText = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
        $position = if ($attr.Position -ge 0) { $attr.Position } else { 'named' }
        $typeName = if ($p.SwitchParameter) { 'SwitchParameter' } else { $p.ParameterType.Name }
        $required = [bool]($p.ParameterSets.Values | Where-Object IsMandatory)
        $wildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'None' }
        $paramXml[$p.Name] = @"
<command:parameter required="$($required.ToString().ToLower())" variableLength="true" globbing="$($wildcards.ToString().ToLower())" pipelineInput="$pipelineText" position="$position" aliases="$aliases">
<maml:name>$($p.Name)</maml:name><maml:description><maml:para>$(Esc $text)</maml:para></maml:description>
$(if (-not $p.SwitchParameter) { "<command:parameterValue required=""true"" variableLength=""false"">$typeName</command:parameterValue>" })
<dev:type><maml:name>$($p.ParameterType.FullName)</maml:name></dev:type><dev:defaultValue>None</dev:defaultValue>
</command:parameter>
"@
    }

    [void]$sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void]$sb.AppendLine("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $xml = $paramXml[$p.Name] -replace 'required="(true|false)" variableLength="true"', "required=""$($p.IsMandatory.ToString().ToLower())"" variableLength=""true"""
            [void]$sb.AppendLine($xml)
        }
        [void]$sb.AppendLine('</command:syntaxItem>')
    }
    [void]$sb.AppendLine('</command:syntax>')
    [void]$sb.AppendLine('<command:parameters>')
    foreach ($p in $params) { [void]$sb.AppendLine($paramXml[$p.Name]) }
    [void]$sb.AppendLine('</command:parameters>')
    [void]$sb.AppendLine('<command:returnValues>')
    foreach ($out in $cmd.OutputType) {
        [void]$sb.AppendLine("<command:returnValue><dev:type><maml:name>$(Esc $out.Name)</maml:name></dev:type></command:returnValue>")
    }
    [void]$sb.AppendLine('</command:returnValues>')
    [void]$sb.AppendLine('<command:examples>')
    $n = 0
    foreach ($example in $entry.Examples) {
        $n++
        [void]$sb.AppendLine("<command:example><maml:title>-------------------------- Example $n --------------------------</maml:title>")
        [void]$sb.AppendLine("<dev:code>$(Esc $example.Code)</dev:code><dev:remarks><maml:para>$(Esc $example.Remarks)</maml:para></dev:remarks></command:example>")
    }
    [void]$sb.AppendLine('</command:examples>')
    [void]$sb.AppendLine('</command:command>')
}
[void]$sb.AppendLine('</helpItems>')

if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }
$target = Join-Path $ModulePath 'en-US'
New-Item -ItemType Directory -Force $target | Out-Null
[System.IO.File]::WriteAllText((Join-Path $target 'Monitoring.PowerShell.dll-Help.xml'), $sb.ToString())
"Help written for $((Get-Command -Module Monitoring -CommandType Cmdlet).Count) cmdlets"
