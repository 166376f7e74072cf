using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

// receive-maximum HOST PORT USER PASSWORD [shared]: a consumer announcing a Receive Maximum of 1,000 that
// acknowledges what it received every 50 ms, while 100,000 QoS 1 messages are published to it; prints the
// most messages it ever held unacknowledged. A broker that keeps the window never lets that pass 1,000.
var (host, port, user, password) = (args[0], int.Parse(args[1]), args[2], args[3]);
var shared = args.Length > 4 && args[4] == "shared";
const int ReceiveMaximum = 1000, Messages = 100_000;
var topic = $"coop/v1/gateway/receive-maximum-probe/{Guid.NewGuid():N}";
long received = 0, acknowledged = 0, mostOutstanding = 0;
var waiting = new ConcurrentQueue<MqttApplicationMessageReceivedEventArgs>();

using var consumer = new MqttClientFactory().CreateMqttClient();
consumer.ApplicationMessageReceivedAsync += e =>
{
    e.AutoAcknowledge = false;
    waiting.Enqueue(e);
    var outstanding = Interlocked.Increment(ref received) - Interlocked.Read(ref acknowledged);
    if (outstanding > Interlocked.Read(ref mostOutstanding)) Interlocked.Exchange(ref mostOutstanding, outstanding);
    return Task.CompletedTask;
};
await consumer.ConnectAsync(Options($"gateway:probe-{Guid.NewGuid():N}"[..22]).WithCleanStart().WithReceiveMaximum(ReceiveMaximum).Build());
await consumer.SubscribeAsync(shared ? $"$share/probe/{topic}" : topic, MqttQualityOfServiceLevel.AtLeastOnce);

using var stop = new CancellationTokenSource();
var acknowledging = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested || !waiting.IsEmpty)
    {
        await Task.Delay(50);
        while (waiting.TryDequeue(out var e)) { await e.AcknowledgeAsync(CancellationToken.None); Interlocked.Increment(ref acknowledged); }
    }
});

using var publisher = new MqttClientFactory().CreateMqttClient();
await publisher.ConnectAsync(Options($"gateway:probe-pub-{Guid.NewGuid():N}"[..26]).WithCleanStart().Build());
for (var sent = 0; sent < Messages; sent += 2000)
    await Task.WhenAll(Enumerable.Range(0, 2000).Select(_ => publisher.PublishAsync(new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())));
while (Interlocked.Read(ref acknowledged) < Messages) await Task.Delay(100);
stop.Cancel();
await acknowledging;
Console.WriteLine($"{(shared ? "shared" : "plain")} subscription, Receive Maximum {ReceiveMaximum}, acknowledged every 50 ms: " +
    $"received {received} of {Messages}, most held unacknowledged at once {mostOutstanding}");
return mostOutstanding > ReceiveMaximum + 100 ? 1 : 0;

MqttClientOptionsBuilder Options(string clientId) => new MqttClientOptionsBuilder()
    .WithTcpServer(host, port).WithCredentials(user, password).WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V500);
