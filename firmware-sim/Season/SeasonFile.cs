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
    /// <summary>Festivals with kiosks; the same kiosk device may serve several, one after the other.</summary>
    public List<SeasonFestival> Festivals { get; init; } = [];
    /// <summary>The grocery pilot: stores that sell the Table's beers and report each week what they sold.</summary>
    public List<SeasonGroceryStore> GroceryStores { get; init; } = [];
    /// <summary>Kiosk devices reflashed at a Québec time: their <c>seq</c> restarts at 1 (a new message, not a redelivery).</summary>
    public List<SeasonReflash> Reflashes { get; init; } = [];
    /// <summary>
    /// A fridge's mains power cut from a Québec time for some hours: its device, on battery, says <c>power_lost</c> then
    /// <c>power_restored</c> (held like any message by a Wi-Fi outage), and the gateway raises and clears the alert.
    /// </summary>
    public List<SeasonPowerCut> PowerCuts { get; init; } = [];
    /// <summary>
    /// Hot spells a fridge cannot keep up with, from a Québec time for some hours: its temperature climbs to its peak over
    /// the first quarter, stays, and falls back over the last; its readings (one with each count) say so, and the gateway
    /// raises <c>temperature_high</c> when they stay above 8 °C for 15 minutes.
    /// </summary>
    public List<SeasonHeatWave> HeatWaves { get; init; } = [];
    /// <summary>Fridges the Table buys and keeps in storage (not placed anywhere yet): bought, owned, not placed.</summary>
    public List<SeasonAsset> SpareFridges { get; init; } = [];
    /// <summary>Collaboration brews: planned, contributed to, brewed, packaged into the ledger and settled through the API.</summary>
    public List<SeasonCollabBrew> CollabBrews { get; init; } = [];
    /// <summary>
    /// The money settings the Table sets from a day (docs/ledger.md, "Money": <c>gst</c>, <c>qst</c>,
    /// <c>deposit:{format}</c>, <c>taxes-included:{channel}</c>): the world sets each one, and the months' statements are
    /// compared with what they make of the true sales.
    /// </summary>
    public List<SeasonMoneySetting> Money { get; init; } = [];

    /// <summary>The festivals and tours that take place (not cancelled).</summary>
    public IEnumerable<SeasonFestival> HeldFestivals => Festivals.Where(f => f.CancelledOn is null);

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The instant of a Québec day and time of day.</summary>
    public DateTimeOffset At(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The Monday of a Québec day's week (the Table's weeks run Monday to Sunday).</summary>
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>A money setting's value on a day: the latest set from that day or before; null when none is.</summary>
    public long? MoneySettingOn(string name, DateOnly day) =>
        Money.Where(m => m.Name == name && m.From <= day).OrderBy(m => m.From).LastOrDefault()?.Value;

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The collab parts a fridge sells: each part's SKU, its brewery, and the brew and sale it comes from.</summary>
    public IEnumerable<(string Sku, SeasonBrewery Brewery, SeasonCollabBrew Brew, SeasonCollabSale Sale)> CollabPartsIn(string device) =>
        CollabBrews.SelectMany(brew => brew.Sold.Where(s => s.Fridge == device)
            .Select(s => (brew.PartSku(s.Partner, s.Sku), Breweries.Single(b => b.Slug == brew.Partners.Single(p => p.Key == s.Partner).Brewery), brew, s)));

    /// <summary>Every SKU a fridge holds at some time: its beers, then the collab parts it sells once released.</summary>
    public IEnumerable<string> FridgeSkus(SeasonFridge fridge) => fridge.Skus.Concat(CollabPartsIn(fridge.Device).Select(p => p.Sku));

    /// <summary>Whose sale a SKU's is: its brewery's for a beer; a collab part's brewery for a part (docs/collab-brews.md).</summary>
    public Dictionary<string, string> Sellers()
    {
        var sellers = Breweries.SelectMany(b => b.Beers.Select(beer => (beer.Sku, b.Slug))).ToDictionary(x => x.Sku, x => x.Slug, StringComparer.Ordinal);
        foreach (var fridge in Fridges)
            foreach (var (sku, brewery, _, _) in CollabPartsIn(fridge.Device)) sellers[sku] = brewery.Slug;
        return sellers;
    }

    /// <summary>A SKU's package format: a beer's, or its collab packaging line's.</summary>
    public string FormatOf(string sku) =>
        Breweries.SelectMany(b => b.Beers).FirstOrDefault(b => b.Sku == sku)?.Format
        ?? CollabBrews.SelectMany(brew => brew.Sold.Where(s => brew.PartSku(s.Partner, s.Sku) == sku).Select(s => brew.Lines.Single(l => l.Sku == s.Sku).Format)).First();

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
        foreach (var fridge in Fridges)
            foreach (var move in fridge.Moves.Where(m => m.At < FirstDay.ToDateTime(TimeOnly.MinValue) || m.At >= FirstDay.AddDays(Days).ToDateTime(TimeOnly.MinValue)))
                throw new InvalidDataException($"fridge {fridge.Device}: its move to {move.Place} must be within the season's days");
        foreach (var change in PriceChanges.Where(c => !skus.Contains(c.Sku)))
            throw new InvalidDataException($"price change: SKU {change.Sku} is no brewery's beer");
        var kioskDevices = Festivals.SelectMany(f => f.Kiosks).Select(k => k.Device).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var outage in Outages.Where(o => Fridges.All(f => f.Device != o.Device) && !kioskDevices.Contains(o.Device)))
            throw new InvalidDataException($"outage: {outage.Device} is no fridge or kiosk of the season");
        foreach (var brew in CollabBrews)
        {
            if (Breweries.All(b => b.Slug != brew.Host) || brew.Partners.Any(p => p.Brewery is { } slug && Breweries.All(b => b.Slug != slug)))
                throw new InvalidDataException($"collab brew {brew.Code}: its host and partner breweries must be the season's");
            foreach (var sale in brew.Sold)
            {
                var partner = brew.Partners.SingleOrDefault(p => p.Key == sale.Partner);
                if (partner is not { Takes: "beer", Brewery: { } slug } || Breweries.Single(b => b.Slug == slug).LeavesOn is not null || Fridges.All(f => f.Device != sale.Fridge)
                    || brew.Lines.All(l => l.Sku != sale.Sku) || sale.FridgeCents <= 0 || sale.FirstAt.Date <= brew.PackagedOn.ToDateTime(TimeOnly.MinValue)
                    || sale.FirstAt >= FirstDay.AddDays(Days).ToDateTime(TimeOnly.MinValue))
                    throw new InvalidDataException($"collab brew {brew.Code}: {sale.Partner}'s {sale.Sku} is sold by a member brewery taking beer and staying in the Table, of a packaged SKU, in a fridge of the season, at a price, first stocked after the release day begins and within the season");
            }
            // A part is stocked in one fridge: it is drawn from its brewery's place by that fridge's visits alone, in their order.
            if (brew.Sold.GroupBy(s => (s.Partner, s.Sku)).Any(g => g.Count() > 1))
                throw new InvalidDataException($"collab brew {brew.Code}: each partner's part of a SKU is sold in one fridge");
            if (brew.BrewDay < FirstDay || brew.PackagedOn <= brew.BrewDay || brew.PackagedOn >= FirstDay.AddDays(Days - 1)
                || brew.Contributions.Any(c => c.On < FirstDay.AddDays(-1) || c.On >= brew.PackagedOn || brew.Partners.All(p => p.Key != c.Partner)))
                throw new InvalidDataException($"collab brew {brew.Code}: brewed in the season, packaged after and before its last day, contributions by its partners before the packaging");
        }
        foreach (var wave in HeatWaves.Where(w => Fridges.All(f => f.Device != w.Device) || w.Hours <= 0 || w.PeakC is <= 8 or > 30))
            throw new InvalidDataException($"heat wave: {wave.Device} is no fridge of the season, or it has no hours, or its peak is not within 8..30 °C");
        foreach (var cut in PowerCuts.Where(c => Fridges.All(f => f.Device != c.Device) || c.Hours <= 0))
            throw new InvalidDataException($"power cut: {cut.Device} is no fridge of the season, or the cut has no hours");
        foreach (var sku in GroceryStores.SelectMany(g => g.Delivered.Keys).Where(s => !skus.Contains(s)))
            throw new InvalidDataException($"grocery store: SKU {sku} is no brewery's beer");
        foreach (var store in GroceryStores)
            foreach (var (sku, last) in store.LastDays.Where(l => !store.Delivered.ContainsKey(l.Key) || l.Value < FirstDay || l.Value >= FirstDay.AddDays(Days - 1)))
                throw new InvalidDataException($"grocery store {store.Place}: {sku}'s last day {last:yyyy-MM-dd} must be a placed beer's, before the season's last day");
        foreach (var festival in Festivals)
        {
            if (festival.Days < 1 || festival.Days > (festival.Kind == "tour" ? 31 : 7) || festival.Opens >= festival.Closes)
                throw new InvalidDataException($"festival {festival.Code}: 1 to 7 days (a tour's stops within 31), opening before closing");
            if (festival.FirstDay < FirstDay || festival.FirstDay.AddDays(festival.Days) > FirstDay.AddDays(Days))
                throw new InvalidDataException($"festival {festival.Code}: within the season's days");
            if (festival.CancelledOn is { } cancelled && cancelled >= festival.FirstDay.AddDays(-1))
                throw new InvalidDataException($"festival {festival.Code}: cancelled before its eve (nothing sent to it yet)");
            foreach (var sku in festival.Kiosks.SelectMany(k => k.Sent.Keys).Where(s => !skus.Contains(s)))
                throw new InvalidDataException($"festival {festival.Code}: SKU {sku} is no brewery's beer");
            // The Table takes its members to its festivals: each brewery there is a member on the festival's first day.
            foreach (var brewery in Breweries.Where(b => festival.Kiosks.SelectMany(k => k.Sent.Keys).Any(sku => b.Beers.Any(beer => beer.Sku == sku))
                                                       && !b.IsMemberOn(festival.FirstDay)))
                throw new InvalidDataException($"festival {festival.Code}: brewery {brewery.Slug} is not a member on its first day");
            foreach (var kiosk in festival.Kiosks)
            {
                var stop = festival.Kind == "tour";
                if (stop && (kiosk.Device is not null || Breweries.All(b => b.Slug != kiosk.Host) || kiosk.On is not { } on || on < festival.FirstDay || on >= festival.FirstDay.AddDays(festival.Days)))
                    throw new InvalidDataException($"tour {festival.Code}: stop {kiosk.Code} needs a host brewery of the season and a day within the tour, and no device");
                if (!stop && (kiosk.Device is null || kiosk.Host is not null || kiosk.On is not null))
                    throw new InvalidDataException($"festival {festival.Code}: kiosk {kiosk.Code} needs a device (hosts and days are a tour's stops')");
            }
        }
        // A device serves one festival at a time.
        foreach (var device in kioskDevices)
        {
            var uses = Festivals.Where(f => f.Kiosks.Any(k => k.Device == device)).OrderBy(f => f.FirstDay).ToList();
            for (var i = 1; i < uses.Count; i++)
                if (uses[i].FirstDay <= uses[i - 1].FirstDay.AddDays(uses[i - 1].Days))
                    throw new InvalidDataException($"kiosk device {device}: festivals {uses[i - 1].Code} and {uses[i].Code} need a day between them");
        }
    }
}

