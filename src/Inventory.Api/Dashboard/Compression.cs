using Microsoft.AspNetCore.Http.Features;

namespace Inventory.Api.Dashboard;

/// <summary>
/// Responses are compressed, HTTPS included. A page that holds a secret (a webhook's signing secret, a
/// sign-in form's antiforgery token) beside text a visitor can make it echo would let compression sizes
/// leak that secret (BREACH): such a page is sent uncompressed.
/// </summary>
public static class Compression
{
    public static void Refuse(HttpContext context)
    {
        if (context.Features.Get<IHttpsCompressionFeature>() is { } https) https.Mode = HttpsCompressionMode.DoNotCompress;
        // Plain HTTP (behind a proxy that does not say https) is compressed by the same middleware: turn it off too.
        context.Request.Headers.AcceptEncoding = "identity";
    }
}
