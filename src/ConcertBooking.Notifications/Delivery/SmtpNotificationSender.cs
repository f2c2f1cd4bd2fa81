using System.Globalization;
using ConcertBooking.Notifications.Persistence;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;

namespace ConcertBooking.Notifications.Delivery;

/// <summary>
/// Mails notifications with MailKit. Scoped to one batch: the batch's mails share one SMTP session, which is
/// closed with QUIT when the batch is done. Registered only when <see cref="SmtpOptions.Host"/> is set, and startup
/// validation ensures <see cref="SmtpOptions.From"/> then is an address.
/// </summary>
internal sealed partial class SmtpNotificationSender(IOptions<SmtpOptions> options, ILogger<SmtpNotificationSender> logger)
    : INotificationSender, IAsyncDisposable
{
    private SmtpClient? _client;

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            var client = await ConnectedClientAsync(settings, cancellationToken);
            await client.SendAsync(ToMessage(notification, settings), cancellationToken);
        }
        catch
        {
            // After a failure the session's state is unknown; the next attempt starts a new one.
            Drop();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true } client)
        {
            try
            {
                await client.DisconnectAsync(quit: true);
            }
            catch (Exception ex)
            {
                // The mails were accepted before QUIT; a server that drops the line at the end loses nothing.
                LogQuitFailed(ex, options.Value.Host);
            }
        }

        Drop();
    }

    private async Task<SmtpClient> ConnectedClientAsync(SmtpOptions settings, CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }

        Drop();
        _client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await _client.ConnectAsync(settings.Host!, settings.Port, settings.Tls, cancellationToken);
        if (!string.IsNullOrEmpty(settings.User))
        {
            await _client.AuthenticateAsync(settings.User, settings.Password ?? string.Empty, cancellationToken);
        }

        return _client;
    }

    private static MimeMessage ToMessage(Notification notification, SmtpOptions settings)
    {
        var from = MailboxAddress.Parse(settings.From!);
        var message = new MimeMessage
        {
            Date = notification.CreatedAt,
            Subject = notification.Subject,
            Body = new TextPart(TextFormat.Plain) { Text = notification.Body },

            // Stable per notification: should the process die between the server's acceptance and our record of
            // it, the copy sent again carries the same Message-ID, by which mail systems recognise the duplicate.
            MessageId = string.Create(CultureInfo.InvariantCulture, $"notification-{notification.Id}@{from.Domain}"),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(notification.Email));
        return message;
    }

    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the SMTP session with {Host} failed")]
    private partial void LogQuitFailed(Exception exception, string? host);
}
