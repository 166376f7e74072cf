using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// Holds one connection of its own (outside the pool, whose few connections serve requests) on
/// <c>LISTEN stock_changed</c> and invalidates <see cref="StockReadCache"/> on every notification. The
/// cache serves reads only while this connection is up: when it drops, the cache is suspended at once,
/// and it resumes empty once listening again. A connection that died silently is found by a probe after
/// <see cref="ProbeAfter"/> without notifications.
/// </summary>
public sealed class StockChangeListener(IOptions<DatabaseOptions> options, StockReadCache cache, ILogger<StockChangeListener> logger) : BackgroundService
{
    public const string Channel = "stock_changed";
    public const string ApplicationName = "inventory-stock-listener";
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            CommandTimeout = 5,
        }.ConnectionString;
        var backoff = TimeSpan.FromSeconds(0.5);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => cache.Invalidate();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                cache.Resume();
                logger.LogInformation("Listening to {Channel}: stock reads are cached", Channel);
                backoff = TimeSpan.FromSeconds(0.5);
                while (true)
                {
                    if (await connection.WaitAsync(ProbeAfter, stoppingToken)) continue;
                    await using var probe = new NpgsqlCommand("SELECT 1", connection);
                    await probe.ExecuteScalarAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                cache.Suspend();
                logger.LogWarning(e, "Not listening to {Channel}; stock reads go to PostgreSQL until it is back (retry in {Backoff})", Channel, backoff);
                try { await Task.Delay(backoff, stoppingToken); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        cache.Suspend();
    }
}
