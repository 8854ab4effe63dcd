using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Monitoring.Configuration;

/// <summary>
/// Loads YAML only after a flat pass over its events has shown it is small, shallow and free of aliases: building
/// the node tree recurses once per level (a deep document would overflow the stack and kill the process), and
/// aliases can expand exponentially when the tree is walked.
/// </summary>
internal static class YamlGuard
{
    /// <summary>The largest YAML text accepted, in characters.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>The deepest nesting of mappings and lists accepted.</summary>
    public const int MaxDepth = 32;

    /// <exception cref="ConfigurationException">The text is too large, too deep, uses aliases, or is not valid YAML; the message says where.</exception>
    public static YamlStream Load(string text, string? file)
    {
        if (text.Length > MaxLength)
        {
            throw new ConfigurationException($"the YAML is {text.Length} characters; at most {MaxLength} are accepted.", file);
        }

        try
        {
            var parser = new Parser(new StringReader(text));
            var depth = 0;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        throw new ConfigurationException(
                            $"the YAML nests deeper than {MaxDepth} levels; flatten it.", file,
                            line: (int)parser.Current.Start.Line, column: (int)parser.Current.Start.Column);
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case AnchorAlias alias:
                        throw new ConfigurationException(
                            "YAML aliases (*name) are not accepted here; write the value out.", file,
                            line: (int)alias.Start.Line, column: (int)alias.Start.Column);
                }
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream;
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException(
                $"invalid YAML: {ex.InnerException?.Message ?? ex.Message}", file, line: (int)ex.Start.Line, column: (int)ex.Start.Column, inner: ex);
        }
    }
}
