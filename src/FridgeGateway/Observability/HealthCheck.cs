namespace FridgeGateway.Observability;

/// <summary>Exit code 0 when the URL answers 2xx within 3 seconds: a HEALTHCHECK without curl.</summary>
public static class HealthCheck
{
    public static async Task<int> RunAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try { return (await http.GetAsync(url)).IsSuccessStatusCode ? 0 : 1; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return 1; }
    }
}
