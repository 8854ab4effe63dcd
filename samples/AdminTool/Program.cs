// An admin tool over the manager's API: the fleet, an agent's recent history, a command, and a file fetched from the
// agent with progress. Usage: AdminTool ADMIN.JSON [AGENT-FILE-TO-FETCH DESTINATION]
using Monitoring.Client;
using Monitoring.Files;
using Monitoring.Protocol;

if (args.Length is not (1 or 3))
{
    Console.Error.WriteLine("Usage: AdminTool ADMIN.JSON [AGENT-FILE-TO-FETCH DESTINATION]");
    return 2;
}

using var client = ManagerClient.FromConnectionFile(args[0]);
var agents = await client.GetAgentsAsync();
foreach (var agent in agents)
{
    Console.WriteLine($"agent {agent.Id} {agent.Status} cpu {agent.Latest?.Cpu.Percent:0.0}% memory {agent.Latest?.Memory.Percent:0.0}%");
}

var online = agents.FirstOrDefault(a => a.Status == AgentState.Online);
if (online is null)
{
    Console.Error.WriteLine("No agent is online; start one (./run.sh starts one for this machine).");
    return 1;
}

// The last few samples the manager keeps for it, oldest first.
var history = await client.GetStatusHistoryAsync(online.Id, 5, null, null);
Console.WriteLine($"history {online.Id}: {history.Count} samples, cpu {string.Join(" ", history.Reverse().Select(s => s.Cpu.Percent.ToString("0.0")))}");

// A command, waiting for the agent's answer.
var count = await client.InvokeCommandAsync(online.Id, CommandNames.GetProcessCount, timeout: TimeSpan.FromSeconds(30));
Console.WriteLine($"command {count.Name}: {count.Status} {count.Result}");

if (args.Length == 3)
{
    // A file from the agent (inside its files.read folders), with progress; run again, it resumes.
    var progress = new Progress<TransferProgress>(p => Console.WriteLine($"progress {p.Percent:0}%"));
    var file = await client.ReceiveFileFromAgentAsync(online.Id, args[1], args[2], overwrite: true, progress: progress);
    Console.WriteLine($"file {file.Name} {file.Size} bytes sha256 {file.Sha256}");
}

return 0;
