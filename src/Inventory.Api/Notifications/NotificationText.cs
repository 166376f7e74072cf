using System.Globalization;
using Inventory.Api.Alerts;
using Inventory.Api.Infrastructure;
using Inventory.Api.Localisation;

namespace Inventory.Api.Notifications;

/// <summary>What happened, as the event's facts (read once at fan-out).</summary>
public sealed record EventFacts(long Id, string Kind, string? DeviceId, string? AlertType, DateTimeOffset? RaisedAt, string? Detail, double? Peak, string? Place,
    string? Sku, string? BeerName, int? Units, int? ParUnits, string? LotCode = null);

/// <summary>The words of a notification: French first (the Table works in French), English below.</summary>
public static class NotificationText
{
    /// <param name="calendar">Times are shown on the Table's clock with the zone's abbreviation, in each language.</param>
    public static (string Subject, string Body) For(EventFacts e, string? dashboardUrl, TableCalendar calendar) => e.Kind switch
    {
        "alert_raised" => ($"{Capital(AlertTypes.Name(e.AlertType!, Language.French))} — {e.Place ?? e.DeviceId}",
            $"{Capital(AlertTypes.Name(e.AlertType!, Language.French))} : {e.Place ?? "?"} (appareil {e.DeviceId}), depuis {Time(e.RaisedAt, calendar, english: false)}. {e.Detail}{Peak(e)}\n"
            + $"{Capital(AlertTypes.Name(e.AlertType!, Language.English))}: {e.Place ?? "?"} (device {e.DeviceId}), since {Time(e.RaisedAt, calendar, english: true)}.\n"
            + Link(dashboardUrl, "/alertes", "Accuser réception / Acknowledge")),
        "alert_escalated" => ($"Sans réponse : {AlertTypes.Name(e.AlertType!, Language.French)} — {e.Place ?? e.DeviceId}",
            $"Personne n'a accusé réception de cette alerte : {AlertTypes.Name(e.AlertType!, Language.French)} à {e.Place ?? "?"} (appareil {e.DeviceId}), depuis {Time(e.RaisedAt, calendar, english: false)}. {e.Detail}\n"
            + $"Nobody acknowledged this alert: {AlertTypes.Name(e.AlertType!, Language.English)} at {e.Place ?? "?"} (device {e.DeviceId}), since {Time(e.RaisedAt, calendar, english: true)}.\n"
            + Link(dashboardUrl, "/alertes", "Accuser réception / Acknowledge")),
        "low_stock" => ($"Sous le niveau cible : {e.BeerName} — {e.Place}",
            $"{e.BeerName} ({e.Sku}) à {e.Place} : {e.Units} unités pour un niveau cible de {e.ParUnits}.\n"
            + $"{e.BeerName} ({e.Sku}) at {e.Place}: {e.Units} units for a par level of {e.ParUnits}.\n"
            + Link(dashboardUrl, "/tournees", "Préparer une tournée / Make a round")),
        "stock_exposed" => ($"Bière exposée à la chaleur : {e.BeerName} — {e.Place}",
            $"{e.BeerName} ({e.Sku}), lot {Lot(e.LotCode)} : {e.Units} unités sont restées au chaud à {e.Place} (au-dessus de la limite depuis {Time(e.RaisedAt, calendar, english: false)}{Peak(e)}). Garder ou jeter ?\n"
            + $"{e.BeerName} ({e.Sku}), lot {Lot(e.LotCode)}: {e.Units} units stood warm at {e.Place} (above the limit since {Time(e.RaisedAt, calendar, english: true)}). Keep or discard?\n"
            + Link(dashboardUrl, "/stock#exposed", "Décider / Decide")),
        "stock_exposure_withdrawn" => ($"Plus exposée à la chaleur : {e.BeerName} — {e.Place}",
            $"{e.BeerName} ({e.Sku}), lot {Lot(e.LotCode)} à {e.Place} : ce qui est arrivé depuis (la fin de l'alerte, des ventes) montre que ces unités ne sont pas restées assez longtemps au chaud. Rien à décider.\n"
            + $"{e.BeerName} ({e.Sku}), lot {Lot(e.LotCode)} at {e.Place}: what has come in since (the end of the alert, sales) shows these units did not stand warm long enough. Nothing to decide.\n"),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "no text for this kind of event"),
    };

    /// <summary>The mail that asks the owner of an address to confirm it: the code, and the page to type it on (or the link).</summary>
    public static (string Subject, string Body) Verification(string token, string? dashboardUrl)
    {
        var page = dashboardUrl is null ? null : $"{dashboardUrl.TrimEnd('/')}/avis/confirmer?jeton={token}";
        return ("Confirmez votre adresse / Confirm your address",
            "Quelqu'un a demandé les avis de Frigo COOP à cette adresse. Si c'est vous, confirmez-la"
            + (page is null ? $" avec ce code sur la page « Mes avis » : {token}" : $" ici : {page}") + ". Sinon, ne faites rien : rien d'autre ne vous sera envoyé.\n"
            + "Someone asked for Frigo COOP's notifications at this address. If it was you, confirm it"
            + (page is null ? $" with this code on the “My notifications” page: {token}" : $" here: {page}") + ". If not, do nothing: nothing else will be sent to you.\n");
    }

    /// <summary>The mail with a password reset's code: the page to choose the new password on (or the code alone), and what to do if nobody asked.</summary>
    public static (string Subject, string Body) PasswordReset(string code, string? dashboardUrl)
    {
        var page = dashboardUrl is null ? null : $"{dashboardUrl.TrimEnd('/')}/mot-de-passe/nouveau?code={code}";
        return ("Nouveau mot de passe / New password",
            "Quelqu'un a demandé un nouveau mot de passe pour votre compte Frigo COOP. Si c'est vous, choisissez-le"
            + (page is null ? $" avec ce code sur la page « Nouveau mot de passe » (/mot-de-passe/nouveau) : {code}" : $" ici : {page}") + " (dans l'heure, une fois). Sinon, ne faites rien : votre mot de passe ne change pas.\n"
            + "Someone asked for a new password for your Frigo COOP account. If it was you, choose it"
            + (page is null ? $" with this code on the “New password” page (/mot-de-passe/nouveau): {code}" : $" here: {page}") + " (within the hour, once). If not, do nothing: your password stays as it is.\n");
    }

    /// <summary>One mail for several notifications: the subject counts them, the body lists them.</summary>
    public static (string Subject, string Body) Digest(IReadOnlyList<(string Subject, string Body)> items) => items.Count == 1
        ? ($"[Frigo COOP] {items[0].Subject}", items[0].Body)
        : ($"[Frigo COOP] {items.Count} avis / notices", string.Join("\n\n", items.Select(i => $"• {i.Subject}\n{i.Body}")));

    private static string Lot(string? lot) => string.IsNullOrEmpty(lot) ? "—" : lot;
    private static string Time(DateTimeOffset? at, TableCalendar calendar, bool english) => at is { } instant ? calendar.Show(instant, english) : "?";
    private static string Peak(EventFacts e) => e.Peak is { } peak && e.AlertType is "temperature_high" or "temperature_low" ? $" ({peak.ToString("0.0", CultureInfo.InvariantCulture)} °C)" : "";
    private static string Link(string? dashboardUrl, string path, string words) => dashboardUrl is null ? "" : $"{words} : {dashboardUrl.TrimEnd('/')}{path}\n";
    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
