using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Observability;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.Mqtt;

/// <summary>
/// Several replicas share the ingestion (the shared subscription), but a device's alerts need every one of
/// its messages in one place, in order. So the replicas take turns holding one persistent MQTT session,
/// <c>Mqtt__AlertSession</c>, subscribed to all device traffic without sharing: the broker lets one
/// connection hold a client id at a time (a second one takes the session over), which makes the session a
/// lease the broker itself arbitrates, and what arrives while nobody holds it waits in the session.
/// <para>
/// The holder announces itself retained on <see cref="OwnerTopic"/> with a will that clears it; the others
/// watch that topic and, when it stays empty for a moment, take the session. Each device's alert state is
/// kept retained on <c>coop/v1/gateway/alert-session/{session}/state/{device}</c>, published through the session before the
/// message that changed an alert's course is acknowledged, so the next holder starts from everything its
/// predecessor acknowledged and gets the rest redelivered. A holder that lost the session can no longer
/// publish through it: a deposed replica cannot overwrite its successor's state. A new holder reads the
/// states on a clean connection of its own, not through the session: there they would queue behind what
/// waited for a holder, possibly more than the receive window lets through before an acknowledgement,
/// and no acknowledgement can come before the states.
/// </para>
/// </summary>
public sealed class AlertOwnership(IOptions<MqttOptions> options, GatewayHealth health, ILogger<AlertOwnership> logger, IOptions<AlertOptions>? alerts = null) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new();
    private readonly MqttOptions _options = options.Value;

    /// <summary>Who holds the session: retained, cleared by the holder's will.</summary>
    public string OwnerTopic { get; } = $"coop/v1/gateway/alert-session/{options.Value.AlertSession}/owner";

    /// <summary>Followed by a device id: that device's alert state, retained.</summary>
    public string StateTopicPrefix { get; } = $"coop/v1/gateway/alert-session/{options.Value.AlertSession}/state/";
    private readonly MqttClientFactory _factory = new();
    private IMqttClient? _watch;
    private IMqttClient? _session;

    // Written by the MQTT handlers, read by the batch writer.
    private volatile int _tenure;
    private AlertTenure? _begun;
    private volatile bool _ownerAnnounced;
    // Ours, while this replica holds the session (from its takeover, before the state is restored).
    private volatile byte[]? _announcement;
    // Ticks (UTC) since the seat has been empty: written by the watch's handler, read by the loop (a long, not torn).
    private long _ownerAbsentSince = DateTimeOffset.UtcNow.UtcTicks;
    private int _tenures;

    public bool Enabled => !string.IsNullOrEmpty(_options.AlertSession);

    /// <summary>The tenure this replica holds now, once its state is restored; 0 when it does not hold the alerts.</summary>
    public int Tenure => _tenure;

    /// <summary>A device's saved alert state, as kept retained.</summary>
    public sealed record SavedDevice(DeviceKind Kind, DeviceAlertState State);

    /// <summary>What a new tenure starts from: every device's saved state.</summary>
    public sealed record AlertTenure(int Number, Dictionary<string, DeviceAlertState> Devices, Dictionary<string, DeviceKind> Kinds);

    /// <summary>The tenure begun since the last call, for the batch writer to restore the engine from before any of its messages.</summary>
    public AlertTenure? TakeBegun() => Interlocked.Exchange(ref _begun, null);

    public static byte[] Serialize(DeviceKind kind, DeviceAlertState state) => JsonSerializer.SerializeToUtf8Bytes(new SavedDevice(kind, state), Json);

    public async Task RunAsync(ChannelWriter<InboundMessage> inbound, CancellationToken stoppingToken)
    {
        var random = new Random();
        var patience = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            health.Beat("alerts");
            try
            {
                await EnsureWatchingAsync(stoppingToken);
                // Someone holds the alerts, or the seat has been empty only a moment (its holder may be re-announcing):
                // wait, with a random part so that two standbys seldom reach for it together.
                patience = patience == TimeSpan.Zero ? TimeSpan.FromMilliseconds(1000 + random.Next(2000)) : patience;
                if (_ownerAnnounced || DateTimeOffset.UtcNow.UtcTicks - Volatile.Read(ref _ownerAbsentSince) < patience.Ticks)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
                    continue;
                }
                patience = TimeSpan.Zero;
                var reason = await HoldAsync(inbound, stoppingToken);
                // Taken over by another replica: let it settle before looking again.
                if (reason == MqttClientDisconnectReason.SessionTakenOver) patience = TimeSpan.FromSeconds(5 + random.Next(5));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning("Alert session: {Error}; trying again", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await ReleaseAsync();
    }

    /// <summary>Publishes devices' alert states retained through the session, if this tenure still holds it; otherwise nothing.</summary>
    public async Task SaveAsync(int tenure, IReadOnlyList<(string Device, byte[] State)> devices, CancellationToken ct)
    {
        var session = _session;
        if (tenure != _tenure || session is null) return;
        try
        {
            var results = await Task.WhenAll(devices.Select(d => session.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(StateTopicPrefix + d.Device).WithPayload(d.State).WithRetainFlag()
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct)));
            if (results.FirstOrDefault(r => r.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers)) is { } refused)
                throw new InvalidOperationException($"broker refused the alert state: {refused.ReasonCode} (may the gateway's account write {StateTopicPrefix}#?)");
        }
        // The session was lost meanwhile: its messages will not be acknowledged, the next holder gets them again.
        catch (Exception) when (tenure != _tenure) { }
    }

    private async Task EnsureWatchingAsync(CancellationToken ct)
    {
        if (_watch is { IsConnected: true }) return;
        _watch?.Dispose();
        _watch = _factory.CreateMqttClient();
        var watch = _watch;
        _watch.ApplicationMessageReceivedAsync += e =>
        {
            var present = e.ApplicationMessage.Payload.Length > 0;
            // Cleared while we hold the session (the will of the holder it was taken from comes after our takeover):
            // say again who holds it, at once, or the standbys would take it in turn.
            if (!present && _announcement is { } ours) _ = Announce(watch, ours, CancellationToken.None);
            if (_ownerAnnounced && !present) Volatile.Write(ref _ownerAbsentSince, DateTimeOffset.UtcNow.UtcTicks);
            _ownerAnnounced = present;
            return Task.CompletedTask;
        };
        // Not a session of its own to keep: it only watches the retained announcement.
        await _watch.ConnectAsync(_options.Connection($"{_options.ClientId}:watch", cleanStart: true).Build(), ct);
        _ownerAnnounced = false;
        Volatile.Write(ref _ownerAbsentSince, DateTimeOffset.UtcNow.UtcTicks);
        await _watch.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(OwnerTopic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build(), ct);
    }

    /// <summary>Takes the alert session and holds it until it is lost; returns why.</summary>
    private async Task<MqttClientDisconnectReason> HoldAsync(ChannelWriter<InboundMessage> inbound, CancellationToken stoppingToken)
    {
        var number = ++_tenures;
        var announcement = JsonSerializer.SerializeToUtf8Bytes(new { owner = _options.ClientId, tenure = $"{_options.ClientId}#{number}:{Guid.NewGuid():N}" });
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = new TaskCompletionSource<MqttClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

        var session = _factory.CreateMqttClient();
        // MQTTnet awaits this handler before it hands over the next message: the order below is the broker's.
        session.ApplicationMessageReceivedAsync += async e =>
        {
            var message = e.ApplicationMessage;
            e.AutoAcknowledge = false;
            var inboundMessage = new InboundMessage(message.Topic, InboundMessage.PayloadOf(message), DateTimeOffset.UtcNow, e.AcknowledgeAsync, number);
            try
            {
                // What waited in the session is evaluated only from the predecessor's state. Holding this handler
                // holds the rest in MQTTnet and, past the receive window, in the broker: bounded either way.
                await restored.Task.WaitAsync(connection.Token);
                if (!inbound.TryWrite(inboundMessage)) await inbound.WriteAsync(inboundMessage, connection.Token);
            }
            catch (OperationCanceledException) { } // the session is gone: the next holder gets it again
        };
        session.DisconnectedAsync += e =>
        {
            _tenure = 0;
            _announcement = null;
            try { connection.Cancel(); } catch (ObjectDisposedException) { } // after this tenure ended
            lost.TrySetResult(e.Reason);
            return Task.CompletedTask;
        };

        // The will clears the announcement when this connection dies without saying goodbye (SIGKILL, a cut cable).
        var connect = _options.PersistentSession(_options.AlertSession)
            .WithWillTopic(OwnerTopic).WithWillPayload(Array.Empty<byte>()).WithWillRetain().WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillDelayInterval(0)
            .Build();
        await session.ConnectOrThrowAsync(connect, "the alert session", stoppingToken);
        _session = session;
        _announcement = announcement;
        try
        {
            await SubscribeAsync(session, alerts?.Value.SeasonClockTopic, stoppingToken); // a present session has it: again is harmless
            // Through the watch, which says it again if the will of the holder we took the session from clears it.
            await Announce(_watch!, announcement, stoppingToken);
            // The predecessor can no longer save (its session is ours now): what is retained is its last word.
            var saved = await ReadSavedStatesAsync(stoppingToken);
            Volatile.Write(ref _begun, new AlertTenure(number,
                saved.ToDictionary(s => s.Key, s => s.Value.State, StringComparer.Ordinal),
                saved.ToDictionary(s => s.Key, s => s.Value.Kind, StringComparer.Ordinal)));
            _tenure = number;
            restored.TrySetResult();
            logger.LogInformation("Holding the alert session {Session} (tenure {Tenure}): {Devices} devices' alert state taken over",
                _options.AlertSession, number, saved.Count);

            while (!lost.Task.IsCompleted)
            {
                health.Beat("alerts");
                await Task.WhenAny(lost.Task, Task.Delay(TimeSpan.FromSeconds(1), stoppingToken));
                if (!session.IsConnected) lost.TrySetResult(MqttClientDisconnectReason.UnspecifiedError);
            }
            var reason = await lost.Task;
            logger.LogWarning("Alert session {Session} lost (tenure {Tenure}): {Reason}", _options.AlertSession, number, reason);
            return reason;
        }
        finally
        {
            _tenure = 0;
            _announcement = null;
            if (!stoppingToken.IsCancellationRequested) { _session = null; session.Dispose(); }
        }
    }

    /// <summary>
    /// The session's subscription: all device traffic, without the devices' retained messages (their last statuses,
    /// one per device ever seen): the state handed over stands for them, and the shared ingestion never gets them either.
    /// </summary>
    private static async Task SubscribeAsync(IMqttClient session, string? seasonClock, CancellationToken ct)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        // A season replay's clock comes in order with the devices' messages, on the same session (AlertOptions.SeasonClockTopic).
        foreach (var topic in seasonClock is null ? MqttOptions.DeviceTopics : [.. MqttOptions.DeviceTopics, seasonClock])
            subscribe.WithTopicFilter(f => f.WithTopic(topic).WithRetainHandling(MqttRetainHandling.DoNotSendOnSubscribe)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        await session.SubscribeAsync(subscribe.Build(), ct);
    }

    /// <summary>
    /// Every device's retained alert state, read on a short clean connection of its own (see the class). The
    /// broker sends a subscription's retained messages before anything published after it, so when a marker
    /// published after subscribing comes back, all of them are here.
    /// </summary>
    private async Task<Dictionary<string, SavedDevice>> ReadSavedStatesAsync(CancellationToken ct)
    {
        using var reader = _factory.CreateMqttClient();
        var saved = new Dictionary<string, SavedDevice>(StringComparer.Ordinal);
        var marker = $"coop/v1/gateway/alert-session/{_options.AlertSession}/restored/{Guid.NewGuid():N}";
        var complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.Topic == marker) complete.TrySetResult();
            else if (message.Payload.Length > 0)
                saved[message.Topic[StateTopicPrefix.Length..]] = JsonSerializer.Deserialize<SavedDevice>(message.Payload.ToArray(), Json)!;
            return Task.CompletedTask;
        };
        await reader.ConnectAsync(_options.Connection($"{_options.ClientId}:restore", cleanStart: true).Build(), ct);
        await reader.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(StateTopicPrefix + "+").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(marker).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build(), ct);
        await reader.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(marker)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await reader.DisconnectAsync(cancellationToken: ct);
        return saved;
    }

    private Task Announce(IMqttClient client, byte[] announcement, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(OwnerTopic).WithPayload(announcement).WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    /// <summary>On a clean stop the seat is given back at once (the will would take the keep-alive's time).</summary>
    private async Task ReleaseAsync()
    {
        if (_session is { IsConnected: true } session)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                _announcement = null;
                // Through the watch, as it was announced; a clean disconnect sends no will.
                if (_watch is { IsConnected: true } watcher) await Announce(watcher, [], timeout.Token);
                await session.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            }
            catch (Exception e) { logger.LogWarning("Alert session not released cleanly: {Error}", e.Message); }
        }
        if (_watch is { IsConnected: true } watch)
            try { await watch.DisconnectAsync(); } catch (Exception) { }
    }

    public void Dispose()
    {
        _session?.Dispose();
        _watch?.Dispose();
    }
}
