namespace Monitoring.Agent;

/// <summary>The rule for agent ids, shared by agents and the manager.</summary>
public static class AgentIds
{
    /// <summary>The longest id allowed.</summary>
    public const int MaxLength = 128;

    /// <summary>True for 1 to 128 letters, digits, '.', '_' or '-' that start with a letter or digit.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id!.Length > MaxLength || !char.IsLetterOrDigit(id[0]) || id[0] > 127)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c > 127 || !(char.IsLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Turns a host name into a valid id (invalid characters become '-').</summary>
    public static string FromHostName(string host)
    {
        var chars = host.Select(c => c <= 127 && (char.IsLetterOrDigit(c) || c is '.' or '_' or '-') ? c : '-').ToArray();
        var id = new string(chars).TrimStart('.', '_', '-');
        if (id.Length > MaxLength)
        {
            id = id.Substring(0, MaxLength);
        }

        return id.Length == 0 ? "agent" : id;
    }
}
