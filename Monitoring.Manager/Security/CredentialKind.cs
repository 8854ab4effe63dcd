namespace Monitoring.Manager.Security;

/// <summary>The two kinds of credential the manager issues besides agent tokens.</summary>
internal enum CredentialKind
{
    /// <summary>An admin key with a role.</summary>
    Key,

    /// <summary>A token agents enroll with.</summary>
    Enrollment,
}
