using Microsoft.Extensions.Options;
using MimeKit;

namespace Inventory.Api.Notifications;

/// <summary>How people are told (section <c>Notifications</c>), validated at start.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The SMTP relay mail goes through; no host: no mail is sent (webhooks still are).</summary>
    public SmtpSettings Smtp { get; set; } = new();
    /// <summary>How long the first notification for a person waits for others: one mail rather than forty when a festival's power goes out.</summary>
    public TimeSpan DigestWindow { get; set; } = TimeSpan.FromMinutes(3);
    /// <summary>
    /// An <c>offline</c> alert is told only once it has lasted this long: a restart of the broker or of a
    /// fleet's simulator takes every device offline for seconds, which is nobody's business.
    /// </summary>
    public TimeSpan OfflineGrace { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>An alert nobody acknowledged within this time goes to the lead.</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>A webhook answering 4xx this many times in a row is disabled, with the reason shown to its owner.</summary>
    public int WebhookRefusalsBeforeDisabling { get; set; } = 3;
    /// <summary>Attempts before a delivery is given up (retries back off from 5 s to an hour: about a day and a half).</summary>
    public int MaxAttempts { get; set; } = 40;
    /// <summary>The zone quiet hours are read in.</summary>
    public string TimeZone { get; set; } = "America/Toronto";
    /// <summary>Webhooks to loopback and private networks (a local receiver, the tests); never in production.</summary>
    public bool AllowPrivateWebhooks { get; set; }
    /// <summary>
    /// Confirmation mails one person may have sent a day: a new address gets one, and a person typing other people's
    /// addresses must not be able to mail them at will.
    /// </summary>
    public int ConfirmationMailsPerDay { get; set; } = 3;
    /// <summary>The dashboard's address, for links in the messages (none: no links).</summary>
    public string? DashboardUrl { get; set; }

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>none, starttls (upgrade required), tls (TLS from the start) or auto (STARTTLS when offered).</summary>
    public string Security { get; set; } = "auto";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Frigo COOP <frigo-coop@localhost>";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions o)
    {
        var errors = new List<string>();
        if (o.Smtp.Enabled)
        {
            if (o.Smtp.Port is < 1 or > 65535) errors.Add("Notifications__Smtp__Port must be 1..65535");
            if (o.Smtp.Security is not ("none" or "starttls" or "tls" or "auto")) errors.Add("Notifications__Smtp__Security must be none, starttls, tls or auto");
            if (!MailboxAddress.TryParse(o.Smtp.From, out _)) errors.Add($"Notifications__Smtp__From is not a mail address: '{o.Smtp.From}'");
            if (string.IsNullOrEmpty(o.Smtp.Username) != string.IsNullOrEmpty(o.Smtp.Password)) errors.Add("Notifications__Smtp__Username and __Password go together");
        }
        if (o.DigestWindow < TimeSpan.Zero || o.DigestWindow > TimeSpan.FromHours(1)) errors.Add("Notifications__DigestWindow must be within 0..01:00:00");
        if (o.OfflineGrace < TimeSpan.Zero || o.OfflineGrace > TimeSpan.FromHours(1)) errors.Add("Notifications__OfflineGrace must be within 0..01:00:00");
        if (o.EscalateAfter < TimeSpan.FromMinutes(1) || o.EscalateAfter > TimeSpan.FromDays(7)) errors.Add("Notifications__EscalateAfter must be within 00:01:00..7.00:00:00");
        if (o.PollEvery < TimeSpan.FromMilliseconds(100) || o.PollEvery > TimeSpan.FromMinutes(1)) errors.Add("Notifications__PollEvery must be within 00:00:00.1..00:01:00");
        if (o.WebhookRefusalsBeforeDisabling < 1) errors.Add("Notifications__WebhookRefusalsBeforeDisabling must be >= 1");
        if (o.MaxAttempts < 1) errors.Add("Notifications__MaxAttempts must be >= 1");
        try { _ = o.Zone; }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { errors.Add($"Notifications__TimeZone is not a known zone: '{o.TimeZone}'"); }
        if (o.ConfirmationMailsPerDay is < 1 or > 1000) errors.Add("Notifications__ConfirmationMailsPerDay must be 1..1000");
        if (o.DashboardUrl is not null && !Uri.TryCreate(o.DashboardUrl, UriKind.Absolute, out _)) errors.Add("Notifications__DashboardUrl must be an absolute URL");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
