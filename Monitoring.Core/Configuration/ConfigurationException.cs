namespace Monitoring.Configuration;

/// <summary>A configuration file or value is wrong; the message names the file, line, column and key.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="file">The file, when the value came from one.</param>
    /// <param name="key">The key, in colon form such as <c>manager:url</c>.</param>
    /// <param name="line">The 1-based line, when known.</param>
    /// <param name="column">The 1-based column, when known.</param>
    /// <param name="inner">The parser's own exception, if any.</param>
    public ConfigurationException(string message, string? file = null, string? key = null, int? line = null, int? column = null, Exception? inner = null)
        : base(Format(message, file, key, line, column), inner)
    {
        File = file;
        Key = key;
        Line = line;
        Column = column;
    }

    /// <summary>The file, when the value came from one.</summary>
    public string? File { get; }

    /// <summary>The key in colon form.</summary>
    public string? Key { get; }

    /// <summary>The 1-based line.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column.</summary>
    public int? Column { get; }

    private static string Format(string message, string? file, string? key, int? line, int? column)
    {
        var where = file ?? "";
        if (line is not null)
        {
            where += $"({line},{column ?? 1})";
        }

        if (key is not null)
        {
            where += (where.Length > 0 ? " " : "") + $"key '{key}'";
        }

        return where.Length == 0 ? message : where + ": " + message;
    }
}
