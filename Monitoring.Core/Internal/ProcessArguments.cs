using System.Diagnostics;
using System.Text;

namespace Monitoring.Internal;

/// <summary>Passes arguments to a child process one by one, never through a shell.</summary>
internal static class ProcessArguments
{
    public static ProcessStartInfo Create(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false };
#if NET
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }
#else
        info.Arguments = string.Join(" ", arguments.Select(Quote));
#endif
        return info;
    }

#if !NET
    // The quoting .NET's own ArgumentList uses (CommandLineToArgvW rules), for netstandard2.0.
    private static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.IndexOfAny([' ', '\t', '\n', '"']) < 0)
        {
            return arg;
        }

        var sb = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in arg)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            sb.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            sb.Append(c);
        }

        return sb.Append('\\', backslashes * 2).Append('"').ToString();
    }
#endif
}
