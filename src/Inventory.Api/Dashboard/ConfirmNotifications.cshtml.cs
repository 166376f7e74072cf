using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Where a confirmation mail's link leads: the code in the form, confirmed by a press (signed in or not).</summary>
public sealed class ConfirmNotificationsModel : PageModel
{
    public string? Jeton { get; private set; }

    public void OnGet(string? jeton) => Jeton = MailedCode.FromLink(HttpContext, jeton);
}
