using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Where a confirmation mail's link leads: the code in the form, confirmed by a press (signed in or not).</summary>
public sealed class ConfirmNotificationsModel : PageModel
{
    public string? Jeton { get; private set; }

    public void OnGet(string? jeton)
    {
        // The code from the address bar is echoed beside the form's antiforgery token: sent uncompressed (BREACH).
        Compression.Refuse(HttpContext);
        Jeton = jeton is { Length: 64 } && jeton.All(char.IsAsciiHexDigitLower) ? jeton : null;
    }
}
