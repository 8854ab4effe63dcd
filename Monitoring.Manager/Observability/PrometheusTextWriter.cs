using System.Globalization;

namespace Monitoring.Manager.Observability;

/// <summary>
/// Writes metric families in the Prometheus text exposition format (version 0.0.4): a <c># HELP</c> and <c># TYPE</c>
/// line per family, then its samples, label values escaped (backslash, double quote, line feed) so an agent-supplied
/// mount or interface name can never break a line. Text collects in memory until <see cref="FlushToAsync"/>.
/// </summary>
internal sealed class PrometheusTextWriter : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly StreamWriter writer;

    public PrometheusTextWriter() => writer = new StreamWriter(_buffer, new System.Text.UTF8Encoding(false), 1 << 16);

    /// <summary>Sends what was written so far to <paramref name="target"/> (asynchronously: Kestrel allows no blocking writes) and starts over.</summary>
    public async Task FlushToAsync(Stream target, CancellationToken ct)
    {
        writer.Flush();
        _buffer.Position = 0;
        await _buffer.CopyToAsync(target, ct);
        _buffer.SetLength(0);
    }

    public void Dispose()
    {
        writer.Dispose();
        _buffer.Dispose();
    }

    public void Family(string name, string type, string help)
    {
        writer.Write("# HELP ");
        writer.Write(name);
        writer.Write(' ');
        writer.Write(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
        writer.Write("\n# TYPE ");
        writer.Write(name);
        writer.Write(' ');
        writer.Write(type);
        writer.Write('\n');
    }

    /// <summary>One sample of <paramref name="name"/> with the given label pairs (names are ours, values anyone's).</summary>
    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        writer.Write(name);
        if (labels.Length > 0)
        {
            writer.Write('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    writer.Write(',');
                }

                writer.Write(labels[i].Name);
                writer.Write("=\"");
                WriteEscaped(labels[i].Value);
                writer.Write('"');
            }

            writer.Write('}');
        }

        writer.Write(' ');
        writer.Write(Format(value));
        writer.Write('\n');
    }

    private void WriteEscaped(string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    writer.Write("\\\\");
                    break;
                case '"':
                    writer.Write("\\\"");
                    break;
                case '\n':
                    writer.Write("\\n");
                    break;
                default:
                    writer.Write(c);
                    break;
            }
        }
    }

    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
