using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Issue 19: the lead provisions a device from the dashboard's API, against the real Mosquitto's dynamic
/// security plugin: the password works for that device's own topics only, a new one cuts the old one off at
/// once (a stolen fridge), and a revoked account cannot connect.
/// </summary>
public sealed class ProvisioningTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    // Mosquitto answers a wrong password with "not authorised".
    private static readonly MqttClientConnectResultCode[] Refused = [MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.BadUserNameOrPassword];

    private static async Task<(IMqttClient Client, MqttClientConnectResultCode Result)> ConnectAsync(string deviceId, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", LocalServices.Current.DeviceMqttPort)
            .WithCredentials(deviceId, password).WithClientId(deviceId).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();
        try { return (client, (await client.ConnectAsync(options)).ResultCode); }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            // MQTTnet names the broker's reason code in the message only.
            return (client, Enum.GetValues<MqttClientConnectResultCode>().Where(c => c != MqttClientConnectResultCode.Success)
                .FirstOrDefault(c => e.Message.Contains(c.ToString(), StringComparison.Ordinal), MqttClientConnectResultCode.UnspecifiedError));
        }
    }

    private static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string topic) =>
        (await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("{}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())).ReasonCode;

    private async Task<JsonElement> IssueAsync(string deviceId)
    {
        var response = await InventoryApi.Created(api.Lead.PostAsync($"/api/v1/devices/{deviceId}/credentials", null));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_provisioned_device_publishes_its_own_topics_only_and_a_new_password_or_a_revocation_cuts_the_old_one_off()
    {
        var id = $"fridge-prov-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{id}", new { kind = "fridge" })).StatusCode);

        var first = await IssueAsync(id);
        var password = first.GetProperty("password").GetString()!;
        Assert.Equal(32, password.Length);
        Assert.Equal((id, LocalServices.Current.DeviceMqttPort), (first.GetProperty("username").GetString(), first.GetProperty("port").GetInt32()));
        Assert.Contains(password, first.GetProperty("config").GetString());
        Assert.Contains($"coop/v1/fridges/{id}/telemetry", first.GetProperty("publishTopics").EnumerateArray().Select(t => t.GetString()));

        var (device, connected) = await ConnectAsync(id, password);
        Assert.Equal(MqttClientConnectResultCode.Success, connected);
        Assert.Contains(await PublishAsync(device, $"coop/v1/fridges/{id}/telemetry"), new[] { MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.NoMatchingSubscribers });
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(device, "coop/v1/fridges/fridge-stfut-01/telemetry")); // another's id
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(device, $"coop/v1/fridges/{id}/telemetry/extra")); // below its topics

        // A new password: the connection that used the old one is closed at once, the old one is refused.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.DisconnectedAsync += _ => { dropped.TrySetResult(); return Task.CompletedTask; };
        var second = (await IssueAsync(id)).GetProperty("password").GetString()!;
        Assert.NotEqual(password, second);
        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains((await ConnectAsync(id, password)).Result, Refused);
        var (again, reconnected) = await ConnectAsync(id, second);
        Assert.Equal(MqttClientConnectResultCode.Success, reconnected);

        // Taken back: disconnected, and refused from then on; the dashboard knows who did it.
        var revokedDrop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        again.DisconnectedAsync += _ => { revokedDrop.TrySetResult(); return Task.CompletedTask; };
        Assert.Equal(HttpStatusCode.NoContent, (await api.Lead.DeleteAsync($"/api/v1/devices/{id}/credentials")).StatusCode);
        await revokedDrop.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains((await ConnectAsync(id, second)).Result, Refused);
        var states = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/devices/credentials");
        var state = states.EnumerateArray().Single(s => s.GetProperty("deviceId").GetString() == id);
        Assert.Equal("lea", state.GetProperty("revokedBy").GetString());
        device.Dispose(); again.Dispose();
    }

    [Fact]
    public async Task Devices_provisioned_at_the_same_instant_all_get_working_passwords()
    {
        // Every call to the broker's plugin connects with the provisioning account, whose client id the devices'
        // listener forces to its username: calls at the same instant (two replicas, or two requests) take each
        // other's connection over. Each must still get its answer.
        var ids = Enumerable.Range(0, 6).Select(n => $"fridge-prov-{Guid.NewGuid():N}"[..20]).ToList();
        foreach (var id in ids)
            Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{id}", new { kind = "fridge" })).StatusCode);

        var issued = await Task.WhenAll(ids.Select(id => IssueAsync(id)));

        for (var i = 0; i < ids.Count; i++)
        {
            var (device, connected) = await ConnectAsync(ids[i], issued[i].GetProperty("password").GetString()!);
            Assert.Equal(MqttClientConnectResultCode.Success, connected);
            await device.DisconnectAsync();
            device.Dispose();
        }
    }

    [Fact]
    public async Task Two_replicas_provisioning_at_the_same_instant_both_get_working_passwords()
    {
        // Two API replicas' broker clients (each serialises its own calls), three devices each, all at once:
        // their calls take each other's control connection over, and are sent again.
        var options = api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Inventory.Api.Provisioning.BrokerOptions>>();
        Inventory.Api.Provisioning.BrokerAccounts[] replicas =
            [new(options, NullLogger<Inventory.Api.Provisioning.BrokerAccounts>.Instance), new(options, NullLogger<Inventory.Api.Provisioning.BrokerAccounts>.Instance)];
        var devices = Enumerable.Range(0, 6).Select(_ => (Id: $"fridge-prov-{Guid.NewGuid():N}"[..20], Password: Guid.NewGuid().ToString("N"))).ToList();

        await Task.WhenAll(devices.Select((d, i) => replicas[i % 2].SetPasswordAsync(d.Id, d.Password, CancellationToken.None)));

        foreach (var (id, password) in devices)
        {
            var (device, connected) = await ConnectAsync(id, password);
            Assert.Equal(MqttClientConnectResultCode.Success, connected);
            await device.DisconnectAsync();
            device.Dispose();
            await replicas[0].RemoveAsync(id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_broker_that_cannot_be_reached_is_said_so_after_the_retries_not_as_an_error_of_the_api()
    {
        var live = api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Inventory.Api.Provisioning.BrokerOptions>>().Value;
        var nowhere = Microsoft.Extensions.Options.Options.Create(new Inventory.Api.Provisioning.BrokerOptions
        {
            ControlHost = live.ControlHost, ControlPort = AppProcess.FreePort(), Password = live.Password, DeviceHost = live.DeviceHost,
        });
        var broker = new Inventory.Api.Provisioning.BrokerAccounts(nowhere, NullLogger<Inventory.Api.Provisioning.BrokerAccounts>.Instance);

        var refused = await Assert.ThrowsAsync<Inventory.Api.Provisioning.BrokerRefusedException>(() => broker.SetPasswordAsync("fridge-nowhere-01", "x", CancellationToken.None));
        Assert.Equal("the broker cannot be reached", refused.Message);
    }

    [Fact]
    public async Task Only_the_lead_provisions_and_only_a_registered_device()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsync("/api/v1/devices/fridge-stfut-01/credentials", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.DeleteAsync("/api/v1/devices/fridge-stfut-01/credentials")).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/devices/fridge-nobody-99/credentials", null), HttpStatusCode.NotFound, "deviceId");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/devices/NOT..AN..ID/credentials", null), HttpStatusCode.NotFound, "deviceId");
        // Nothing was written for the refused calls.
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var count = db.CreateCommand("SELECT count(*) FROM device_credentials WHERE device_id IN ('fridge-stfut-01', 'fridge-nobody-99')");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }
}
