using Inventory.Api.Infrastructure;
using MimeKit;

namespace Inventory.Api.Notifications;

/// <summary>What a person asks to be told and where (one per person). Quiet hours are local time, both or neither.</summary>
public sealed record SubscriptionChange(string? Email, string? WebhookUrl, bool? Alerts, bool? LowStock, TimeOnly? QuietFrom, TimeOnly? QuietTo) : IValidatable
{
    public const int MaxLength = 300;

    public void Validate(Validator v) => v
        .Require(Email is null || IsMailAddress(Email), "email", "must be a mail address like nom@brasserie.ca")
        .Require(WebhookUrl is null || IsWebhook(WebhookUrl), "webhookUrl", $"must be an http or https address (at most {MaxLength} characters)")
        .Require(QuietFrom is null == QuietTo is null, "quietTo", "quiet hours need a start and an end");

    /// <summary>One plain address: no display name, no list, a domain with a dot (what MailKit would send to).</summary>
    public static bool IsMailAddress(string text) =>
        text.Length <= MaxLength && MailboxAddress.TryParse(text, out var address) && string.IsNullOrEmpty(address.Name)
        && address.Address == text.Trim() && address.Domain.Contains('.', StringComparison.Ordinal) && !address.Domain.EndsWith('.');

    private static bool IsWebhook(string text) =>
        text.Length <= MaxLength && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo);
}

/// <summary>A person's subscription as they see it: the webhook's signing secret is theirs to copy into the receiving tool.</summary>
/// <remarks><c>EmailVerified</c>: nothing is sent to the address but its confirmation mail until its link is followed.</remarks>
public sealed record SubscriptionView(string? Email, bool EmailVerified, string? WebhookUrl, string? WebhookSecret, string? WebhookDisabledReason, bool Alerts, bool LowStock,
    TimeOnly? QuietFrom, TimeOnly? QuietTo, IReadOnlyList<DeliveryView> Recent);

/// <summary>The code of a confirmation mail, as its link or the person types it.</summary>
public sealed record EmailVerification(string? Token) : IValidatable
{
    public void Validate(Validator v) => v.Require(Token is { Length: 64 } && Token.All(char.IsAsciiHexDigitLower), "token", "must be the 64-character code of a confirmation mail");
}

/// <summary>A notification sent (or waiting, or given up) to the person.</summary>
public sealed record DeliveryView(long Id, string Channel, string Subject, DateTimeOffset DueAt, DateTimeOffset? SentAt, int Attempts, string? LastError, string? AbandonedReason);
