using Microsoft.Extensions.Options;

namespace Inventory.Api.Infrastructure;

/// <summary>The Table's own settings (section <c>Table</c>), validated at start.</summary>
public sealed class TableOptions
{
    public const string Section = "Table";

    /// <summary>
    /// The IANA zone of every calendar notion (a day, a Monday-to-Sunday week, a report period, a price's validity).
    /// The Table lives in Québec time: Montréal uses America/Toronto.
    /// </summary>
    public string TimeZone { get; set; } = TableCalendar.QuebecZone;
}

public sealed class TableOptionsValidator : IValidateOptions<TableOptions>
{
    public ValidateOptionsResult Validate(string? name, TableOptions o) => TableCalendar.TryZone(o.TimeZone) is null
        ? ValidateOptionsResult.Fail($"Table__TimeZone is not a known IANA zone: '{o.TimeZone}'")
        : ValidateOptionsResult.Success;
}

/// <summary>
/// The Table's calendar (rule "Figures come from the facts, in event time"): a sale at 21:00 in Montréal belongs to that evening's date, a week runs
/// Monday to Sunday in Québec, a period's last day ends at Québec midnight, across both changes of daylight time.
/// The database sessions run in the same zone (<c>Extensions.AddInventoryData</c>), so <c>::date</c> and
/// <c>date_trunc</c> on a <c>timestamptz</c> cut at the same midnights as this class.
/// </summary>
public sealed class TableCalendar(TimeZoneInfo zone, TimeProvider time)
{
    public const string QuebecZone = "America/Toronto";

    public TableCalendar(IOptions<TableOptions> options, TimeProvider time) : this(TryZone(options.Value.TimeZone)!, time) { }

    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>The zone's IANA id, as PostgreSQL and InfluxQL's <c>tz()</c> know it.</summary>
    public string ZoneId => Zone.Id;

    /// <summary>The injected clock's now (an instant: the same everywhere).</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Today's date in the Table's zone.</summary>
    public DateOnly Today => DateOf(time.GetUtcNow());

    /// <summary>The Table's date of an instant.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant a Table day starts (its local midnight: no zone the Table could use changes time at midnight).</summary>
    public DateTimeOffset StartOf(DateOnly day) => At(day, TimeOnly.MinValue);

    /// <summary>The instant a Table day shows a time of day on its clocks (a time the zone skips: the first that exists after it).</summary>
    public DateTimeOffset At(DateOnly day, TimeOnly timeOfDay)
    {
        var local = day.ToDateTime(timeOfDay, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The instants of a period of whole days, <paramref name="first"/> to <paramref name="last"/> included: [start, end).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Days(DateOnly first, DateOnly last) => (StartOf(first), StartOf(last.AddDays(1)));

    /// <summary>The Monday of a date's week.</summary>
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>An instant as the Table's clocks show it.</summary>
    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>
    /// An instant as pages and mail show it: the Table's clock and the zone's abbreviation, in the reader's language
    /// ("2026-07-14 14:03 HAE", "… EDT" in English: the abbreviation is a page word).
    /// </summary>
    public string Show(DateTimeOffset instant, Microsoft.Extensions.Localization.IStringLocalizer words) =>
        $"{Local(instant):yyyy-MM-dd HH:mm} {words[Abbreviation(instant)]}";

    /// <summary>The same in a text that is not a page (mail): French, or English (EDT/EST for HAE/HNE).</summary>
    public string Show(DateTimeOffset instant, bool english)
    {
        var abbreviation = Abbreviation(instant);
        if (english) abbreviation = abbreviation switch { "HAE" => "EDT", "HNE" => "EST", _ => abbreviation };
        return $"{Local(instant):yyyy-MM-dd HH:mm} {abbreviation}";
    }

    /// <summary>Québec's names of Eastern time (heure normale / avancée de l'Est); for another zone, its offset then.</summary>
    public string Abbreviation(DateTimeOffset instant)
    {
        if (ZoneId is QuebecZone or "America/Montreal") return Zone.IsDaylightSavingTime(instant) ? "HAE" : "HNE";
        var offset = Zone.GetUtcOffset(instant);
        return $"UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture)}";
    }

    public static TimeZoneInfo? TryZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return null; }
    }
}
