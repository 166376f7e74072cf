using System.Threading.Channels;
using FridgeGateway.Alerts;
using FridgeGateway.Observability;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.Mqtt;

/// <summary>
/// The gateway's MQTT 5 connections, kept by a reconnect loop with capped backoff that runs forever
/// (MQTTnet 5 ships no managed client): the ingestion's, a persistent session (clean start false, session
/// expiry set, stable client id) with shared subscriptions, each message acknowledged once durable
/// (<see cref="IngestionConnection"/>), and beside it a clean one that only publishes what the gateway
/// says (dead letters, alerts). The notices go on their
/// own connection so that their PUBACKs never sit behind the PUBLISHes the ingestion's receive window
/// holds (see <see cref="CoalescingSocketStream"/>): the window is then kept whatever the traffic.
/// </summary>
public sealed class GatewayMqttClient(IOptions<MqttOptions> options, GatewayHealth health, ILogger<GatewayMqttClient> logger,
    IOptions<AlertOptions>? alerts = null, TimeProvider? time = null)
    : IDisposable
{
    private readonly MqttOptions _options = options.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IMqttClient _publisher = new MqttClientFactory().CreateMqttClient();
    // A message waiting for room in the channel gives up when its connection ends (the broker redelivers what was not
    // acknowledged), so it can never hold the reconnect (a stuck handler once kept the gateway offline for good).
    private volatile IngestionConnection? _ingestion;
    private volatile bool _subscribed;

    /// <summary>Connected and subscribed: ready for traffic.</summary>
    public bool IsReady => IsConnected && _subscribed;

    public bool IsConnected => _ingestion is { IsOpen: true } && _publisher.IsConnected;

    public async Task RunAsync(ChannelWriter<InboundMessage> inbound, CancellationToken stoppingToken)
    {
        var disconnected = new SemaphoreSlim(0);
        _publisher.DisconnectedAsync += e =>
        {
            logger.LogWarning("MQTT publishing connection lost: {Reason} {ReasonString}", e.Reason, e.ReasonString);
            disconnected.Release();
            return Task.CompletedTask;
        };

        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            health.Beat("mqtt");
            try
            {
                if (_ingestion is not { IsOpen: true })
                {
                    _subscribed = false;
                    _ingestion?.Dispose();
                    _ingestion = null;
                    var (connection, sessionPresent) = await IngestionConnection.OpenAsync(
                        _options.PersistentSession(_options.ClientId, blocking: true).Build(), inbound, _time, stoppingToken);
                    _ingestion = connection;
                    _ = connection.Closed.ContinueWith(closed =>
                    {
                        _subscribed = false;
                        if (!stoppingToken.IsCancellationRequested) logger.LogWarning("MQTT connection lost: {Reason}", closed.Result);
                        disconnected.Release();
                    }, TaskScheduler.Default);
                    logger.LogInformation("Connected to MQTT {Host}:{Port} as {ClientId} (session present: {SessionPresent})",
                        _options.Host, _options.Port, _options.ClientId, sessionPresent);
                }
                // The broker keeps subscriptions in a present session; subscribing again is harmless either way.
                if (!_subscribed) await SubscribeAsync(_ingestion, stoppingToken);
                if (!_publisher.IsConnected)
                {
                    await _publisher.ConnectOrThrowAsync(_options.Connection($"{_options.ClientId}:publish", cleanStart: true).Build(), "the publishing connection", stoppingToken);
                }
                delay = TimeSpan.FromMilliseconds(500);
                while (disconnected.CurrentCount > 0) await disconnected.WaitAsync(stoppingToken);
                // Looked at every second as well as told: a lost connection is noticed even if its event is late.
                while (IsConnected && !await disconnected.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken))
                    health.Beat("mqtt");
                if (_ingestion is not { IsOpen: true }) _subscribed = false;
                logger.LogWarning("Disconnected from MQTT {Host}:{Port}; reconnecting", _options.Host, _options.Port);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning("MQTT connection to {Host}:{Port} failed: {Error}; retrying in {Delay}", _options.Host, _options.Port, e.Message, delay);
            }
            health.Beat("mqtt");
            await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _options.MaxReconnectDelaySeconds * 1000));
        }
        if (_ingestion is { } ingestion)
        {
            try { await ingestion.DisconnectAsync(CancellationToken.None); }
            catch (Exception e) { logger.LogDebug("MQTT DISCONNECT not sent: {Error}", e.Message); }
        }
        if (_publisher.IsConnected)
            await _publisher.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
    }

    /// <summary>Publishes at QoS 1 and waits for the broker's PUBACK; throws when not connected or refused.</summary>
    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .WithContentType("application/json")
            .Build();
        var result = await _publisher.PublishAsync(message, cancellationToken);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
            throw new InvalidOperationException($"broker refused publish to {topic}: {result.ReasonCode}");
    }

    private async Task SubscribeAsync(IngestionConnection connection, CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in _options.TopicFilters)
            subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        // A season replay's clock, to every replica (not shared): a gateway alone checks silence at its instants.
        if (alerts?.Value.SeasonClockTopic is { } clock)
            subscribe.WithTopicFilter(f => f.WithTopic(clock).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        await connection.SubscribeAsync(subscribe.Build(), TimeSpan.FromSeconds(10), cancellationToken);
        _subscribed = true;
    }

    public void Dispose()
    {
        _ingestion?.Dispose();
        _publisher.Dispose();
    }
}
