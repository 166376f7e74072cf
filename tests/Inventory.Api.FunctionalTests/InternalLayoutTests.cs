namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Issue 30: an answer names no internal host, port or query. With InfluxDB unreachable at an address of the
/// stack's own, the fleet's 503 says the telemetry store cannot be reached, and nothing of where it lives.
/// </summary>
public sealed class InternalLayoutTests(InternalLayoutTests.TelemetryStoreDown api) : IClassFixture<InternalLayoutTests.TelemetryStoreDown>
{
    /// <summary>A port on the loopback nothing listens on (the discard service's): connection refused at once.</summary>
    public const string InternalAddress = "127.0.0.1:9";

    public sealed class TelemetryStoreDown : InventoryApi
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Influx:Url"] = $"http://{InternalAddress}" };
    }

    [Theory]
    [InlineData("/api/v1/fridges")]
    [InlineData("/api/v1/fridges/fridge-x-01/temperatures")]
    public async Task A_503_says_the_telemetry_store_is_unreachable_and_not_where_it_lives(string url)
    {
        var response = await api.Lead.GetAsync(url);

        var problem = await ProblemAssert.HasStatusAsync(response, HttpStatusCode.ServiceUnavailable);
        var text = problem.GetRawText();
        Assert.DoesNotContain(InternalAddress, text, StringComparison.Ordinal);
        Assert.DoesNotContain(":9", text, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", text, StringComparison.OrdinalIgnoreCase); // the socket's own words
        Assert.Contains("telemetry store", text, StringComparison.Ordinal);
    }
}
