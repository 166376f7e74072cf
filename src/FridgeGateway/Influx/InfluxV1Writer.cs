using System.Net;

namespace FridgeGateway.Influx;

/// <summary>InfluxDB 1.x <c>/write</c>, gzip-compressed, nanosecond precision.</summary>
public sealed class InfluxV1Writer(HttpClient http, InfluxOptions options) : LineProtocolSinkWriter(options.MaxBatchItems)
{
    private readonly string _path = BuildPath(options);

    protected override async Task<(HttpStatusCode Status, string Error)> SendAsync(LineProtocolBody body, CancellationToken cancellationToken)
    {
        using var content = new GzipLineProtocolContent(body);
        using var response = await http.PostAsync(_path, content, cancellationToken);
        var error = response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, error);
    }

    private static string BuildPath(InfluxOptions options)
    {
        var path = $"write?db={Uri.EscapeDataString(options.Database!)}&precision=ns";
        if (!string.IsNullOrEmpty(options.Username))
            path += $"&u={Uri.EscapeDataString(options.Username)}&p={Uri.EscapeDataString(options.Password ?? "")}";
        return path;
    }
}
