using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// Sends notification emails through the receiver's SMTP server with MailKit: STARTTLS (required, not
/// opportunistic), implicit TLS or none; authentication when a user is set; a certificate pin for servers whose
/// certificate no public authority signed.
/// </summary>
internal sealed class EmailSender
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Sends the message; returns the server's reply, or throws <see cref="NotificationDeliveryException"/>.</summary>
    public async Task<string> SendAsync(EmailReceiver email, MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        var pin = email.CertificateThumbprint?.Replace(":", "").ToUpperInvariant();
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None
            || (pin is not null && certificate is not null
                && Monitoring.Internal.CertificatePins.Matches(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), pin));
        var port = email.Port ?? email.Security switch { SmtpSecurity.Tls => 465, SmtpSecurity.None => 25, _ => 587 };
        var security = email.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await client.ConnectAsync(email.Host, port, security, ct);
            if (email.Username is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, email.Password ?? "", ct);
            }

            var reply = await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
            return ("SMTP 250 " + reply).Trim();
        }
        catch (SmtpCommandException ex)
        {
            throw new NotificationDeliveryException($"SMTP {(int)ex.StatusCode} from {email.Host}:{port}: {ex.Message}", ex);
        }
        catch (AuthenticationException ex)
        {
            throw new NotificationDeliveryException($"{email.Host}:{port} refused the user name or password: {ex.Message}", ex);
        }
        catch (SslHandshakeException ex)
        {
            throw new NotificationDeliveryException(
                $"TLS with {email.Host}:{port} failed: {ex.Message.Split('\n')[0].Trim()} Check the receiver's security (starttls for port 587, tls for 465) and, for a self-signed server certificate, its certificateThumbprint.", ex);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or System.Net.Sockets.SocketException or NotSupportedException)
        {
            throw new NotificationDeliveryException($"cannot send through {email.Host}:{port}: {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new NotificationDeliveryException($"{email.Host}:{port} did not answer within {Timeout.TotalSeconds:0} s.", ex);
        }
    }
}
