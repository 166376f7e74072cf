using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

public sealed class DeconnexionModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await Auth.Sessions.SignOutAsync(HttpContext);
        return LocalRedirect("/connexion");
    }
}
