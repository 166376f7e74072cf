using System.Text.Json;
using System.Text.Json.Serialization;

namespace FirmwareSim.Season;

/// <summary>
/// A season file (firmware-sim/seasons/*.json, docs/season.md): the Table's world and what happens in it over
/// some weeks, in Québec time. The same file and seed always give the same season (<see cref="SeasonPlan"/>).
/// </summary>
public sealed record SeasonFile
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>The first day, a Québec date.</summary>
    public required DateOnly FirstDay { get; init; }
    public required int Days { get; init; }
    public string TimeZone { get; init; } = "America/Toronto";
    /// <summary>How often a fridge counts its shelf.</summary>
    public int CountEveryMinutes { get; init; } = 15;
    public required List<SeasonBrewery> Breweries { get; init; }
    public required List<SeasonFridge> Fridges { get; init; }
    /// <summary>Fridge prices that change on a day (the Table's decision, in force from that Québec date on).</summary>
    public List<SeasonPriceChange> PriceChanges { get; init; } = [];
    /// <summary>Wi-Fi outages: the device keeps its messages and sends them, in order, when the network is back.</summary>
    public List<SeasonOutage> Outages { get; init; } = [];

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The instant of a Québec day and time of day.</summary>
    public DateTimeOffset At(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The Monday of a Québec day's week (the Table's weeks run Monday to Sunday).</summary>
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    public static SeasonFile Load(string path)
    {
        try
        {
            var season = JsonSerializer.Deserialize<SeasonFile>(File.ReadAllBytes(path), Options) ?? throw new InvalidDataException($"{path}: empty season");
            season.Validate();
            return season;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private void Validate()
    {
        if (Days is < 1 or > 200) throw new InvalidDataException($"season {Name}: days must be within 1..200");
        if (CountEveryMinutes is < 1 or > 120) throw new InvalidDataException($"season {Name}: countEveryMinutes must be within 1..120");
        _ = Zone;
        var skus = Breweries.SelectMany(b => b.Beers).Select(b => b.Sku).ToHashSet(StringComparer.Ordinal);
        foreach (var fridge in Fridges)
        {
            foreach (var sku in fridge.Skus.Where(s => !skus.Contains(s)))
                throw new InvalidDataException($"fridge {fridge.Device}: SKU {sku} is no brewery's beer");
            foreach (var hours in new[] { fridge.Weekdays, fridge.Weekends })
                if (hours.Opens >= hours.Closes || hours.Closes > new TimeOnly(23, 0))
                    throw new InvalidDataException($"fridge {fridge.Device}: opening hours must open before they close, by 23:00 (a week's sales end with its Sunday)");
        }
        foreach (var change in PriceChanges.Where(c => !skus.Contains(c.Sku)))
            throw new InvalidDataException($"price change: SKU {change.Sku} is no brewery's beer");
        foreach (var outage in Outages.Where(o => Fridges.All(f => f.Device != o.Device)))
            throw new InvalidDataException($"outage: {outage.Device} is not a fridge of the season");
    }
}

public sealed record SeasonBrewery(string Slug, string Name, string Region, List<SeasonBeer> Beers);

/// <summary>A beer and its fridge price at the start of the season.</summary>
public sealed record SeasonBeer(string Sku, string Name, long FridgeCents);

public sealed record OpeningHours(TimeOnly Opens, TimeOnly Closes);

/// <summary>
/// A COOP fridge: its device, the place it stands, when the venue is open, how busy it is, what it holds (topped
/// up to <see cref="Par"/> units a SKU on the restocking days), and how often a can goes missing.
/// </summary>
public sealed record SeasonFridge
{
    public required string Device { get; init; }
    public required string Place { get; init; }
    public required string PlaceName { get; init; }
    public required string Region { get; init; }
    public required OpeningHours Weekdays { get; init; }
    public required OpeningHours Weekends { get; init; }
    public double CustomersPerHour { get; init; } = 3;
    public required List<string> Skus { get; init; }
    public int Par { get; init; } = 24;
    public List<DayOfWeek> RestockDays { get; init; } = [DayOfWeek.Monday, DayOfWeek.Thursday];
    public TimeOnly RestockAt { get; init; } = new(10, 0);
    /// <summary>Cans stolen per open hour (the venue reports each the next morning: a loss, not a sale).</summary>
    public double TheftsPerHour { get; init; }
    /// <summary>Chance that the driver finds a broken can of a SKU at a visit (removed: a loss, not a sale).</summary>
    public double BreakageChance { get; init; }
}

public sealed record SeasonPriceChange(string Sku, DateOnly From, long FridgeCents);

/// <summary>A device's Wi-Fi down from a Québec time for some hours.</summary>
public sealed record SeasonOutage(string Device, DateTime From, double Hours);
