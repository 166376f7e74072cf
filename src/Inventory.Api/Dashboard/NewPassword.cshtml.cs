using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Where a password reset mail's link leads: the code in the form, the new password typed, sent by a press (signed out).</summary>
public sealed class NewPasswordModel : PageModel
{
    public string? Code { get; private set; }

    public void OnGet(string? code)
    {
        // The code from the address bar is echoed beside the form's antiforgery token: sent uncompressed (BREACH).
        Compression.Refuse(HttpContext);
        Code = code is { Length: 64 } && code.All(char.IsAsciiHexDigitLower) ? code : null;
    }
}
