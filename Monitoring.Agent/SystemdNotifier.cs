using System.Net.Sockets;
using System.Text;

namespace Monitoring.AgentHost;

/// <summary>
/// Tells systemd how the service is doing (<c>Type=notify</c>): <c>READY=1</c> once the agent runs and
/// <c>STOPPING=1</c> when it shuts down, sent as datagrams to <c>$NOTIFY_SOCKET</c>. Does nothing outside systemd.
/// </summary>
internal sealed class SystemdNotifier
{
    private readonly string? _socketPath;

    public SystemdNotifier(string? socketPath)
    {
        // An abstract socket is written with a leading '@'; on the wire its name starts with a NUL.
        _socketPath = string.IsNullOrEmpty(socketPath) ? null : socketPath![0] == '@' ? "\0" + socketPath.Substring(1) : socketPath;
    }

    /// <summary>A notifier for the socket systemd passed in the environment, if any.</summary>
    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    /// <summary>Whether systemd is listening.</summary>
    public bool IsEnabled => _socketPath is not null;

    /// <summary>Sends one state line such as <c>READY=1</c>; a failure to reach systemd is not the agent's failure.</summary>
    public void Notify(string state)
    {
        if (_socketPath is null)
        {
            return;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(_socketPath));
        }
        catch (SocketException)
        {
        }
    }
}
