using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Inventory.Api.FridgeStatus;

/// <summary>
/// Where the API reads telemetry: InfluxQL over HTTP <c>/query</c>, which InfluxDB 1.x, 2.x (v1
/// compatibility API, with a token and the bucket as database) and 3.x all answer.
/// </summary>
public sealed class InfluxOptions
{
    public string? Url { get; set; }
    public string? Database { get; set; }
    public string? Bucket { get; set; }
    public string? Token { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(Url);
    public string DatabaseName => !string.IsNullOrEmpty(Bucket) ? Bucket : Database ?? "";
}

public sealed class InfluxOptionsValidator : IValidateOptions<InfluxOptions>
{
    public ValidateOptionsResult Validate(string? name, InfluxOptions o)
    {
        if (!o.Configured) return ValidateOptionsResult.Success;
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return ValidateOptionsResult.Fail("Influx__Url must be an http(s) URL");
        if (string.IsNullOrEmpty(o.DatabaseName)) return ValidateOptionsResult.Fail("Influx__Database (1.x) or Influx__Bucket (2.x/3.x) is required with Influx__Url");
        if (!string.IsNullOrEmpty(o.Bucket) && string.IsNullOrEmpty(o.Token)) return ValidateOptionsResult.Fail("Influx__Token is required with Influx__Bucket");
        return ValidateOptionsResult.Success;
    }
}

/// <summary>One series of an InfluxQL answer: its tags and rows of column → value.</summary>
public sealed record InfluxSeries(IReadOnlyDictionary<string, string> Tags, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows);

/// <summary>Thrown when InfluxDB cannot be asked (down, or not configured): the caller answers 503.</summary>
public sealed class TelemetryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <remarks>
/// What goes wrong is logged in full here; the exception's message is what people read in a 503, so it names no
/// host, port or query (the internal layout is no one's business outside).
/// </remarks>
public sealed class InfluxReader(HttpClient http, IOptions<InfluxOptions> options, ILogger<InfluxReader> logger)
{
    private readonly InfluxOptions _options = options.Value;

    /// <summary>Runs one or more InfluxQL statements (separated by ';'); one list of series per statement.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<InfluxSeries>>> QueryAsync(string influxQl, CancellationToken ct)
    {
        if (!_options.Configured) throw new TelemetryUnavailableException("InfluxDB is not configured (Influx__Url)");
        var url = $"{_options.Url!.TrimEnd('/')}/query?db={Uri.EscapeDataString(_options.DatabaseName)}&epoch=ms&q={Uri.EscapeDataString(influxQl)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(_options.Token)) request.Headers.Authorization = new AuthenticationHeaderValue("Token", _options.Token);
        else if (!string.IsNullOrEmpty(_options.Username))
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}")));
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "InfluxDB unreachable at {Url}", _options.Url);
            throw new TelemetryUnavailableException("the telemetry store cannot be reached; try again in a minute", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("InfluxDB at {Url} answered {Status}", _options.Url, (int)response.StatusCode);
                throw new TelemetryUnavailableException($"the telemetry store answered {(int)response.StatusCode}");
            }
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var statements = new List<IReadOnlyList<InfluxSeries>>();
            foreach (var result in body.GetProperty("results").EnumerateArray())
            {
                if (result.TryGetProperty("error", out var error))
                {
                    logger.LogWarning("InfluxDB refused a query: {Error}", error.GetString());
                    throw new TelemetryUnavailableException("the telemetry store refused the query");
                }
                var series = new List<InfluxSeries>();
                if (result.TryGetProperty("series", out var all))
                    foreach (var s in all.EnumerateArray())
                    {
                        var tags = s.TryGetProperty("tags", out var t) ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : [];
                        var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                        var rows = s.GetProperty("values").EnumerateArray()
                            .Select(v => (IReadOnlyDictionary<string, JsonElement>)v.EnumerateArray().Select((x, i) => (columns[i], x.Clone())).ToDictionary(x => x.Item1, x => x.Item2))
                            .ToList();
                        series.Add(new InfluxSeries(tags, rows));
                    }
                statements.Add(series);
            }
            return statements;
        }
    }
}
