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
/// expiry set, stable client id) with shared subscriptions and manual acknowledgement, and beside it a
/// clean one that only publishes what the gateway says (dead letters, alerts). The notices go on their
/// own connection so that their PUBACKs never sit behind the PUBLISHes the ingestion's receive window
/// holds (see <see cref="CoalescingSocketStream"/>): the window is then kept whatever the traffic.
/// </summary>
public sealed class GatewayMqttClient(IOptions<MqttOptions> options, GatewayHealth health, ILogger<GatewayMqttClient> logger, IOptions<AlertOptions>? alerts = null)
    : IDisposable
{
    private readonly MqttOptions _options = options.Value;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly IMqttClient _publisher = new MqttClientFactory().CreateMqttClient();
    private volatile bool _subscribed;
    // Cancelled when the connection is lost: a message handler waiting for room in the channel gives
    // up (the broker redelivers what was not acknowledged), so it can never hold the client's
    // disconnect and reconnect (a stuck handler once kept the gateway offline for good).
    private volatile CancellationTokenSource _connection = new();

    /// <summary>Connected and subscribed: ready for traffic.</summary>
    public bool IsReady => IsConnected && _subscribed;

    public bool IsConnected => _client.IsConnected && _publisher.IsConnected;

    public async Task RunAsync(ChannelWriter<InboundMessage> inbound, CancellationToken stoppingToken)
    {
        _client.ApplicationMessageReceivedAsync += async e =>
        {
            // Only enqueue: MQTTnet awaits this handler before it hands over the next message, and the
            // PUBACK waits until the batch writer has made the message durable (rule "Nothing acknowledged is lost").
            e.AutoAcknowledge = false;
            var message = e.ApplicationMessage;
            var inboundMessage = new InboundMessage(message.Topic, InboundMessage.PayloadOf(message), DateTimeOffset.UtcNow,
                e.AcknowledgeAsync);
            if (inbound.TryWrite(inboundMessage)) return;
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _connection.Token);
            try { await inbound.WriteAsync(inboundMessage, either.Token); }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
        };
        var disconnected = new SemaphoreSlim(0);
        _client.DisconnectedAsync += e =>
        {
            _subscribed = false;
            _connection.Cancel();
            logger.LogWarning("MQTT connection lost: {Reason} {ReasonString}", e.Reason, e.ReasonString);
            disconnected.Release();
            return Task.CompletedTask;
        };
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
                if (!_client.IsConnected)
                {
                    // Not disposed: a late handler of the old connection may still link to its token.
                    if (_connection.IsCancellationRequested) _connection = new CancellationTokenSource();
                    var result = await _client.ConnectOrThrowAsync(_options.PersistentSession(_options.ClientId).Build(), "the connection", stoppingToken);
                    logger.LogInformation("Connected to MQTT {Host}:{Port} as {ClientId} (session present: {SessionPresent})",
                        _options.Host, _options.Port, _options.ClientId, result.IsSessionPresent);
                }
                // The broker keeps subscriptions in a present session; subscribing again is harmless either way.
                if (!_subscribed) await SubscribeAsync(stoppingToken);
                if (!_publisher.IsConnected)
                {
                    await _publisher.ConnectOrThrowAsync(_options.Connection($"{_options.ClientId}:publish", cleanStart: true).Build(), "the publishing connection", stoppingToken);
                }
                delay = TimeSpan.FromMilliseconds(500);
                while (disconnected.CurrentCount > 0) await disconnected.WaitAsync(stoppingToken);
                // Looked at every second as well as told: a lost connection is noticed even if its event is late.
                while (IsConnected && !await disconnected.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken))
                    health.Beat("mqtt");
                if (!_client.IsConnected)
                {
                    _subscribed = false;
                    _connection.Cancel();
                }
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
        foreach (var client in new[] { _client, _publisher })
            if (client.IsConnected)
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
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

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in _options.TopicFilters)
            subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        // A season replay's clock, to every replica (not shared): a gateway alone checks silence at its instants.
        if (alerts?.Value.SeasonClockTopic is { } clock)
            subscribe.WithTopicFilter(f => f.WithTopic(clock).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        var result = await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        foreach (var item in result.Items)
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
                throw new InvalidOperationException($"subscription to {item.TopicFilter.Topic} refused: {item.ResultCode}");
        _subscribed = true;
    }

    public void Dispose()
    {
        _client.Dispose();
        _publisher.Dispose();
    }
}
