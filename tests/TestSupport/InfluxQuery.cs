using System.Net.Http.Json;
using System.Text.Json;

namespace FrigoCoop.TestSupport;

/// <summary>InfluxQL over HTTP <c>/query</c>, the API that InfluxDB 1.x, 2.x and 3.x all answer.</summary>
public sealed class InfluxQuery(Uri baseUrl, string database) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };

    public string Database => database;

    public static InfluxQuery ForLocalServices() => new(LocalServices.Current.InfluxUrl, LocalServices.Current.InfluxDatabase);

    /// <summary>The rows of the first series, each a column-name → value map.</summary>
    public async Task<IReadOnlyList<Dictionary<string, JsonElement>>> RowsAsync(string influxQl)
    {
        var url = $"/query?db={Uri.EscapeDataString(database)}&epoch=ns&q={Uri.EscapeDataString(influxQl)}";
        HttpResponseMessage response;
        try { response = await _http.GetAsync(url); }
        catch (HttpRequestException e) { throw LocalServices.NotRunning("InfluxDB", e); }
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var result = body.GetProperty("results")[0];
        if (result.TryGetProperty("error", out var error)) throw new InvalidOperationException(error.GetString());
        var rows = new List<Dictionary<string, JsonElement>>();
        if (!result.TryGetProperty("series", out var series)) return rows;
        foreach (var serie in series.EnumerateArray())
        {
            var columns = serie.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
            var tags = serie.TryGetProperty("tags", out var t) ? t : default;
            foreach (var values in serie.GetProperty("values").EnumerateArray())
            {
                var row = new Dictionary<string, JsonElement>();
                var i = 0;
                foreach (var value in values.EnumerateArray()) row[columns[i++]] = value;
                if (tags.ValueKind == JsonValueKind.Object)
                    foreach (var tag in tags.EnumerateObject()) row[tag.Name] = tag.Value;
                rows.Add(row);
            }
        }
        return rows;
    }

    public async Task<long> CountAsync(string measurement, string field, string where)
    {
        var rows = await RowsAsync($"SELECT count(\"{field}\") FROM \"{measurement}\" WHERE {where}");
        return rows.Count == 0 ? 0 : rows[0]["count"].GetInt64();
    }

    /// <summary>A statement that changes something (CREATE/DROP DATABASE), sent as POST.</summary>
    public async Task ExecuteAsync(string influxQl)
    {
        using var content = new FormUrlEncodedContent([new("q", influxQl)]);
        HttpResponseMessage response;
        try { response = await _http.PostAsync("/query", content); }
        catch (HttpRequestException e) { throw LocalServices.NotRunning("InfluxDB", e); }
        response.EnsureSuccessStatusCode();
    }

    public async Task WriteAsync(string lineProtocol)
    {
        using var content = new StringContent(lineProtocol);
        HttpResponseMessage response;
        try { response = await _http.PostAsync($"/write?db={Uri.EscapeDataString(database)}&precision=ns", content); }
        catch (HttpRequestException e) { throw LocalServices.NotRunning("InfluxDB", e); }
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"InfluxDB write failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => _http.Dispose();
}
