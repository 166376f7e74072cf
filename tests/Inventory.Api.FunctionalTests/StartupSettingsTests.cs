using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Inventory.Api.FunctionalTests;

/// <summary>A wrong setting stops the API at start, with a message naming it (options validated at start).</summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Notifications__Smtp__From", "Notifications:Smtp:Host", "smtp.example.org", "Notifications:Smtp:From", "pas une adresse")]
    [InlineData("Broker:Timeout", "Broker:ControlHost", "127.0.0.1", "Broker:Timeout", "00:00:00")]
    [InlineData("Exposure:ExposedAfter", "Exposure:ExposedAfter", "00:01:00", "Restock:LongUnderPar", "2.00:00:00")]
    [InlineData("Season__ActingClock", "Season:ActingClock", "true", "Table:TimeZone", "America/Toronto")]
    [InlineData("Restock:LongUnderPar", "Restock:LongUnderPar", "00:00:10", "Exposure:ExposedAfter", "02:00:00")]
    public async Task A_wrong_setting_stops_the_api_at_start_naming_it(string named, string key1, string value1, string key2, string value2)
    {
        await using var database = await TestDatabase.CreateAsync("settings");
        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Inventory", database.ConnectionString);
            web.UseSetting("Influx:Url", LocalServices.Current.InfluxUrl.ToString());
            web.UseSetting(key1, value1);
            web.UseSetting(key2, value2);
        });
        var refused = Assert.ThrowsAny<Exception>(() => api.Services);
        Assert.Contains(named, refused.ToString());
    }
}
