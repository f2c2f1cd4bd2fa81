using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace ConcertBooking.Notifications;

/// <summary>Mail delivery, on when <see cref="Host"/> is set; without it notifications are stored and logged only.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Notifications:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>The sender address, e.g. <c>ConcertBooking &lt;tickets@example.com&gt;</c>; required with a host.</summary>
    public string? From { get; set; }

    /// <summary>Authenticates when set.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>MailKit's choices: None, Auto (TLS on 465, STARTTLS when offered elsewhere), SslOnConnect, StartTls,
    /// StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Tls { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Per SMTP operation, so a server that stops answering fails the attempt instead of stalling the group.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How old an undelivered notification must be before the redelivery sweep sends it: well past the
    /// time the consumer group takes to send it itself, retries included, so the two do not both send it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the redelivery sweep looks.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RedeliveryInterval { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
