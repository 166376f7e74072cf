using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Where a password reset mail's link leads: the code in the form, the new password typed, sent by a press (signed out).</summary>
public sealed class NewPasswordModel : PageModel
{
    public string? Code { get; private set; }

    public void OnGet(string? code) => Code = MailedCode.FromLink(HttpContext, code);
}
