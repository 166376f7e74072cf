using Inventory.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>People sign in here with the accounts of the API (cookie).</summary>
public sealed class ConnexionModel(Accounts accounts) : PageModel
{
    public string? Error { get; private set; }
    public string? Username { get; private set; }
    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl, CancellationToken ct)
    {
        Username = username;
        ReturnUrl = returnUrl;
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
        {
            Error = "Entrez votre nom d'utilisateur et votre mot de passe.";
            return Page();
        }
        var principal = await accounts.SignInAsync(username.Trim().ToLowerInvariant(), password, CookieAuthenticationDefaults.AuthenticationScheme, ct);
        if (principal is null)
        {
            Error = "Nom d'utilisateur ou mot de passe incorrect.";
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        if (!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl)) return LocalRedirect(returnUrl);
        return LocalRedirect(principal.IsInRole(Roles.Lead) ? "/flotte" : "/stock");
    }
}
