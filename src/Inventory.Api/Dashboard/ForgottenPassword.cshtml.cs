using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>A person who forgot their password asks for a link by mail (signed out).</summary>
public sealed class ForgottenPasswordModel : PageModel
{
    public void OnGet() { }
}
