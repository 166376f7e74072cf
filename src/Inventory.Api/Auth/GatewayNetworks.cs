using System.Net;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Auth;

/// <summary>
/// Where the gateway's key may be used from (<c>Gateway__AllowedNetworks</c>, CIDR ranges separated by commas): the
/// stack's own network in a deployment. The proxy already answers 404 to device reports; this is the second wall, so
/// that a stolen gateway key is refused from anywhere else even if a route were exposed by mistake. Unset: from
/// anywhere (a local run, the tests).
/// </summary>
public sealed class GatewayNetworkOptions
{
    public const string Section = "Gateway";

    private IReadOnlyList<IPNetwork>? _networks;

    public string? AllowedNetworks { get; set; }

    /// <summary>The ranges as written, one per comma (what the validator checks).</summary>
    public IEnumerable<string> Ranges => (AllowedNetworks ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parsed once: every device report the gateway posts asks <see cref="Allows"/>.</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks ??= [.. Ranges.Select(IPNetwork.Parse)];

    /// <summary>Whether a request from this address may use the gateway's key (an unknown address may not, once networks are set).</summary>
    public bool Allows(IPAddress? address)
    {
        var networks = Networks;
        if (networks.Count == 0) return true;
        if (address is null) return false;
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return networks.Any(n => n.Contains(plain));
    }
}

public sealed class GatewayNetworkOptionsValidator : IValidateOptions<GatewayNetworkOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayNetworkOptions o)
    {
        var bad = o.Ranges.Where(n => !IPNetwork.TryParse(n, out _)).ToList();
        return bad.Count == 0 ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Gateway__AllowedNetworks must be CIDR ranges separated by commas (e.g. 172.30.0.0/24): {string.Join(", ", bad)}");
    }
}
