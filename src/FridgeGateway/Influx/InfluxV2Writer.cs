using System.Net;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace FridgeGateway.Influx;

/// <summary>InfluxDB 2.x/3.x through InfluxDB.Client (gzip on), the same line protocol as 1.x.</summary>
public sealed class InfluxV2Writer : LineProtocolSinkWriter, IDisposable
{
    private readonly InfluxDBClient _client;
    private readonly InfluxOptions _options;

    public InfluxV2Writer(InfluxOptions options) : base(options.MaxBatchItems)
    {
        _options = options;
        _client = new InfluxDBClient(new InfluxDBClientOptions(options.Url!)
        {
            Token = options.Token, Org = options.Org, Bucket = options.Bucket, Timeout = TimeSpan.FromSeconds(30),
        });
        _client.EnableGzip();
    }

    protected override async Task<(HttpStatusCode Status, string Error)> SendAsync(LineProtocolBody body, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetWriteApiAsync().WriteRecordAsync(body.ToString(), WritePrecision.Ns, _options.Bucket, _options.Org, cancellationToken);
            return (HttpStatusCode.NoContent, "");
        }
        catch (HttpException e)
        {
            return ((HttpStatusCode)e.Status, e.Message);
        }
    }

    public void Dispose() => _client.Dispose();
}
