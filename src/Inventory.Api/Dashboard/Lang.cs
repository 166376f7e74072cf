using Microsoft.AspNetCore.Mvc.Rendering;

namespace Inventory.Api.Dashboard;

/// <summary>French first, English on request (a cookie set by /langue): the users are Québécois.</summary>
public static class Lang
{
    public const string Cookie = "frigo.lang";

    public static bool English(HttpContext http) => http.Request.Cookies[Cookie] == "en";

    /// <summary>The French text, or the English one when the person chose English.</summary>
    public static string T(this IHtmlHelper html, string fr, string en) => English(html.ViewContext.HttpContext) ? en : fr;

    public static WebApplication MapLanguageSwitch(this WebApplication app)
    {
        app.MapGet("/langue", (string? l, string? retour, HttpContext http) =>
        {
            http.Response.Cookies.Append(Cookie, l == "en" ? "en" : "fr", new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(retour is { Length: > 0 } && retour.StartsWith('/') && !retour.StartsWith("//", StringComparison.Ordinal) ? retour : "/");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