/// <summary>
/// A brewery of the season: a member of the Table since a year before it, unless it joins during it (a candidate until
/// <see cref="JoinsOn"/>) or leaves (a former member from <see cref="LeavesOn"/>; the fridges' drivers take its beer
/// back at their first visit from that day).
/// </summary>
public sealed record SeasonBrewery(string Slug, string Name, string Region, List<SeasonBeer> Beers, DateOnly? JoinsOn = null, DateOnly? LeavesOn = null)
{
    public bool IsMemberOn(DateOnly day) => (JoinsOn is null || JoinsOn <= day) && (LeavesOn is null || day < LeavesOn);
}

/// <summary>
/// A beer and its fridge price at the start of the season; at festival kiosks a dollar more unless said; to grocery
/// stores (wholesale, what the brewery is paid per unit a store sells) 60 % of the fridge price unless said.
/// </summary>
public sealed record SeasonBeer(string Sku, string Name, long FridgeCents, long? KioskCents = null, long? GroceryCents = null)
{
    /// <summary>The package: a 355 ml can when its SKU says so, a 473 ml can otherwise.</summary>
    public string Format => Sku.EndsWith("-355", StringComparison.Ordinal) ? "can_355" : "can_473";

    public long KioskPrice => KioskCents ?? FridgeCents + 100;
    public long GroceryPrice => GroceryCents ?? (long)Math.Round(FridgeCents * 0.6m, MidpointRounding.AwayFromZero);
}

