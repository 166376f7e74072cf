using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Inventory.Api.Notifications;

/// <summary>Sends one group of notifications as one message; throws when it could not (the outbox retries).</summary>
public interface INotificationSender
{
    string Channel { get; }
    Task SendAsync(DeliveryGroup group, CancellationToken ct);
}

/// <summary>Mail through any SMTP relay (MailKit). The Message-Id names the deliveries: a retried message is recognisably the same.</summary>
public sealed class EmailSender(IOptions<NotificationOptions> options) : INotificationSender
{
    public string Channel => "email";

    public async Task SendAsync(DeliveryGroup group, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.Enabled) throw new InvalidOperationException("no SMTP relay is configured (Notifications__Smtp__Host)");
        var (subject, body) = NotificationText.Digest(group.Deliveries.Select(d => (d.Subject, d.Body)).ToList());
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = body } };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(group.Destination));
        message.MessageId = $"frigo-{group.Deliveries[0].Id}-{group.Deliveries[^1].Id}@frigo-coop";

        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        }, ct);
        if (!string.IsNullOrEmpty(smtp.Username)) await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>
/// A JSON POST a chat tool can take, signed with the subscription's secret:
/// <c>X-Frigo-Signature: sha256=hex(HMAC-SHA256(secret, body))</c>; <c>X-Frigo-Delivery</c> names the
/// deliveries so that a receiver can drop a retry it already took. A 4xx answer is a refusal.
/// </summary>
public sealed class WebhookSender(HttpClient http, Subscriptions subscriptions) : INotificationSender
{
    public const string SignatureHeader = "X-Frigo-Signature";
    public const string DeliveryHeader = "X-Frigo-Delivery";

    public string Channel => "webhook";

    public async Task SendAsync(DeliveryGroup group, CancellationToken ct)
    {
        var secret = await subscriptions.WebhookSecretAsync(group.UserId, ct) ?? throw new WebhookRefusedException("the webhook was removed");
        var delivery = $"frigo-{group.Deliveries[0].Id}-{group.Deliveries[^1].Id}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            delivery,
            // Slack, Mattermost and Rocket.Chat show "text" as it is.
            text = string.Join("\n\n", group.Deliveries.Select(d => $"*{d.Subject}*\n{d.Body}")),
            notifications = group.Deliveries.Select(d => new { id = d.Id, subject = d.Subject, text = d.Body }),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, group.Destination) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        request.Headers.Add(DeliveryHeader, delivery);
        using var response = await http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var message = $"the webhook answered {status} {response.ReasonPhrase}";
        // 408 and 429 are "later"; any other 4xx (and a redirect, which is not followed) is a refusal.
        if (status is >= 300 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
            throw new WebhookRefusedException(message);
        throw new HttpRequestException(message);
    }
}
