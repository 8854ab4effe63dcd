namespace Monitoring.Manager.Security;

/// <summary>Who a bearer token speaks for, and the authorization policies built on that.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Agent = "agent";
    public const string Enrollment = "enrollment";

    public const string AdminPolicy = "admin";
    public const string AgentPolicy = "agent";
    public const string RegisterPolicy = "register";
}
