using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Notifications;

/// <summary>
/// The outbox's worker: escalates what nobody acknowledged, finds the beer a long excursion exposed, mails the
/// password resets asked for, fans events out to the people subscribed, and
/// sends what is due, one message per person and destination. An SMTP or webhook outage delays messages
/// and loses none (retried with backoff); a stop lets the message in flight finish and be recorded, so a
/// restart sends none twice. (A crash between the relay's acceptance and the commit would send that one
/// message again, with the same Message-Id: at least once, never lost; docs/notifications.md.)
/// </summary>
public sealed class NotificationDispatcher(NpgsqlDataSource db, Outbox outbox, Stock.Exposures exposures, Auth.PasswordResets resets,
    IEnumerable<INotificationSender> senders, IOptions<NotificationOptions> options, TimeProvider time, ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, INotificationSender> _senders = senders.ToDictionary(s => s.Channel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollEvery, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Notifications wait for the database: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass of every step; what it sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await outbox.EscalateAsync(ct);
        await exposures.FindAsync(ct);
        await resets.MailRequestedAsync(ct); // the forgotten passwords asked for since the last pass, their mails due at once
        var sent = 0;
        int fannedOut;
        // A batch of events fanned out, then what is ready sent: a flood of events delays what is due by one batch,
        // not by all of them.
        do
        {
            fannedOut = await outbox.FanOutAsync(ct);
            foreach (var group in await outbox.ReadyAsync(ct))
            {
                // Sending finishes even when the host stops: the outcome is then recorded, and nothing is sent twice.
                sent += await SendAsync(group, CancellationToken.None);
                if (ct.IsCancellationRequested) return sent;
            }
        }
        while (fannedOut > 0);
        return sent;
    }

    private async Task<int> SendAsync((string Channel, long UserId, string Destination) ready, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await Outbox.ClaimAsync(c, tx, ready, now, ct) is not { } group) return 0; // another replica has it
        var sent = 0;
        try
        {
            await _senders[group.Channel].SendAsync(group, ct);
            await Outbox.SentAsync(c, tx, group, time.GetUtcNow(), ct);
            if (group.Channel == "webhook") await Outbox.WebhookAnsweredAsync(c, tx, group, ct);
            sent = group.Deliveries.Count;
        }
        catch (WebhookRefusedException e)
        {
            logger.LogWarning("Webhook of person {User} refused {Count} notifications: {Reason}", group.UserId, group.Deliveries.Count, e.Message);
            await outbox.RefusedAsync(c, tx, group, e.Message, now, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("{Count} {Channel} notifications to person {User} not sent yet: {Error}", group.Deliveries.Count, group.Channel, group.UserId, e.Message);
            await outbox.FailedAsync(c, tx, group, e.Message, now, ct);
        }
        await tx.CommitAsync(ct);
        return sent;
    }
}
