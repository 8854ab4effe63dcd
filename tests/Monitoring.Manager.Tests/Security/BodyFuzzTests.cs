using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Monitoring.Protocol;
using Xunit.Abstractions;
using static Monitoring.Manager.Tests.Security.EndpointTable;

namespace Monitoring.Manager.Tests.Security;

/// <summary>
/// A property-based run over every POST and PUT route that takes a body: 10,000 bodies generated and mutated from a
/// valid one (nulls, wrong types, huge and negative numbers, hostile strings, nesting, broken JSON), replayable
/// from the printed seed. The property: never a 5xx, never a dropped connection, and /healthz still answers.
/// </summary>
public sealed class BodyFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Set MONITORING_FUZZ_SEED to replay a run; the seed of every run is printed.</summary>
    private const ulong DefaultSeed = 20261128;
    private const int Cases = 10_000;

    /// <summary>Routes whose body is not JSON or that take none; the rest of the POST/PUT routes must be fuzzed.</summary>
    private static readonly string[] NotJsonBodies = ["PutFileContent", "AcknowledgeAlert", "ResetAgent", "ApproveAgent", "TestReceiver"];

    private static readonly string[] HostileStrings =
    [
        "", " ", "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/", "/etc/shadow", @"\\server\share\x", @"C:\Windows\System32",
        "a\0b", "$(reboot)", "; rm -rf / #", "`id`", "| cat /etc/passwd", "\r\nfail: forged", "\u001b[2J\u001b[31m", "\u202Eevil",
        "{{template}}", "%s%s%n", "' OR 1=1 --", "\"; DROP TABLE agents; --", "*", "?", "**/*", new string('x', 5000), "nul", "CON",
        "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "-1", "NaN", "Infinity", "true", "null",
    ];

    private static readonly JsonNode?[] EdgeNumbers =
    [
        0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 9007199254740993L, 1e308, -1e308, 0.5, 1e-300,
    ];

    private TestManager _manager = null!;
    private string _agentToken = "";

    public async Task InitializeAsync()
    {
        _manager = await TestManager.StartAsync(
            "--rateLimits:requestsPerSecondPerCredential", "1000000", "--rateLimits:enrollmentsPerMinutePerAddress", "1000000",
            "--rateLimits:failedAuthPerMinutePerAddress", "1000000");
        (_, _agentToken) = await _manager.EnrollAsync("fz1");
    }

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency<JsonNode?>(
        (2, Gen.Const<JsonNode?>(() => null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (2, Gen.Int[0, EdgeNumbers.Length - 1].Select(i => EdgeNumbers[i]?.DeepClone())),
        (1, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (2, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))),
        (4, Gen.Int[0, HostileStrings.Length - 1].Select(i => (JsonNode?)JsonValue.Create(HostileStrings[i]))));

    private static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 3
        ? Scalar
        : Gen.Frequency<JsonNode?>(
            (6, Scalar),
            (1, inner.Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items]))),
            (1, Gen.Select(Gen.Int[0, HostileStrings.Length - 1].Array[0, 3], inner.Array[3], (keys, values) =>
            {
                var o = new JsonObject();
                for (var i = 0; i < keys.Length; i++)
                {
                    o[HostileStrings[keys[i]] + i] = values[i];
                }

                return (JsonNode?)o;
            }))));

    /// <summary>A valid body mutated field by field (replaced, removed, or kept), a random JSON value, or text that is not JSON.</summary>
    private static Gen<string> Body(JsonObject valid) => Gen.Frequency(
        (7, Gen.Select(Gen.UInt, Value.Array[valid.Count + 1], (mask, values) =>
        {
            var body = (JsonObject)valid.DeepClone();
            var i = 0;
            foreach (var key in valid.Select(p => p.Key).ToList())
            {
                switch ((mask >> (2 * i)) & 3)
                {
                    case 1:
                        body[key] = values[i];
                        break;
                    case 2:
                        body.Remove(key);
                        break;
                }

                i++;
            }

            if ((mask >> 30) == 3)
            {
                body["unexpected"] = values[valid.Count];
            }

            return body.ToJsonString();
        })),
        (2, Value.Select(v => v?.ToJsonString() ?? "null")),
        (1, Gen.String.Select(s => "{\"" + s)));

    private record Target(string Name, string Method, string Path, string Token, Gen<string> Bodies, string ContentType = "application/json");

    private IReadOnlyList<Target> Targets()
    {
        var admin = _manager.Admin.Token;
        var snapshot = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TestManager.Snapshot(1), MonitoringJsonContext.Default.MetricSnapshot))!.AsObject();
        var future = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        return
        [
            new("RegisterAgent", "POST", ApiRoutes.Register, _manager.EnrollmentToken,
                Body(new JsonObject { ["agentId"] = "fz2", ["intervalSeconds"] = 10, ["os"] = "linux", ["labels"] = new JsonObject { ["a"] = "b" },
                    ["commands"] = new JsonArray(new JsonObject { ["name"] = "x", ["arguments"] = new JsonArray(new JsonObject { ["name"] = "y" }) }) })),
            new("PostStatus", "POST", ApiRoutes.ForAgentStatus("fz1"), _agentToken, Body(snapshot)),
            new("PostAlerts", "POST", ApiRoutes.ForAgentAlerts("fz1"), _agentToken,
                Body(new JsonObject { ["fingerprint"] = "f", ["rule"] = "r", ["state"] = "firing", ["timestamp"] = future, ["message"] = "m", ["labels"] = new JsonObject { ["k"] = "v" } })
                    .Select(b => "[" + b + "]")),
            new("PostCommandResult", "POST", ApiRoutes.ForCommandResult("fz1", new string('1', 32)), _agentToken,
                Body(new JsonObject { ["success"] = true, ["result"] = new JsonObject(), ["error"] = "e" })),
            new("SendCommand", "POST", ApiRoutes.ForAgentCommands("fz1"), admin,
                Body(new JsonObject { ["name"] = "get_logs", ["arguments"] = new JsonObject { ["lines"] = 10 }, ["timeoutSeconds"] = 5, ["ttlSeconds"] = 60 })
                    .Select(NeverWait)),
            new("CreateFile", "POST", ApiRoutes.Files, admin, Body(new JsonObject { ["name"] = "f", ["size"] = 10, ["sha256"] = new string('a', 64), ["sourcePath"] = "/x" })),
            new("CreateSilence", "POST", ApiRoutes.Silences, admin, Body(new JsonObject { ["agent"] = "fz*", ["rule"] = "r", ["until"] = future, ["reason"] = "r" })),
            new("PutThresholds", "PUT", ApiRoutes.Thresholds, admin,
                Body(new JsonObject { ["thresholds"] = new JsonArray(new JsonObject { ["name"] = "n", ["metric"] = "cpu.percent", ["above"] = 90, ["for"] = "1m", ["severity"] = "critical" }) }),
                "application/yaml"),
            new("PutReceiver", "PUT", ApiRoutes.ForReceiver("fz-hook"), admin,
                Body(new JsonObject
                {
                    ["webhook"] = new JsonObject { ["url"] = "http://127.0.0.1:9/hook", ["signingKey"] = "k", ["headers"] = new JsonObject { ["Authorization"] = "Bearer t" } },
                    ["route"] = new JsonObject { ["severities"] = new JsonArray("critical"), ["agents"] = "fz*", ["groupBy"] = new JsonArray("rule"), ["groupWaitSeconds"] = 30 },
                })),
            new("SignIn", "POST", ApiRoutes.Session, admin, Body(new JsonObject { ["key"] = "mon_adm_not-a-key" })),
            new("CreateKey", "POST", ApiRoutes.Keys, admin, Body(new JsonObject { ["name"] = "k", ["role"] = "reader", ["expiresAt"] = future })),
            new("CreateEnrollmentToken", "POST", ApiRoutes.EnrollmentTokens, admin,
                Body(new JsonObject { ["name"] = "t", ["maxUses"] = 3, ["agentIdPattern"] = "fz-*", ["labels"] = new JsonObject { ["a"] = "b" }, ["requireApproval"] = true, ["expiresAt"] = future })),
        ];
    }

    /// <summary>An admin's command request waits for the agent unless told not to; the fuzz never waits.</summary>
    private static string NeverWait(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject o)
            {
                o["wait"] = false;
                return o.ToJsonString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return body;
    }

    [Fact]
    public void EveryRouteWithAJsonBody_IsFuzzed()
    {
        var bodied = Routes(_manager.Services).Where(r => r.Method is "POST" or "PUT").Select(r => r.Name).Except(NotJsonBodies).ToHashSet();

        Assert.Equal(bodied.Order(), Targets().Select(t => t.Name).Order());
    }

    [Fact]
    public async Task TenThousandGeneratedBodies_NeverGetA5xx_AndTheManagerStaysUp()
    {
        var seed = Environment.GetEnvironmentVariable("MONITORING_FUZZ_SEED") is { Length: > 0 } s ? ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : DefaultSeed;
        output.WriteLine($"Fuzz seed {seed} ({Cases} cases); replay with MONITORING_FUZZ_SEED={seed}.");
        var pcg = new PCG(1, seed);
        var targets = Targets();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var clients = targets.Select(t => t.Token).Distinct().ToDictionary(t => t, t => _manager.Http(t));
        try
        {
            for (var i = 0; i < Cases && failures.Count < 5; i++)
            {
                var target = targets[i % targets.Count];
                var body = target.Bodies.Generate(pcg, null, out _);
                using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Path)
                {
                    Content = new StringContent(body, Encoding.UTF8, target.ContentType),
                };
                HttpStatusCode status;
                try
                {
                    status = (await clients[target.Token].SendAsync(request)).StatusCode;
                }
                catch (HttpRequestException ex)
                {
                    failures.Add($"case {i} {target.Name}: connection failed ({ex.Message}) for body {Shorten(body)}");
                    continue;
                }

                statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
                if ((int)status >= 500)
                {
                    failures.Add($"case {i} {target.Name}: {(int)status} for body {Shorten(body)}");
                }
            }
        }
        finally
        {
            foreach (var c in clients.Values)
            {
                c.Dispose();
            }
        }

        output.WriteLine("Statuses: " + string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}")));
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures));
        Assert.True(statuses.Where(kv => kv.Key is >= 200 and < 300).Sum(kv => kv.Value) > 100, "too few bodies were accepted: the generator no longer reaches the handlers");
        using var health = _manager.Http(null);
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync(ApiRoutes.Health)).StatusCode);
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
