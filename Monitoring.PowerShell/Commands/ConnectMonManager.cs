using System.Management.Automation;
using System.Security;
using Monitoring.Client;

namespace Monitoring.PowerShell.Commands;

/// <summary>Connect-MonManager: connects the session to a manager.</summary>
[Cmdlet(VerbsCommunications.Connect, "MonManager", DefaultParameterSetName = UriSet)]
[OutputType(typeof(MonManagerConnection))]
public sealed class ConnectMonManagerCommand : MonCmdlet
{
    private const string UriSet = "Uri";
    private const string CredentialSet = "Credential";
    private const string FileSet = "ConnectionFile";

    /// <summary>The manager's URL.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CredentialSet)]
    public Uri Uri { get; set; } = null!;

    /// <summary>The admin key's token as a SecureString (Read-Host -AsSecureString), so it stays out of the command history.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UriSet)]
    public SecureString Token { get; set; } = null!;

    /// <summary>The admin key as a credential whose password is the token (Get-Credential, or a SecretManagement vault); the user name is ignored.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Credential]
    public PSCredential Credential { get; set; } = null!;

    /// <summary>The SHA-256 pin of the manager's public key (or of its certificate) to trust.</summary>
    [Parameter(ParameterSetName = UriSet)]
    [Parameter(ParameterSetName = CredentialSet)]
    public string? CertificateThumbprint { get; set; }

    /// <summary>The manager's admin.json.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string ConnectionFile { get; set; } = "";

    /// <summary>Allow plain HTTP to an address that is not loopback.</summary>
    [Parameter]
    public SwitchParameter AllowUnencrypted { get; set; }

    /// <summary>Also output the connection.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ManagerConnectionOptions options;
        try
        {
            options = ParameterSetName == FileSet
                ? ManagerConnectionOptions.FromConnectionFile(GetUnresolvedProviderPathFromPSPath(ConnectionFile))
                : new ManagerConnectionOptions
                {
                    BaseAddress = Uri,
                    Token = SecureText.Plain(ParameterSetName == CredentialSet ? Credential.Password : Token),
                    CertificateThumbprint = CertificateThumbprint,
                };
        }
        catch (MonitoringApiException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "Monitoring.ConnectionFile", ErrorCategory.ReadError, ConnectionFile)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Copy admin.json from the manager's data directory." },
            });
            return;
        }

        if (options.IsUnencryptedRemote && !AllowUnencrypted)
        {
            var ex = new InvalidOperationException(
                $"{options.BaseAddress} is plain HTTP to a remote address: the token would cross the network unencrypted. Use https://, or pass -AllowUnencrypted if a trusted network makes that acceptable.");
            ThrowTerminatingError(new ErrorRecord(ex, "Monitoring.Unencrypted", ErrorCategory.SecurityError, options.BaseAddress)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Use https://, or pass -AllowUnencrypted." },
            });
        }

        options.AllowUnencryptedRemote = AllowUnencrypted;
        var client = new ManagerClient(options);
        try
        {
            // Checks the address, certificate and token now rather than at the first real command.
            Run(ct => client.GetAgentsAsync(ct));
        }
        catch (MonitoringApiException ex)
        {
            client.Dispose();
            ThrowTerminatingError(ToErrorRecord(ex, options.BaseAddress));
        }

        var connection = new MonManagerConnection(client);
        MonitoringSession.Current?.Dispose();
        MonitoringSession.Current = connection;
        WriteVerbose($"Connected to {connection.Uri}");
        if (PassThru)
        {
            WriteObject(connection);
        }
    }
}
