using Microsoft.Extensions.Options;

namespace FridgeGateway.Influx;

/// <summary>
/// InfluxDB settings. Two write dialects, chosen by which settings are present: InfluxDB 1.x
/// <c>/write</c> (<c>Influx__Database</c>) or 2.x/3.x through InfluxDB.Client (<c>Influx__Bucket</c>,
/// <c>Influx__Org</c>, <c>Influx__Token</c>).
/// </summary>
public sealed class InfluxOptions
{
    public const string Section = "Influx";
    public string? Url { get; set; }
    public string? Database { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string? Token { get; set; }
    public string? Org { get; set; }
    public string? Bucket { get; set; }
    /// <summary>Items (messages) per write; a batch from MQTT is cut to this size.</summary>
    public int MaxBatchItems { get; set; } = 5000;

    public bool UsesV2 => !string.IsNullOrEmpty(Bucket);
}

public sealed class InfluxOptionsValidator : IValidateOptions<InfluxOptions>
{
    public ValidateOptionsResult Validate(string? name, InfluxOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            errors.Add("Influx__Url must be an http(s) URL, e.g. http://127.0.0.1:8086");
        if (o.UsesV2)
        {
            if (string.IsNullOrEmpty(o.Org)) errors.Add("Influx__Org is required with Influx__Bucket (InfluxDB 2.x/3.x)");
            if (string.IsNullOrEmpty(o.Token)) errors.Add("Influx__Token is required with Influx__Bucket (InfluxDB 2.x/3.x)");
        }
        else if (string.IsNullOrEmpty(o.Database))
        {
            errors.Add("Influx__Database (InfluxDB 1.x) or Influx__Bucket with Influx__Org and Influx__Token (2.x/3.x) is required");
        }
        if (o.MaxBatchItems is < 1 or > 100_000) errors.Add("Influx__MaxBatchItems must be within 1..100000");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
