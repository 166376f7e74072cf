using Inventory.Api.FridgeStatus;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// docker-compose.yml gives the API its read-only InfluxDB token as a file named after the setting,
/// in a volume only the API mounts (deploy/influxdb/service-tokens.sh writes it).
/// </summary>
public sealed class SecretFilesTests
{
    [Fact]
    public async Task A_token_mounted_as_a_file_named_after_its_key_is_the_token_the_API_uses()
    {
        await using var database = await TestDatabase.CreateAsync("secrets");
        var secrets = Directory.CreateTempSubdirectory("frigo-secrets-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Influx__Token"), "read-only-token-from-file");
            await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            {
                web.UseEnvironment("Testing");
                web.UseSetting("SecretFiles:Directory", secrets.FullName);
                web.UseSetting("ConnectionStrings:Inventory", database.ConnectionString);
                web.UseSetting("Influx:Url", LocalServices.Current.InfluxUrl.ToString());
                web.UseSetting("Influx:Bucket", "frigo");
            });

            var influx = api.Services.GetRequiredService<IOptions<InfluxOptions>>().Value;
            Assert.Equal("read-only-token-from-file", influx.Token);
            Assert.Equal("frigo", influx.Bucket); // the other settings still come from where they were
        }
        finally
        {
            secrets.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_secrets_folder_that_was_named_but_is_missing_stops_the_api_at_start()
    {
        await using var database = await TestDatabase.CreateAsync("secrets");
        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("SecretFiles:Directory", Path.Combine(Path.GetTempPath(), $"no-such-folder-{Guid.NewGuid():N}"));
            web.UseSetting("ConnectionStrings:Inventory", database.ConnectionString);
        });
        var refused = Assert.ThrowsAny<Exception>(() => api.Services);
        Assert.Contains("no-such-folder", refused.ToString());
    }
}
