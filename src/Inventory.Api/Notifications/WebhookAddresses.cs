using System.Net;
using System.Net.Sockets;

namespace Inventory.Api.Notifications;

/// <summary>
/// A webhook is an address a person typed, which the server then posts to: it must not reach the server's
/// own network (InfluxDB's /query takes a POST, PostgreSQL and the broker listen on loopback). Checked at
/// subscription for literal addresses and at every connection for what the name resolves to (DNS rebinding).
/// </summary>
public static class WebhookAddresses
{
    public static bool IsPrivateLiteral(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IsPrivate(address));

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or 127 || b[0] >= 224              // this network, private, loopback, multicast and reserved
            || (b[0] == 100 && b[1] is >= 64 and <= 127)            // carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)                         // link-local (cloud metadata)
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168);
    }

    /// <summary>A handler that connects only to public addresses (unless allowed), whatever the name resolves to.</summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false, // a redirect could point anywhere
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = addresses.Where(a => allowPrivate || !IsPrivate(a)).ToArray();
            if (allowed.Length == 0) throw new WebhookRefusedException($"{context.DnsEndPoint.Host} is on a private or local network");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>The webhook's address or answer refuses the delivery: retrying will not help, repeated it disables the webhook.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);
