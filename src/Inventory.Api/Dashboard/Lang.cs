using Microsoft.AspNetCore.Mvc.Rendering;

namespace Inventory.Api.Dashboard;

/// <summary>French first, English on request (a cookie set by /langue): the users are Québécois.</summary>
public static class Lang
{
    public const string Cookie = "frigo.lang";

    public static bool English(HttpContext http) => http.Request.Cookies[Cookie] == "en";

    /// <summary>The French text, or the English one when the person chose English.</summary>
    public static string T(this IHtmlHelper html, string fr, string en) => English(html.ViewContext.HttpContext) ? en : fr;

    /// <summary>A whole number as each language writes it: 3 000 in French, 3,000 in English.</summary>
    public static string Number(this IHtmlHelper html, long value) =>
        value.ToString("#,##0", English(html.ViewContext.HttpContext) ? System.Globalization.CultureInfo.InvariantCulture : FrenchNumbers);

    // Invariant globalization (no ICU on small images): the French separators by hand.
    private static readonly System.Globalization.NumberFormatInfo FrenchNumbers = new() { NumberGroupSeparator = "\u00a0", NegativeSign = "−" };

    /// <summary>The words of the API's codes (statuses, roles, kinds, channels) as people read them.</summary>
    public static string Word(this IHtmlHelper html, string code) =>
        Words.TryGetValue(code, out var word) ? English(html.ViewContext.HttpContext) ? word.En : word.Fr : code;

    private static readonly Dictionary<string, (string Fr, string En)> Words = new(StringComparer.Ordinal)
    {
        // Collab brews: lifecycle, partner roles.
        ["planned"] = ("planifié", "planned"), ["brewed"] = ("brassé", "brewed"), ["fermenting"] = ("en fermentation", "fermenting"),
        ["packaged"] = ("conditionné", "packaged"), ["released"] = ("lancé", "released"), ["closed"] = ("clos", "closed"),
        ["co_brewer"] = ("co-brasseur", "co-brewer"), ["ingredient_supplier"] = ("fournisseur d'ingrédients", "ingredient supplier"),
        ["designer"] = ("designer", "designer"), ["other"] = ("autre", "other"),
        // Ledger movements.
        ["production"] = ("production", "production"), ["transfer"] = ("transfert", "transfer"), ["sale"] = ("vente", "sale"),
        ["loss"] = ("perte", "loss"), ["count_adjustment"] = ("ajustement d'inventaire", "count adjustment"), ["return"] = ("retour", "return"),
        // Membership of the Table.
        ["candidate"] = ("candidate", "candidate"), ["member"] = ("membre", "member"), ["former"] = ("ancienne membre", "former member"),
        // Channels of the funder report.
        ["frigos"] = ("frigos COOP", "COOP fridges"), ["kiosques"] = ("kiosques de festival", "festival kiosks"),
        ["tournee"] = ("tournée", "tour"), ["epiceries"] = ("épiceries", "grocery stores"),
    };

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
