using Inventory.Api.Auth;
using Inventory.Api.Localisation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

/// <summary>People sign in here with the accounts of the API (cookie).</summary>
public sealed class SignInModel(IStringLocalizer<PageText> L) : PageModel
{
    public string? Error { get; private set; }
    public string? Username { get; private set; }
    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl)
    {
        Compression.Refuse(HttpContext); // the form's antiforgery token
        ReturnUrl = returnUrl;
    }

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        Compression.Refuse(HttpContext); // the token again, beside the username the visitor typed
        Username = username;
        ReturnUrl = returnUrl;
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
        {
            Error = L["Entrez votre nom d'utilisateur et votre mot de passe."];
            return Page();
        }
        var (principal, wait) = await Sessions.SignInAsync(HttpContext, username, password);
        if (wait is { } retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Error = L["Trop de tentatives : réessayez dans {0} s.", Math.Ceiling(retryAfter.TotalSeconds)];
            return Page();
        }
        if (principal is null)
        {
            Error = L["Nom d'utilisateur ou mot de passe incorrect."];
            return Page();
        }
        // Back where the person was, unless that was signing in or out (a blank page to land on).
        if (!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl)
            && !returnUrl.StartsWith("/connexion", StringComparison.OrdinalIgnoreCase) && !returnUrl.StartsWith("/deconnexion", StringComparison.OrdinalIgnoreCase))
            return LocalRedirect(returnUrl);
        return LocalRedirect(principal.IsInRole(Roles.Lead) ? "/flotte" : "/stock");
    }
}
