namespace Monitoring.Protocol;

/// <summary>The v1 routes of the manager's HTTP API, shared by the manager and every client.</summary>
public static class ApiRoutes
{
    /// <summary>The version segment every v1 route starts with.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>Anonymous readiness probe: 200 once the manager is ready.</summary>
    public const string Health = "/healthz";

    /// <summary>POST: enroll an agent or refresh its registration.</summary>
    public const string Register = Prefix + "/agents/register";

    /// <summary>GET: every agent with its latest snapshot.</summary>
    public const string Agents = Prefix + "/agents";

    /// <summary>GET one agent; DELETE revokes it. Template parameter: <c>id</c>.</summary>
    public const string Agent = Prefix + "/agents/{id}";

    /// <summary>POST (admins): revoke an agent's token and let its id enroll once more. Template parameter: <c>id</c>.</summary>
    public const string AgentReset = Prefix + "/agents/{id}/reset";

    /// <summary>POST (admins): approve an agent that enrolled with a token that needs approval. Template parameter: <c>id</c>.</summary>
    public const string AgentApprove = Prefix + "/agents/{id}/approve";

    /// <summary>GET (admins): the admin keys; POST creates one.</summary>
    public const string Keys = Prefix + "/keys";

    /// <summary>DELETE (admins): revoke an admin key. Template parameter: <c>keyId</c>.</summary>
    public const string Key = Prefix + "/keys/{keyId}";

    /// <summary>GET (admins): the enrollment tokens; POST creates one.</summary>
    public const string EnrollmentTokens = Prefix + "/enrollment-tokens";

    /// <summary>DELETE (admins): revoke an enrollment token. Template parameter: <c>tokenId</c>.</summary>
    public const string EnrollmentToken = Prefix + "/enrollment-tokens/{tokenId}";

    /// <summary>POST a snapshot or a batch (agents); GET the history (admins). Template parameter: <c>id</c>.</summary>
    public const string AgentStatus = Prefix + "/agents/{id}/status";

    /// <summary>GET (readers): an agent's metrics over a range from the fitting tier. Query: <c>from</c>, <c>to</c>, <c>step</c> (raw, 1m, 1h, auto).</summary>
    public const string AgentSeries = Prefix + "/agents/{id}/series";

    /// <summary>POST alert transitions (agents). Template parameter: <c>id</c>.</summary>
    public const string AgentAlerts = Prefix + "/agents/{id}/alerts";

    /// <summary>GET alert transitions across the fleet (admins).</summary>
    public const string Alerts = Prefix + "/alerts";

    /// <summary>POST: acknowledge an alert (admins). Template parameter: <c>alertId</c>.</summary>
    public const string AcknowledgeAlert = Prefix + "/alerts/{alertId}/acknowledge";

    /// <summary>GET or POST silences (admins).</summary>
    public const string Silences = Prefix + "/silences";

    /// <summary>DELETE a silence (admins). Template parameter: <c>silenceId</c>.</summary>
    public const string Silence = Prefix + "/silences/{silenceId}";

    /// <summary>GET the central threshold rules (admins, agents); PUT new YAML (admins).</summary>
    public const string Thresholds = Prefix + "/thresholds";

    /// <summary>POST a command for the agent (admins); GET its command history. Template parameter: <c>id</c>.</summary>
    public const string AgentCommands = Prefix + "/agents/{id}/commands";

    /// <summary>GET (agents): long-poll for the next command. Query: <c>wait</c> seconds, <c>running</c> ids.</summary>
    public const string NextCommand = Prefix + "/agents/{id}/commands/next";

    /// <summary>
    /// How long a long-poll waits when it names no <c>wait</c>, and the agent's default: under the 60 s idle limit
    /// of common proxies and load balancers, and long enough that renewing ten thousand agents' polls stays cheap.
    /// </summary>
    public const int DefaultPollWaitSeconds = 50;

    /// <summary>The longest <c>wait</c> a long-poll may ask for.</summary>
    public const int MaxPollWaitSeconds = 60;

    /// <summary>
    /// GET (agents): the command stream, one request held for minutes that carries each command as it is queued
    /// (NDJSON: one <c>CommandDelivery</c> per line, an empty line as a heartbeat). Query: <c>running</c> ids.
    /// </summary>
    public const string CommandStream = Prefix + "/agents/{id}/commands/stream";

    /// <summary>The longest a manager leaves a command stream without a line: a client hearing nothing for twice that takes the connection for lost.</summary>
    public const int MaxStreamHeartbeatSeconds = 30;

