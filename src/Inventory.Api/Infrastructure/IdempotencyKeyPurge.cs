using Npgsql;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// Forgets idempotency keys older than <see cref="Retention"/>, hourly: every device report adds a row, so
/// the table would grow for ever. A replay older than that (a gateway's spool held for three months) would
/// count again; nothing the platform does holds a report that long.
/// </summary>
public sealed class IdempotencyKeyPurge(NpgsqlDataSource db, ILogger<IdempotencyKeyPurge> logger) : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>Deletes what is past retention; returns how many keys went.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        await using var command = db.Command("DELETE FROM idempotency_keys WHERE created_at < now() - $1", Retention);
        return await command.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged > 0) logger.LogInformation("Purged {Count} idempotency keys older than {Days} days", purged, Retention.TotalDays);
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning("Idempotency keys not purged this time: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
