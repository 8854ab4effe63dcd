namespace Monitoring.Configuration;

/// <summary>
/// One setting a host understands, spelled once: its key in the YAML file (colon form, for example
/// <c>files:maxBytes</c>), what it does, its default as the help shows it, and its command-line switch (derived from
/// the key unless given). The environment variable is the host's prefix and the key with <c>__</c> for each colon.
/// </summary>
internal sealed class Setting
{
    public Setting(string key, string description, string? defaultText = null, string? @switch = null, bool isSection = false)
    {
        Key = key;
        Description = description;
        DefaultText = defaultText;
        Switch = @switch ?? (isSection ? null : "--" + Kebab(key));
        IsSection = isSection;
    }

    /// <summary>The key in colon form.</summary>
    public string Key { get; }

    /// <summary>What the setting does.</summary>
    public string Description { get; }

    /// <summary>The default, as the help shows it; null when there is none.</summary>
    public string? DefaultText { get; }

    /// <summary>The command-line switch, or null for a section (free-form keys under <see cref="Key"/>, YAML and environment only).</summary>
    public string? Switch { get; }

    /// <summary>True for a section such as <c>labels</c> whose keys are free-form.</summary>
    public bool IsSection { get; }

    /// <summary>The environment variable for this setting under <paramref name="prefix"/>.</summary>
    public string EnvironmentVariable(string prefix) =>
        prefix + Key.Replace(":", "__").ToUpperInvariant() + (IsSection ? "__*" : "");

    /// <summary>True when <paramref name="key"/> (colon form) is this setting, an item of this list or a key of this section.</summary>
    public bool Covers(string key) =>
        key.Equals(Key, StringComparison.OrdinalIgnoreCase)
        || (key.StartsWith(Key + ":", StringComparison.OrdinalIgnoreCase)
            && (IsSection || IsIndex(key.Substring(Key.Length + 1))));

    private static bool IsIndex(string rest)
    {
        foreach (var c in rest)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return rest.Length > 0;
    }

    /// <summary><c>rateLimits:requestsPerSecond</c> → <c>rate-limits-requests-per-second</c>.</summary>
    internal static string Kebab(string key)
    {
        var text = new System.Text.StringBuilder(key.Length + 8);
        foreach (var c in key)
        {
            if (c == ':')
            {
                text.Append('-');
            }
            else if (char.IsUpper(c))
            {
                if (text.Length > 0 && text[text.Length - 1] != '-')
                {
                    text.Append('-');
                }

                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
