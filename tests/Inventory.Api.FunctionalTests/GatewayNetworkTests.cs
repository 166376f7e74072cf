namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The gateway's key works from the stack's own network only (issue 30): behind the proxy, as compose runs the API
/// (forwarded headers trusted), a request from the internet arrives with the client's address, which is elsewhere.
/// </summary>
public sealed class GatewayNetworkTests(GatewayNetworkTests.BehindTheProxy api) : IClassFixture<GatewayNetworkTests.BehindTheProxy>
{
    public sealed class BehindTheProxy : InventoryApi
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["Gateway:AllowedNetworks"] = "10.99.0.0/16, fd00:99::/64",
            ["ForwardedHeaders_Enabled"] = "true", // ASPNETCORE_FORWARDEDHEADERS_ENABLED, as docker-compose.yml sets it
        };
    }

    private async Task<HttpStatusCode> ReportFromAsync(string key, string? address)
    {
        var at = DateTimeOffset.UtcNow;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/alerts")
        {
            Content = JsonContent.Create(new { deviceId = "fridge-nowhere-01", type = "offline", state = "raised", startedAt = at, at }),
        };
        request.Headers.Add("X-Api-Key", key);
        request.Headers.Add("Idempotency-Key", $"fridge-nowhere-01:alert:offline:raised:{at.ToUnixTimeMilliseconds()}");
        if (address is not null) request.Headers.Add("X-Forwarded-For", address);
        return (await api.NewClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task The_gateways_key_is_refused_from_outside_the_stacks_network_and_other_keys_are_not()
    {
        Assert.Equal(HttpStatusCode.NotFound, await ReportFromAsync(api.GatewayKey, "10.99.3.7"));   // in: heard (an unknown device)
        Assert.Equal(HttpStatusCode.NotFound, await ReportFromAsync(api.GatewayKey, "fd00:99::12"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReportFromAsync(api.GatewayKey, "203.0.113.9")); // the internet
        Assert.Equal(HttpStatusCode.Unauthorized, await ReportFromAsync(api.GatewayKey, "10.98.0.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReportFromAsync(api.GatewayKey, null));          // an address nobody knows

        var lead = api.WithApiKey(api.LeadKey);
        lead.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync("/api/v1/stock")).StatusCode);
    }
}
