using FrigoCoop.TestSupport;

namespace Harness.SmokeTests;

public sealed class InfluxRoundTripTests
{
    [Fact]
    public async Task A_line_written_through_write_is_read_back_through_query()
    {
        using var influx = InfluxQuery.ForLocalServices();
        var device = $"smoke-{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

        await influx.WriteAsync($"smoke_reading,device={device} temp_c=3.25,seq=7i {ts}");

        var rows = await influx.RowsAsync($"SELECT temp_c, seq FROM smoke_reading WHERE device = '{device}'");
        var row = Assert.Single(rows);
        Assert.Equal(3.25, row["temp_c"].GetDouble());
        Assert.Equal(7, row["seq"].GetInt64());
        Assert.Equal(ts, row["time"].GetInt64());
    }
}