/// <summary>A money setting (its name as the API knows it) and its value from a Québec day on.</summary>
public sealed record SeasonMoneySetting(string Name, long Value, DateOnly From);

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
    /// <summary>The fridge moved elsewhere with the beer in it, unplugged for two hours on the way.</summary>
    public List<SeasonFridgeMove> Moves { get; init; } = [];
    /// <summary>The fridge as the Table's asset (bought, placed where it stands, its placement following its moves); none: not registered.</summary>
    public SeasonAsset? Asset { get; init; }

    /// <summary>Where the fridge stands at a Québec time: its first place, or the last move before.</summary>
    public (string Place, string Region) PlaceAt(DateTime local) =>
        Moves.Where(m => m.At <= local).OrderBy(m => m.At).LastOrDefault() is { } move ? (move.Place, move.Region) : (Place, Region);

    /// <summary>Every place the fridge stands at during the season.</summary>
    public IEnumerable<(string Place, string PlaceName, string Region)> Places() => Moves.Select(m => (m.Place, m.PlaceName, m.Region)).Prepend((Place, PlaceName, Region));
}

/// <summary>
/// A fridge the Table bought: its serial, the day it was bought, what it cost and whether the pooling grant paid for it
/// (<see cref="Funding"/> grant or other); placed where it stands from <see cref="PlacedOn"/> (its purchase day when absent).
/// </summary>
public sealed record SeasonAsset(string Serial, DateOnly PurchasedOn, long CostCents, string Funding = "grant", DateOnly? PlacedOn = null)
{
    public DateOnly PlacedFrom => PlacedOn ?? PurchasedOn;
}

