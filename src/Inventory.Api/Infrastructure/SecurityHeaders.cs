using System.Security.Cryptography;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// Headers every answer carries: a Content-Security-Policy that lets a page run only its own scripts (each
/// inline script carries this response's nonce, <see cref="Nonce"/>) and lets nothing run from any other
/// answer, no framing, no MIME sniffing, no referrer leaving the site. The pages draw their charts as SVG in the page and style a few elements
/// inline, hence <c>style-src 'unsafe-inline'</c>; scripts get no such allowance.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "csp-nonce";

    /// <summary>The nonce of this response, for <c>&lt;script nonce="…"&gt;</c>.</summary>
    public static string Nonce(HttpContext http)
    {
        if (http.Items[NonceKey] is string nonce) return nonce;
        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)); // hex: nothing to encode in an attribute
        http.Items[NonceKey] = nonce;
        return nonce;
    }

    public static Task Add(HttpContext http, RequestDelegate next)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            // A page's own inline scripts run with its nonce (asked for while rendering); any other answer (JSON,
            // CSV) gets a policy that lets nothing run, and no random bytes are spent on it.
            var page = http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
            var scripts = http.Items[NonceKey] is string nonce ? $"'self' 'nonce-{nonce}'" : "'self'";
            headers.ContentSecurityPolicy = page
                ? $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
                : "default-src 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        return next(http);
    }
}

/// <summary><c>&lt;script nonce="@Html.CspNonce()"&gt;</c> in a page.</summary>
public static class CspNonceHtml
{
    public static string CspNonce(this Microsoft.AspNetCore.Mvc.Rendering.IHtmlHelper html) => SecurityHeaders.Nonce(html.ViewContext.HttpContext);
}
