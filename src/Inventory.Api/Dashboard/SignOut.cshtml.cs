using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Signing out is a POST; a GET here (the back button, a bookmark) goes to the sign-in page rather than a blank one.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/connexion");

    public async Task<IActionResult> OnPostAsync()
    {
        await Auth.Sessions.SignOutAsync(HttpContext);
        return LocalRedirect("/connexion");
    }
}
