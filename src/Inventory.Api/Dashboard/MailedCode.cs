namespace Inventory.Api.Dashboard;

/// <summary>
/// A code a mail's link carries to a page (an address's confirmation, a password reset): put in the page's form only when
/// it is one (64 lower-case hex digits), and the page sent uncompressed, since it echoes the code beside the form's
/// antiforgery token (BREACH).
/// </summary>
public static class MailedCode
{
    public static string? FromLink(HttpContext http, string? code)
    {
        Compression.Refuse(http);
        return code is { Length: 64 } && code.All(char.IsAsciiHexDigitLower) ? code : null;
    }
}