/// <summary>A fridge moved at a Québec time to another place (its contents with it): the lead re-places its device an hour later.</summary>
public sealed record SeasonFridgeMove(DateTime At, string Place, string PlaceName, string Region)
{
    public static readonly TimeSpan Unplugged = TimeSpan.FromHours(2);
}

public sealed record SeasonPriceChange(string Sku, DateOnly From, long FridgeCents);

/// <summary>A kiosk device reflashed at a Québec time: its message counter starts again.</summary>
public sealed record SeasonReflash(string Device, DateTime At);

/// <summary>A device's Wi-Fi down from a Québec time for some hours.</summary>
public sealed record SeasonOutage(string Device, DateTime From, double Hours);

/// <summary>
/// A collaboration brew (docs/collab-brews.md): hosted by a member brewery at its place, brewed on <see cref="BrewDay"/>,
/// its partners' contributions made on their days, packaged on <see cref="PackagedOn"/> (the output split and each
/// beer-taking partner's share sent to its brewery's place), released the next day.
/// </summary>
public sealed record SeasonCollabBrew
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string Host { get; init; }
    public required DateOnly BrewDay { get; init; }
    public required decimal PlannedLitres { get; init; }
    /// <summary>proportional (to the value contributed) or equal.</summary>
    public string Agreement { get; init; } = "proportional";
    public required List<SeasonCollabPartner> Partners { get; init; }
    public required List<SeasonCollabContribution> Contributions { get; init; }
    public required DateOnly PackagedOn { get; init; }
    public required decimal BrewedLitres { get; init; }
    public required List<SeasonPackagingLine> Lines { get; init; }
    /// <summary>The parts the partners sell in COOP fridges once the brew is released.</summary>
    public List<SeasonCollabSale> Sold { get; init; } = [];

    /// <summary>The brew is released the morning after its packaging.</summary>
    public DateTimeOffset ReleasedAt(SeasonFile season) => season.At(PackagedOn.AddDays(1), new TimeOnly(9, 0));

    /// <summary>
    /// The SKU a partner's part of a packaged SKU is its own beer under (docs/collab-brews.md, rule 6): the packaged SKU for
    /// the host and for a partner that is no brewery, else the SKU followed by the partner's key in capitals.
    /// </summary>
    public string PartSku(string partner, string sku) =>
        Partners.Single(p => p.Key == partner).Brewery is { } brewery && brewery != Host ? $"{sku}-{partner.ToUpperInvariant()}" : sku;
}

/// <summary>
/// A partner's part of a packaged SKU sold in a COOP fridge: its brewer brings a fridge's par of it at <see cref="FirstAt"/>
/// (a Québec time after the release), and the fridge's restocking visits top it up from then on, from what is left of
/// the part at the brewery's place; its fridge price is set the morning of the release.
/// </summary>
public sealed record SeasonCollabSale(string Partner, string Sku, string Fridge, DateTime FirstAt, long FridgeCents);

/// <summary>A partner of a collab brew: a member brewery (its beer share goes to its place) or another coop (<see cref="Takes"/> cash).</summary>
public sealed record SeasonCollabPartner(string Key, string Name, string Role, string? Brewery, string Takes);

/// <summary>
/// What a partner put in, on a day: <c>cash</c>, <c>host_fee</c> or <c>design</c> in <see cref="Cents"/>; <c>ingredient</c> as
/// quantity × unit cost; <c>labour</c> as hours × rate (each rounded half away from zero to the cent).
/// </summary>
public sealed record SeasonCollabContribution(string Partner, DateOnly On, string Kind, string Description, long? Cents = null, decimal? Quantity = null,
    string? Unit = null, long? UnitCostCents = null, decimal? Hours = null, long? RateCents = null)
{
    public long ValueCents => Kind switch
    {
        "ingredient" => (long)Math.Round(Quantity!.Value * UnitCostCents!.Value, MidpointRounding.AwayFromZero),
        "labour" => (long)Math.Round(Hours!.Value * RateCents!.Value, MidpointRounding.AwayFromZero),
        _ => Cents!.Value,
    };
}

