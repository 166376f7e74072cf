using Microsoft.Extensions.Options;

namespace FridgeGateway.Inventory;

/// <summary>Where sales and stock counts are forwarded. Without <c>Inventory__BaseUrl</c> forwarding is off.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public int Parallelism { get; set; } = 8;

    public bool Enabled => !string.IsNullOrWhiteSpace(BaseUrl);
}

public sealed class InventoryOptionsValidator : IValidateOptions<InventoryOptions>
{
    public ValidateOptionsResult Validate(string? name, InventoryOptions o)
    {
        if (!o.Enabled) return ValidateOptionsResult.Success;
        var errors = new List<string>();
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            errors.Add("Inventory__BaseUrl must be an http(s) URL");
        if (string.IsNullOrWhiteSpace(o.ApiKey)) errors.Add("Inventory__ApiKey is required when Inventory__BaseUrl is set (an API key of role gateway)");
        if (o.Parallelism is < 1 or > 64) errors.Add("Inventory__Parallelism must be within 1..64");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
