using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Localisation;

/// <summary>
/// The words of the pages, filed in <c>Resources/Localisation.PageText.{language}.resx</c>. A sentence's key is
/// its French text (the Table works in French), so French needs no file and English is one: a third language
/// is a third file. A code the API returns (a status, a role, a kind) is a key of its own, worded in French in
/// the neutral file <c>Resources/Localisation.PageText.resx</c>.
/// </summary>
public sealed class PageText;

/// <summary>
/// Request localisation: the pages are French (fr-CA) unless the person chose English (the culture cookie, set
/// by <c>/langue</c>); the API answers in the language <c>Accept-Language</c> asks for, English when none. Numbers, money and
/// dates follow the culture (3 000 and 1 234,56 $ in French, 3,000 and $1,234.56 in English).
/// </summary>
public static class Language
{
    public const string Cookie = "frigo.lang";
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-CA");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-CA");
    private static readonly CultureInfo[] Supported = [French, English];

    public static IServiceCollection AddFrigoLocalisation(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(French);
            o.SupportedCultures = Supported;
            o.SupportedUICultures = Supported;
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = Cookie },
                // Only the API follows the header, and speaks its own English to a script that sends none: a
                // browser's header is its operating system's, often English on a Québécois laptop, so the pages
                // stay French until the person picks English (the pages' forms send the page's language).
                new CustomRequestCultureProvider(http => Task.FromResult(ForMachines(http.Request.Path)
                    ? FromAcceptLanguage(http) ?? new ProviderCultureResult(English.Name) : null)),
            ];
        });
        return services;
    }

    /// <summary>The API and the probes (/readyz, /healthz, the OpenAPI document): scripts' addresses, not pages.</summary>
    private static bool ForMachines(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/openapi");

    /// <summary>The first of French or English the header accepts, by quality; any region of either will do.</summary>
    private static ProviderCultureResult? FromAcceptLanguage(HttpContext http)
    {
        var languages = http.Request.GetTypedHeaders().AcceptLanguage;
        foreach (var language in languages.Where(l => l.Quality is not 0).OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (Of(tag) is { } culture) return new ProviderCultureResult(culture.Name);
        }
        return null;
    }

    /// <summary>The supported culture a language tag asks for (<c>fr</c>, <c>fr-FR</c>, <c>en-US</c>…), if any.</summary>
    public static CultureInfo? Of(string tag) =>
        tag.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? French
        : tag.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English
        : null;

    /// <summary><c>/langue?l=en&amp;retour=/stock</c>: the link in every page's header sets the culture cookie.</summary>
    public static WebApplication MapLanguageSwitch(this WebApplication app)
    {
        app.MapGet("/langue", (string? l, string? retour, HttpContext http) =>
        {
            var culture = Of(l ?? "") ?? French;
            http.Response.Cookies.Append(Cookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(IsLocal(retour) ? retour! : "/");
        })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>A path of this site: "/x", not "//host" nor "/\\host" (which a browser takes for another site).</summary>
    private static bool IsLocal(string? path) => path is { Length: > 0 } && path[0] == '/' && (path.Length == 1 || path[1] is not ('/' or '\\'));

    /// <summary>A whole number as the page's language writes it: 3 000 in French, 3,000 in English.</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>Money as Canadians write it: 1 234,56 $ in French, $1,234.56 in English; never broken across two lines
    /// (ICU's fr-CA puts a plain space before the $).</summary>
    public static string Money(long cents) => (cents / 100m).ToString("C", CultureInfo.CurrentCulture).Replace(' ', '\u00a0');

    /// <summary>The words of a code in a given culture, outside a request (a notification is written in both).</summary>
    public static string Word(string code, CultureInfo culture) =>
        Words.GetString(code, culture) ?? code;

    private static readonly System.Resources.ResourceManager Words =
        new("Inventory.Api.Resources.Localisation.PageText", typeof(PageText).Assembly);
}