/// <summary>Litres of the brew packaged as one SKU in one format (<c>can_473</c>, <c>keg_30l</c> …).</summary>
public sealed record SeasonPackagingLine(string Sku, string Format, decimal Litres)
{
    public int MillilitresPerUnit => Format switch
    {
        "can_473" => 473,
        "can_355" => 355,
        "bottle_341" => 341,
        "bottle_500" => 500,
        "keg_20l" => 20_000,
        "keg_30l" => 30_000,
        "keg_50l" => 50_000,
        _ => throw new InvalidDataException($"collab packaging: unknown format {Format}"),
    };

    /// <summary>Whole units: what is left under one unit's volume is lost.</summary>
    public int Units => (int)Math.Floor(Litres * 1000 / MillilitresPerUnit);
}

/// <summary>A fridge too warm from a Québec time for some hours, up to <see cref="PeakC"/>.</summary>
public sealed record SeasonHeatWave(string Device, DateTime From, double Hours, double PeakC);

/// <summary>A fridge's power cut from a Québec time for some hours.</summary>
public sealed record SeasonPowerCut(string Device, DateTime From, double Hours);

/// <summary>
/// A festival (kiosks the Table runs, each with its device) or a tour (<see cref="Kind"/> "tour": stops, each on one day
/// at a host brewery, whose sales the host reports by hand): its days (Québec dates), its opening hours each day.
/// </summary>
public sealed record SeasonFestival
{
    public required string Code { get; init; }
    public string Kind { get; init; } = "festival";
    public required string Name { get; init; }
    public required string Region { get; init; }
    public required DateOnly FirstDay { get; init; }
    public int Days { get; init; } = 2;
    public TimeOnly Opens { get; init; } = new(12, 0);
    public TimeOnly Closes { get; init; } = new(23, 0);
    public int Attendance { get; init; } = 2000;
    /// <summary>The day the lead cancels it (before its eve): nothing is sent to it, nothing sold, nothing settled.</summary>
    public DateOnly? CancelledOn { get; init; }
    /// <summary>The kiosk fee the breweries agreed to, in basis points of their takings (the Table collects at the kiosks and keeps it).</summary>
    public int KioskFeeBasisPoints { get; init; } = 1500;
    public required List<SeasonKiosk> Kiosks { get; init; }

    /// <summary>The kiosk's place in the ledger, as the festival planner names it.</summary>
    public string Place(SeasonKiosk kiosk) => $"{Code}-{kiosk.Code}";

    /// <summary>When its kiosks' devices are placed there: noon on its eve (they were elsewhere until then).</summary>
    public DateTimeOffset DevicesPlacedAt(SeasonFile season) => season.At(FirstDay.AddDays(-1), new TimeOnly(12, 0));
}

/// <summary>
/// A kiosk: its device, what is sent to it the evening before (units per SKU), and how busy it is; a tour's stop has no
/// device but a host brewery and its day.
/// </summary>
public sealed record SeasonKiosk
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public string? Device { get; init; }
    public string? Host { get; init; }
    public DateOnly? On { get; init; }
    public required Dictionary<string, int> Sent { get; init; }
    public double CustomersPerHour { get; init; } = 20;
    /// <summary>Whether the kiosk's device counts its shelf, five minutes after each day's closing.</summary>
    public bool CountsAtClose { get; init; }
    /// <summary>Cans taken without paying, per opening hour on average: not a sale, found missing by the next count.</summary>
    public double TheftsPerHour { get; init; }
}

/// <summary>
/// A grocery store of the pilot: the beers placed there (units delivered the evening before the season), how many of
/// each it sells a day on average, and its weekly report the Monday after each Québec week.
/// </summary>
public sealed record SeasonGroceryStore
{
    public required string Place { get; init; }
    public required string PlaceName { get; init; }
    public required string Region { get; init; }
    public required Dictionary<string, int> Delivered { get; init; }
    public double UnitsPerDay { get; init; } = 2;
    /// <summary>A beer's last day on the store's shelf (its placement ends): that evening at six its brewery takes back what is left.</summary>
    public Dictionary<string, DateOnly> LastDays { get; init; } = [];
    public long ShelfCentsMarkup { get; init; } = 150;
}
