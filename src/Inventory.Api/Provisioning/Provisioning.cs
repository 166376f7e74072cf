namespace Inventory.Api.Provisioning;

/// <summary>What a device needs to connect, shown once: the broker keeps only the password's hash.</summary>
public sealed record DeviceCredentials(string DeviceId, string Username, string Password, string Host, int Port, bool Tls,
    IReadOnlyList<string> PublishTopics, string AlertTopics, string Config);

/// <summary>Whether a device has a broker account the dashboard gave it.</summary>
public sealed record CredentialState(string DeviceId, DateTimeOffset? IssuedAt, string? IssuedBy, DateTimeOffset? RevokedAt, string? RevokedBy);