    /// <summary>POST (agents): the result of a command. Template parameters: <c>id</c>, <c>commandId</c>.</summary>
    public const string CommandResult = Prefix + "/agents/{id}/commands/{commandId}/result";

    /// <summary>GET one command's record (admins). Template parameter: <c>commandId</c>.</summary>
    public const string Command = Prefix + "/commands/{commandId}";

    /// <summary>POST (admins, agents): announce an upload; GET (admins): the file store.</summary>
    public const string Files = Prefix + "/files";

    /// <summary>GET one file's record; DELETE it (admins). Template parameter: <c>fileId</c>.</summary>
    public const string File = Prefix + "/files/{fileId}";

    /// <summary>PUT bytes with Content-Range (the uploader); GET them, with Range (admins, the agent it is for).</summary>
    public const string FileContent = Prefix + "/files/{fileId}/content";

    /// <summary>GET the newest commands across the fleet (the audit trail of every agent), newest first.</summary>
    public const string Commands = Prefix + "/commands";

    /// <summary>POST a key to sign in to the dashboard (a session cookie); GET the session; DELETE it to sign out.</summary>
    public const string Session = Prefix + "/session";

    /// <summary>GET every agent's summary (the dashboard's fleet view).</summary>
    public const string Fleet = Prefix + "/fleet";

    /// <summary>GET: Server-Sent Events of agents' summaries as their reports arrive.</summary>
    public const string Events = Prefix + "/events";

    /// <summary>GET the notification receivers with their delivery state (readers).</summary>
    public const string Receivers = Prefix + "/receivers";

    /// <summary>GET one receiver (readers); PUT creates or replaces it, DELETE removes it (admins). Template parameter: <c>name</c>.</summary>
    public const string Receiver = Prefix + "/receivers/{name}";

    /// <summary>POST (admins): send the receiver a test notification now, once. Template parameter: <c>name</c>.</summary>
    public const string ReceiverTest = Prefix + "/receivers/{name}/test";

    /// <summary>GET the notification outbox, newest first, with every delivery attempt. Query: <c>receiver</c>, <c>status</c>, <c>limit</c>.</summary>
    public const string Notifications = Prefix + "/notifications";

    /// <summary>The path of one receiver.</summary>
    public static string ForReceiver(string name) => Receivers + "/" + Uri.EscapeDataString(name);

    /// <summary>The path of one stored file.</summary>
    public static string ForFile(string fileId) => Files + "/" + Uri.EscapeDataString(fileId);

    /// <summary>The content path of one stored file.</summary>
    public static string ForFileContent(string fileId) => ForFile(fileId) + "/content";

    /// <summary>The commands path of one agent.</summary>
    public static string ForAgentCommands(string id) => ForAgent(id) + "/commands";

    /// <summary>The long-poll path of one agent.</summary>
    public static string ForNextCommand(string id) => ForAgentCommands(id) + "/next";

    /// <summary>The command stream path of one agent.</summary>
    public static string ForCommandStream(string id) => ForAgentCommands(id) + "/stream";

    /// <summary>The result path of one command.</summary>
    public static string ForCommandResult(string id, string commandId) => ForAgentCommands(id) + "/" + Uri.EscapeDataString(commandId) + "/result";

    /// <summary>The path of one command's record.</summary>
    public static string ForCommand(string commandId) => Prefix + "/commands/" + Uri.EscapeDataString(commandId);

    /// <summary>The path of one agent.</summary>
    public static string ForAgent(string id) => Prefix + "/agents/" + Uri.EscapeDataString(id);

    /// <summary>The reset path of one agent.</summary>
    public static string ForAgentReset(string id) => ForAgent(id) + "/reset";

    /// <summary>The approval path of one agent.</summary>
    public static string ForAgentApprove(string id) => ForAgent(id) + "/approve";

    /// <summary>The path of one admin key.</summary>
    public static string ForKey(string keyId) => Keys + "/" + Uri.EscapeDataString(keyId);

    /// <summary>The path of one enrollment token.</summary>
    public static string ForEnrollmentToken(string tokenId) => EnrollmentTokens + "/" + Uri.EscapeDataString(tokenId);

    /// <summary>The status path of one agent.</summary>
    public static string ForAgentStatus(string id) => ForAgent(id) + "/status";

    /// <summary>The series path of one agent.</summary>
    public static string ForAgentSeries(string id) => ForAgent(id) + "/series";

    /// <summary>The alerts path of one agent.</summary>
    public static string ForAgentAlerts(string id) => ForAgent(id) + "/alerts";
}
