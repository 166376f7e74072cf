using Inventory.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>People sign in here with the accounts of the API (cookie).</summary>
public sealed class ConnexionModel(Accounts accounts, SignInThrottle throttle) : PageModel
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
        var name = username.Trim().ToLowerInvariant();
        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.Attempt(name, address) is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Error = $"Trop de tentatives : réessayez dans {Math.Ceiling(wait.TotalSeconds)} s.";
            return Page();
        }
        var principal = name.Length > 64 || password.Length > 1024 ? null
            : await accounts.SignInAsync(name, password, CookieAuthenticationDefaults.AuthenticationScheme, ct);
        if (principal is null)
        {
            throttle.Failed(name, address);
            Error = "Nom d'utilisateur ou mot de passe incorrect.";
            return Page();
        }
        throttle.Succeeded(name, address);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        if (!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl)) return LocalRedirect(returnUrl);
        return LocalRedirect(principal.IsInRole(Roles.Lead) ? "/flotte" : "/stock");
    }
}
