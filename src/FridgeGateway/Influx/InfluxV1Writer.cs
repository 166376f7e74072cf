using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace FridgeGateway.Influx;

/// <summary>InfluxDB 1.x <c>/write</c>, gzip-compressed, nanosecond precision.</summary>
public sealed class InfluxV1Writer(HttpClient http, InfluxOptions options) : LineProtocolSinkWriter(options.MaxBatchItems)
{
    private readonly string _path = BuildPath(options);

    protected override async Task<(HttpStatusCode Status, string Error)> SendAsync(string body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Gzip(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        content.Headers.ContentEncoding.Add("gzip");
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

    private static byte[] Gzip(string body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(body));
        return buffer.ToArray();
    }
}
