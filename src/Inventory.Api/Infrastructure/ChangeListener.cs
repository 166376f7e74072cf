using Inventory.Api.Auth;
using Inventory.Api.Stock;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// Holds one connection of its own (outside the pool, whose few connections serve requests) on
/// <c>LISTEN stock_changed</c> and <c>LISTEN auth_changed</c>, and invalidates <see cref="StockReadCache"/>
/// and <see cref="AuthCache"/> on their notifications. The caches serve only while this connection is up:
/// when it drops, they are suspended at once, and they resume empty once listening again. A connection
/// that died silently is found by a probe after <see cref="ProbeAfter"/> without notifications.
/// </summary>
public sealed class ChangeListener(IOptions<DatabaseOptions> options, StockReadCache stock, AuthCache auth, ILogger<ChangeListener> logger) : BackgroundService
{
    public const string StockChannel = "stock_changed";
    public const string AuthChannel = "auth_changed";
    public const string ApplicationName = "inventory-change-listener";
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
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == AuthChannel) auth.Invalidate();
                    else stock.Invalidate();
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {StockChannel}; LISTEN {AuthChannel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                stock.Resume();
                auth.Resume();
                logger.LogInformation("Listening to {StockChannel} and {AuthChannel}: stock reads, sessions and keys are cached", StockChannel, AuthChannel);
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
                stock.Suspend();
                auth.Suspend();
                logger.LogWarning(e, "Not listening to {StockChannel}/{AuthChannel}; stock reads, sessions and keys go to PostgreSQL until it is back (retry in {Backoff})",
                    StockChannel, AuthChannel, backoff);
                try { await Task.Delay(backoff, stoppingToken); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        stock.Suspend();
        auth.Suspend();
    }
}
