using System.Text;
using FirmwareSim.Wire;

namespace FirmwareSim.Season;

/// <summary>A device message of the season: sent at <see cref="Ts"/>, reaching the broker at <see cref="ArrivesAt"/> (later after an outage).</summary>
public sealed record PlannedMessage(string Device, string Topic, byte[] Payload, DateTimeOffset Ts, DateTimeOffset ArrivesAt);

/// <summary>
/// What a person does through the API (a movement: the brewery's production, a driver's delivery, a broken or stolen
/// can), recorded at <see cref="ArrivesAt"/> with the time the person gives (<see cref="OccurredAt"/>).
/// </summary>
public sealed record PersonAction(DateTimeOffset ArrivesAt, string Key, string Kind, string Sku, int Units, string? From, string? To,
    DateTimeOffset OccurredAt, string Reason)
{
    /// <summary>A festival's reconciliation (<see cref="Kind"/> "reconciliation"): what each kiosk sent back, once.</summary>
    public string? Festival { get; init; }
    public IReadOnlyList<SeasonReturn> Returns { get; init; } = [];
    /// <summary>A grocery store's weekly report (<see cref="Kind"/> "sell_through"): the Sunday its week ends, and <see cref="Lines"/>.</summary>
    public DateOnly? WeekEnding { get; init; }
    /// <summary>A tour stop's sales typed by hand (<see cref="Kind"/> "stop_sales"): units per SKU, priced from the list.</summary>
    public string? Kiosk { get; init; }
    /// <summary>
    /// A fridge's device re-placed (<see cref="Kind"/> "move_device") at <see cref="To"/> from <see cref="OccurredAt"/>, its stock with it;
    /// or the bought fridge's serial, placed there from that day (<see cref="Kind"/> "place_asset").
    /// </summary>
    public string? Device { get; init; }
    public IReadOnlyList<(string Sku, int Units)> Lines { get; init; } = [];
    /// <summary>The month whose statements the lead issues (<see cref="Kind"/> "month_statement"), <c>yyyy-MM</c>.</summary>
    public string? Month { get; init; }
    /// <summary>A collab brew's step (<see cref="Kind"/> "collab_contribution", "collab_status" to <see cref="Status"/>, "collab_packaging").</summary>
    public SeasonCollabBrew? Brew { get; init; }
    public SeasonCollabContribution? Contribution { get; init; }
    public string? Status { get; init; }
    /// <summary>A fridge price set for <see cref="Sku"/> from the day of <see cref="OccurredAt"/> (<see cref="Kind"/> "price").</summary>
    public long? PriceCents { get; init; }
}

/// <summary>Units of a SKU a kiosk sent back to a brewery after its festival.</summary>
public sealed record SeasonReturn(string Kiosk, string Sku, int Units, string To);

/// <summary>
/// What really happened (ground truth): a sale, a delivery, a breakage, a theft, an outage, a fridge's reading (its
/// <see cref="Units"/> the temperature in hundredths of a degree Celsius, as the device sent it).
/// </summary>
public sealed record TruthEvent(DateTimeOffset At, string Type, string Place, string? Sku, int Units, long? UnitPriceCents);

/// <summary>
/// A season played out, deterministically: the same file and seed give the same messages, actions and truth,
/// byte for byte (randomness from <see cref="StableSeed"/>, never <c>string.GetHashCode</c>, which changes per process).
/// Every message of a device has its own millisecond.
/// </summary>
public sealed record SeasonPlan(SeasonFile Season, IReadOnlyList<PlannedMessage> Messages, IReadOnlyList<PersonAction> Actions, IReadOnlyList<TruthEvent> Truth)
{
    /// <summary>Units each brewery brews of each beer on the eve of the season: more than its fridges will take.</summary>
    public const int Production = 100_000;

    public static string BreweryPlace(string slug) => $"{slug}-brasserie";

    /// <summary>How often the player publishes the season's arrival clock, which the gateways check silence by (docs/season.md).</summary>
    public static readonly TimeSpan ClockEvery = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The instants of the season's arrival clock: every <see cref="ClockEvery"/> from the first message's arrival to the
    /// last's, each published before every message arriving at or after it.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> ClockTicks => Messages.Count == 0 ? [] : Ticks(Messages[0].ArrivesAt, Messages[^1].ArrivesAt).ToList();

    private static IEnumerable<DateTimeOffset> Ticks(DateTimeOffset first, DateTimeOffset last)
    {
        var every = ClockEvery.Ticks;
        for (var tick = new DateTimeOffset((first.UtcTicks + every - 1) / every * every, TimeSpan.Zero); tick <= last; tick = tick.Add(ClockEvery)) yield return tick;
    }

    public static SeasonPlan Generate(SeasonFile season, int seed)
    {
        var messages = new List<PlannedMessage>();
        var actions = new List<PersonAction>();
        var truth = new List<TruthEvent>();
        var eve = season.At(season.FirstDay.AddDays(-1), new TimeOnly(8, 0));
        foreach (var brewery in season.Breweries)
            foreach (var beer in brewery.Beers)
                actions.Add(new PersonAction(eve, $"season:{season.Name}:brewed:{beer.Sku}", "production", beer.Sku, Production, null, BreweryPlace(brewery.Slug), eve,
                    "brewed for the season"));
        foreach (var fridge in season.Fridges)
            new FridgeSeason(season, fridge, new Random(StableSeed(seed, fridge.Device)), new Random(StableSeed(seed, $"{fridge.Device}:readings")), messages,
                actions, truth).Play();
        foreach (var device in season.HeldFestivals.SelectMany(f => f.Kiosks).Select(k => k.Device).OfType<string>().Distinct().Order(StringComparer.Ordinal))
            new KioskSeason(season, device, new Random(StableSeed(seed, device)), messages, actions, truth).Play();
        foreach (var tour in season.HeldFestivals.Where(f => f.Kind == "tour"))
            foreach (var stop in tour.Kiosks)
                new KioskSeason(season, $"{tour.Code}-{stop.Code}", new Random(StableSeed(seed, tour.Place(stop))), messages, actions, truth).PlayStop(tour, stop);
        foreach (var store in season.GroceryStores) PlayGrocery(season, store, new Random(StableSeed(seed, store.Place)), actions, truth);
        foreach (var brew in season.CollabBrews) PlayCollab(season, brew, actions, truth);
        foreach (var festival in season.Festivals.Where(f => f.CancelledOn is { }))
        {
            var cancelled = season.At(festival.CancelledOn!.Value, new TimeOnly(10, 0));
            var key = $"season:{season.Name}:cancelled:{festival.Code}";
            actions.Add(new PersonAction(cancelled, key, "cancel_festival", "", 0, null, null, cancelled, "not enough volunteers") { Festival = festival.Code });
        }
        foreach (var festival in season.HeldFestivals)
        {
            var reconciliation = Reconcile(season, festival, truth);
            actions.Add(reconciliation);
            // An hour later the lead issues the statement the Table pays by (what the facts known then say).
            var issued = reconciliation.ArrivesAt.AddHours(1);
            actions.Add(new PersonAction(issued, $"season:{season.Name}:statement:{festival.Code}", "statement", "", 0, null, null, issued, "settlement statement")
            {
                Festival = festival.Code,
            });
        }
        // The morning of each month's first day the lead issues the month's statements the venues pay by (what the facts
        // known then say: a fridge offline over the month's end tells its last sales later, and a correction follows).
        if (season.Money.Count > 0)
            for (var first = new DateOnly(season.FirstDay.Year, season.FirstDay.Month, 1).AddMonths(1); first <= season.FirstDay.AddDays(season.Days - 1); first = first.AddMonths(1))
            {
                var issued = season.At(first, new TimeOnly(10, 0));
                var month = first.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
                actions.Add(new PersonAction(issued, $"season:{season.Name}:month-statement:{month}", "month_statement", "", 0, null, null, issued, "month statement")
                {
                    Month = month,
                });
            }

        var byTime = Comparer<DateTimeOffset>.Default;
        // List.Sort is not stable: messages an outage held arrive at one instant and must still go in the device's order
        // (its buffer replays in order), so the time each was made breaks the tie (a device's messages each have their own).
        messages.Sort((x, y) => byTime.Compare(x.ArrivesAt, y.ArrivesAt) is var c and not 0 ? c
            : string.CompareOrdinal(x.Device, y.Device) is var d and not 0 ? d : byTime.Compare(x.Ts, y.Ts));
        actions.Sort((x, y) => byTime.Compare(x.ArrivesAt, y.ArrivesAt) is var c and not 0 ? c : string.CompareOrdinal(x.Key, y.Key));
        truth.Sort((x, y) => byTime.Compare(x.At, y.At) is var c and not 0 ? c
            : string.CompareOrdinal(x.Place, y.Place) is var p and not 0 ? p : string.CompareOrdinal(x.Type + x.Sku, y.Type + y.Sku));
        return new SeasonPlan(season, messages, actions, truth);
    }

    /// <summary>
    /// The morning after a festival the lead brings back what its kiosks did not sell and reconciles it: each leftover
    /// returned to its brewery (a true return); what was stolen is not there to bring back. A kiosk's sales still held by an outage are not known then:
    /// the platform books them as lost at the reconciliation and must give that loss back when they arrive.
    /// </summary>
    private static PersonAction Reconcile(SeasonFile season, SeasonFestival festival, List<TruthEvent> truth)
    {
        var at = season.At(festival.FirstDay.AddDays(festival.Days), new TimeOnly(10, 0));
        var returns = new List<SeasonReturn>();
        foreach (var kiosk in festival.Kiosks)
        {
            var place = festival.Place(kiosk);
            foreach (var (sku, sent) in kiosk.Sent.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var left = sent - truth.Where(e => e.Type is "kiosk_sale" or "theft" && e.Place == place && e.Sku == sku).Sum(e => e.Units);
                if (left <= 0) continue;
                var brewery = season.Breweries.Single(b => b.Beers.Any(beer => beer.Sku == sku)).Slug;
                returns.Add(new SeasonReturn(kiosk.Code, sku, left, BreweryPlace(brewery)));
                truth.Add(new TruthEvent(at, "return", place, sku, left, null));
            }
        }
        return new PersonAction(at, $"season:{season.Name}:reconciled:{festival.Code}", "reconciliation", "", 0, null, null, at, $"after {festival.Name}")
        {
            Festival = festival.Code, Returns = returns,
        };
    }

    /// <summary>
    /// A grocery store's season: filled the evening before, selling each day (never more than it holds), and reporting
    /// each Monday-to-Sunday Québec week's units per beer the Monday after at nine (the pilot's report, typed by the lead).
    /// </summary>
    private static void PlayGrocery(SeasonFile season, SeasonGroceryStore store, Random random, List<PersonAction> actions, List<TruthEvent> truth)
    {
        var eve = season.At(season.FirstDay.AddDays(-1), new TimeOnly(18, 0));
        var shelf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (sku, units) in store.Delivered.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var brewery = season.Breweries.Single(b => b.Beers.Any(beer => beer.Sku == sku)).Slug;
            shelf[sku] = units;
            truth.Add(new TruthEvent(eve, "delivery", store.Place, sku, units, null));
            actions.Add(new PersonAction(eve, $"season:{season.Name}:grocery:{store.Place}:{sku}", "transfer", sku, units, BreweryPlace(brewery), store.Place, eve,
                "grocery pilot delivery"));
        }
        var week = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var day = season.FirstDay; day < season.FirstDay.AddDays(season.Days); day = day.AddDays(1))
        {
            foreach (var sku in shelf.Keys.Order(StringComparer.Ordinal).ToList())
            {
                var units = Math.Min(shelf[sku], Poisson(random, store.UnitsPerDay));
                if (units == 0) continue;
                shelf[sku] -= units;
                var price = season.Breweries.SelectMany(b => b.Beers).Single(b => b.Sku == sku).GroceryPrice;
                truth.Add(new TruthEvent(season.At(day, new TimeOnly(12, 0)), "grocery_sale", store.Place, sku, units, price));
                week[sku] = week.GetValueOrDefault(sku) + units;
            }
            foreach (var (sku, _) in store.LastDays.Where(l => l.Value == day).OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                // The placement ends: its brewery takes back what is left that evening, and the store sells it no more.
                var brewery = season.Breweries.Single(b => b.Beers.Any(beer => beer.Sku == sku)).Slug;
                var pickedUp = season.At(day, new TimeOnly(18, 0));
                if (shelf[sku] > 0)
                {
                    truth.Add(new TruthEvent(pickedUp, "withdrawal", store.Place, sku, shelf[sku], null));
                    actions.Add(new PersonAction(pickedUp, $"season:{season.Name}:grocery-end:{store.Place}:{sku}", "transfer", sku, shelf[sku], store.Place,
                        BreweryPlace(brewery), pickedUp, "grocery placement ended"));
                }
                shelf.Remove(sku);
            }
            if (day.DayOfWeek != DayOfWeek.Sunday && day != season.FirstDay.AddDays(season.Days - 1)) continue;
            var reported = season.At(day.AddDays(1), new TimeOnly(9, 0));
            actions.Add(new PersonAction(reported, $"season:{season.Name}:sell-through:{store.Place}:{day:yyyy-MM-dd}", "sell_through", "", 0, null, store.Place, reported,
                $"week ending {day:yyyy-MM-dd}")
            {
                WeekEnding = day, Lines = [.. store.Delivered.Keys.Where(sku => !store.LastDays.TryGetValue(sku, out var last) || last >= SeasonFile.MondayOf(day))
                    .Order(StringComparer.Ordinal).Select(sku => (sku, week.GetValueOrDefault(sku)))],
            });
            week.Clear();
        }
    }

    /// <summary>
    /// A collab brew's life as the lead records it: each contribution on its day (at eleven), brewed that evening,
    /// fermenting the next morning, packaged on its day at three (the output split, each beer-taking partner's share sent
    /// to its brewery's place), released the morning after.
    /// </summary>
    private static void PlayCollab(SeasonFile season, SeasonCollabBrew brew, List<PersonAction> actions, List<TruthEvent> truth)
    {
        var key = $"season:{season.Name}:collab:{brew.Code}";
        foreach (var (contribution, i) in brew.Contributions.Select((c, i) => (c, i)))
        {
            var at = season.At(contribution.On, new TimeOnly(11, 0)).AddMinutes(i);
            actions.Add(new PersonAction(at, $"{key}:contribution:{i}", "collab_contribution", "", 0, null, null, at, contribution.Description)
            {
                Brew = brew, Contribution = contribution,
            });
        }
        void Step(DateTimeOffset at, string status) =>
            actions.Add(new PersonAction(at, $"{key}:{status}", "collab_status", "", 0, null, null, at, status) { Brew = brew, Status = status });
        Step(season.At(brew.BrewDay, new TimeOnly(17, 0)), "brewed");
        Step(season.At(brew.BrewDay.AddDays(1), new TimeOnly(9, 0)), "fermenting");
        var packaged = season.At(brew.PackagedOn, new TimeOnly(15, 0));
        actions.Add(new PersonAction(packaged, $"{key}:packaging", "collab_packaging", "", 0, null, null, packaged, "packaging run") { Brew = brew });
        foreach (var (partner, sku, units) in CollabSettlement.Split(brew))
            truth.Add(new TruthEvent(packaged, "collab_share", BreweryPlace(brew.Partners.Single(p => p.Key == partner).Brewery!), brew.PartSku(partner, sku), units, null));
        Step(brew.ReleasedAt(season), "released");
        // The morning of the release each part sold in a fridge gets its fridge price (a part is its brewery's own beer).
        foreach (var sale in brew.Sold)
        {
            var sku = brew.PartSku(sale.Partner, sale.Sku);
            var at = brew.ReleasedAt(season).AddMinutes(5);
            actions.Add(new PersonAction(at, $"{key}:price:{sku}", "price", sku, 0, null, null, at, "fridge price of a collab part") { PriceCents = sale.FridgeCents });
        }
    }

    /// <summary>How many of something that comes <paramref name="mean"/> times on average in a step come in this one (Knuth's method).</summary>
    internal static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var count = 0;
        while (product > limit) { count++; product *= random.NextDouble(); }
        return count;
    }

    /// <summary>A seed from the run's seed and a name, the same in every process (FNV-1a of the UTF-8 name).</summary>
    public static int StableSeed(int seed, string name)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var b in Encoding.UTF8.GetBytes(name)) hash = (hash ^ b) * 16777619u;
        return (int)(hash & 0x7FFFFFFF);
    }

    /// <summary>The fridge price of a SKU on a Québec day: its beer's, or the latest change in force.</summary>
    public static long FridgeCents(SeasonFile season, string sku, DateOnly day) =>
        season.PriceChanges.Where(c => c.Sku == sku && c.From <= day).OrderBy(c => c.From).LastOrDefault()?.FridgeCents
        ?? season.Breweries.SelectMany(b => b.Beers).SingleOrDefault(b => b.Sku == sku)?.FridgeCents
        ?? season.Fridges.SelectMany(f => season.CollabPartsIn(f.Device)).First(p => p.Sku == sku).Sale.FridgeCents;
}

/// <summary>One fridge's season, minute by minute in Québec time.</summary>
internal sealed class FridgeSeason(SeasonFile season, SeasonFridge fridge, Random random, Random thermometer, List<PlannedMessage> messages,
    List<PersonAction> actions, List<TruthEvent> truth)
{
    /// <summary>Where a fridge that keeps up holds its beer, and how far its readings wander (°C).</summary>
    public const double KeepsAtC = 3.3, WandersC = 0.45;

    private readonly Dictionary<string, int> _shelf = fridge.Skus.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
    private readonly List<(string Sku, SeasonBrewery Brewery, SeasonCollabBrew Brew, SeasonCollabSale Sale)> _parts = [.. season.CollabPartsIn(fridge.Device)];
    // What is left of each collab part at its brewery's place: this fridge is the only one it is brought to.
    private readonly Dictionary<string, int> _partLeft = season.CollabPartsIn(fridge.Device).ToDictionary(p => p.Sku,
        p => CollabSettlement.Split(p.Brew).Single(s => s.Partner == p.Sale.Partner && s.Sku == p.Sale.Sku).Units, StringComparer.Ordinal);
    private readonly string _topic = $"coop/v1/fridges/{fridge.Device}/stock";
    private readonly string _eventTopic = $"coop/v1/fridges/{fridge.Device}/events";
    private readonly HashSet<long> _usedMs = [];
    private string _place = fridge.Place;
    private DateTimeOffset _pluggedInAt = DateTimeOffset.MinValue;
    private long _seq;
    private int _visit;

    public void Play()
    {
        var first = season.At(season.FirstDay, TimeOnly.MinValue);
        var end = season.At(season.FirstDay.AddDays(season.Days), TimeOnly.MinValue);
        foreach (var outage in season.Outages.Where(o => o.Device == fridge.Device))
            truth.Add(new TruthEvent(season.At(DateOnly.FromDateTime(outage.From), TimeOnly.FromDateTime(outage.From)), "outage",
                fridge.PlaceAt(outage.From).Place, null, (int)Math.Round(outage.Hours * 60), null));
        // The fridge is filled the evening before the season opens, and counts from then on.
        Visit(season.At(season.FirstDay.AddDays(-1), new TimeOnly(18, 0)));
        var nextCount = first;
        for (var minute = first; minute < end; minute = minute.AddMinutes(1))
        {
            var local = TimeZoneInfo.ConvertTime(minute, season.Zone);
            if (fridge.Moves.FirstOrDefault(m => m.At == local.DateTime) is { } move) Move(minute, move);
            // A power cut's events in the minute's first second, before its count (the device runs on battery through it).
            foreach (var cut in season.PowerCuts.Where(c => c.Device == fridge.Device))
            {
                var (from, to) = Span(cut);
                if (minute == from) PowerEvent(from, "power_lost");
                if (minute == to) PowerEvent(to, "power_restored");
            }
            var pluggedIn = minute >= _pluggedInAt;
            // Within a minute, in time order: the count (its first second), a restocking visit (from second 1), then
            // customers and thieves (seconds 3-59); so each count holds exactly what happened before its ts.
            if (minute >= nextCount)
            {
                if (pluggedIn)
                {
                    Count(minute.AddMilliseconds(random.Next(1000)));
                    Reading(minute.AddMilliseconds(thermometer.Next(1000)));
                }
                nextCount = nextCount.AddMinutes(season.CountEveryMinutes);
            }
            var day = DateOnly.FromDateTime(local.DateTime);
            if (fridge.RestockDays.Contains(day.DayOfWeek) && TimeOnly.FromDateTime(local.DateTime) == fridge.RestockAt) Visit(minute.AddSeconds(1));
            foreach (var part in _parts.Where(p => p.Sale.FirstAt == local.DateTime)) BringPart(minute.AddSeconds(1), part.Sku, part.Brewery);
            if (pluggedIn && OpenAt(local))
            {
                for (var customers = Poisson(fridge.CustomersPerHour / 60); customers > 0; customers--) Buy(minute.AddSeconds(random.Next(3, 60)), day);
                if (random.NextDouble() < fridge.TheftsPerHour / 60) Steal(minute.AddSeconds(random.Next(3, 60)), day);
            }
        }
    }

    /// <summary>
    /// The fridge is unplugged with its beer in it and taken to its new place, where it is plugged in two hours later;
    /// an hour after it left, the lead re-places its device there from the time it left, its stock moving with it.
    /// </summary>
    private void Move(DateTimeOffset at, SeasonFridgeMove move)
    {
        foreach (var (sku, units) in _shelf.Where(s => s.Value > 0).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            truth.Add(new TruthEvent(at, "moved_out", _place, sku, units, null));
            truth.Add(new TruthEvent(at, "moved_in", move.Place, sku, units, null));
        }
        var placed = at.AddHours(1);
        actions.Add(new PersonAction(placed, $"season:{season.Name}:moved:{fridge.Device}:{move.Place}", "move_device", "", 0, _place, move.Place, at,
            $"{fridge.Device} moved to {move.PlaceName}")
        {
            Device = fridge.Device,
        });
        if (fridge.Asset is { } asset)
            // The lead records where the bought fridge now stands, from the move's day (it stood at the old place until the day before).
            actions.Add(new PersonAction(placed.AddMinutes(5), $"season:{season.Name}:asset-moved:{asset.Serial}:{move.Place}", "place_asset", "", 0, _place, move.Place, at,
                $"{asset.Serial} moved to {move.PlaceName}")
            {
                Device = asset.Serial,
            });
        _place = move.Place;
        _pluggedInAt = at + SeasonFridgeMove.Unplugged;
    }

    private bool OpenAt(DateTimeOffset local)
    {
        var hours = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? fridge.Weekends : fridge.Weekdays;
        var time = TimeOnly.FromDateTime(local.DateTime);
        return time >= hours.Opens && time < hours.Closes;
    }

    private void Buy(DateTimeOffset at, DateOnly day)
    {
        var inStock = _shelf.Where(s => s.Value > 0).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        if (inStock.Count == 0) return;
        var sku = inStock[random.Next(inStock.Count)];
        var units = Math.Min(_shelf[sku], 1 + random.Next(2));
        _shelf[sku] -= units;
        truth.Add(new TruthEvent(at, "sale", _place, sku, units, SeasonPlan.FridgeCents(season, sku, day)));
    }

    /// <summary>A can taken without paying: the venue reports it the next morning with the time its camera shows.</summary>
    private void Steal(DateTimeOffset at, DateOnly day)
    {
        var inStock = _shelf.Where(s => s.Value > 0).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        if (inStock.Count == 0) return;
        var sku = inStock[random.Next(inStock.Count)];
        _shelf[sku]--;
        truth.Add(new TruthEvent(at, "theft", _place, sku, 1, null));
        var reported = season.At(day.AddDays(1), new TimeOnly(9, 0)).AddSeconds(random.Next(3600));
        actions.Add(new PersonAction(reported, $"season:{season.Name}:theft:{_place}:{at.ToUnixTimeMilliseconds()}", "loss", sku, 1, _place, null, at,
            "stolen from the fridge (the venue's report)"));
    }

    /// <summary>
    /// A restocking visit: the door opens at <paramref name="at"/>, broken cans come out and each SKU is topped up to
    /// par at once, and the driver ticks the lines on the phone between a minute before and nine minutes after (before
    /// or after the door closes at +5 min). A brewery that left the Table has its beer taken back to it; one that has
    /// not joined yet is not stocked.
    /// </summary>
    private void Visit(DateTimeOffset at)
    {
        _visit++;
        var onShelf = at;
        var ticked = at.AddSeconds(random.Next(-60, 9 * 60));
        var day = season.DayOf(at);
        foreach (var sku in fridge.Skus)
        {
            var brewery = season.Breweries.Single(b => b.Beers.Any(beer => beer.Sku == sku));
            Breakage(onShelf, ticked, sku);
            if (brewery.LeavesOn is { } left && day >= left)
            {
                if (_shelf[sku] == 0) continue;
                truth.Add(new TruthEvent(onShelf, "withdrawal", _place, sku, _shelf[sku], null));
                actions.Add(new PersonAction(ticked, $"season:{season.Name}:withdrawn:{_place}:{_visit}:{sku}", "transfer", sku, _shelf[sku],
                    _place, SeasonPlan.BreweryPlace(brewery.Slug), ticked, "taken back: the brewery left the Table"));
                _shelf[sku] = 0;
                continue;
            }
            if (!brewery.IsMemberOn(day)) continue;
            var units = fridge.Par - _shelf[sku];
            if (units <= 0) continue;
            _shelf[sku] += units;
            truth.Add(new TruthEvent(onShelf, "delivery", _place, sku, units, null));
            actions.Add(new PersonAction(ticked, $"season:{season.Name}:delivered:{_place}:{_visit}:{sku}", "transfer", sku, units,
                SeasonPlan.BreweryPlace(brewery.Slug), _place, ticked, "restocking visit"));
        }
        // The collab parts brought here already: topped up like the rest, from what is left of each at its brewery.
        foreach (var (sku, brewery, _, _) in _parts.Where(p => _shelf.ContainsKey(p.Sku)))
        {
            Breakage(onShelf, ticked, sku);
            Deliver(onShelf, ticked, sku, brewery, $"delivered:{_place}:{_visit}:{sku}", "restocking visit");
        }
    }

    /// <summary>Now and then a can on the shelf is found broken at a visit: out of the fridge, a loss the driver ticks.</summary>
    private void Breakage(DateTimeOffset onShelf, DateTimeOffset ticked, string sku)
    {
        if (_shelf[sku] == 0 || random.NextDouble() >= fridge.BreakageChance) return;
        _shelf[sku]--;
        truth.Add(new TruthEvent(onShelf, "breakage", _place, sku, 1, null));
        actions.Add(new PersonAction(ticked, $"season:{season.Name}:broken:{_place}:{_visit}:{sku}", "loss", sku, 1, _place, null, ticked,
            "broken can found at the restocking visit"));
    }

    /// <summary>
    /// A partner's brewer brings its part of a released collab brew to the fridge for the first time: the door opens at
    /// <paramref name="at"/>, the cans go on the shelf, and the brewer ticks the transfer within the next ten minutes.
    /// </summary>
    private void BringPart(DateTimeOffset at, string sku, SeasonBrewery brewery)
    {
        _shelf.TryAdd(sku, 0);
        Deliver(at, at.AddSeconds(random.Next(0, 10 * 60)), sku, brewery, $"collab-part:{_place}:{sku}", "collab part brought to the fridge");
    }

    /// <summary>A collab part topped up to par, never beyond what is left of it at its brewery's place.</summary>
    private void Deliver(DateTimeOffset onShelf, DateTimeOffset ticked, string sku, SeasonBrewery brewery, string key, string reason)
    {
        var units = Math.Min(fridge.Par - _shelf[sku], _partLeft[sku]);
        if (units <= 0) return;
        _shelf[sku] += units;
        _partLeft[sku] -= units;
        truth.Add(new TruthEvent(onShelf, "delivery", _place, sku, units, null));
        actions.Add(new PersonAction(ticked, $"season:{season.Name}:{key}", "transfer", sku, units, SeasonPlan.BreweryPlace(brewery.Slug), _place, ticked, reason));
    }

    private (DateTimeOffset From, DateTimeOffset To) Span(SeasonPowerCut cut)
    {
        var from = season.At(DateOnly.FromDateTime(cut.From), TimeOnly.FromDateTime(cut.From));
        return (from, from.AddMinutes(Math.Round(cut.Hours * 60)));
    }

    /// <summary>The device says its power went or came back: a true event of the fridge, and its message.</summary>
    private void PowerEvent(DateTimeOffset at, string type)
    {
        while (!_usedMs.Add(at.ToUnixTimeMilliseconds())) at = at.AddMilliseconds(1);
        truth.Add(new TruthEvent(at, type, _place, null, 0, null));
        var outage = season.Outages.FirstOrDefault(o => o.Device == fridge.Device && Covers(o, at));
        var arrives = outage is null ? at : season.At(DateOnly.FromDateTime(outage.From), TimeOnly.FromDateTime(outage.From)).AddHours(outage.Hours);
        messages.Add(new PlannedMessage(fridge.Device, _eventTopic, ContractMessages.Event(++_seq, at, type), at, arrives));
    }

    /// <summary>
    /// The fridge's reading with each count: its temperature (where it keeps, wandering a little; a heat wave's curve on
    /// top) and whether a power cut has it on battery. A true event too: the compliance and the alerts are the readings'.
    /// </summary>
    private void Reading(DateTimeOffset at)
    {
        while (!_usedMs.Add(at.ToUnixTimeMilliseconds())) at = at.AddMilliseconds(1);
        // Box-Muller: the wander is normal, from the thermometer's own draws (the sales' randomness stays as it was).
        var wander = Math.Sqrt(-2 * Math.Log(1 - thermometer.NextDouble())) * Math.Cos(2 * Math.PI * thermometer.NextDouble()) * WandersC;
        var tempC = Math.Round(KeepsAtC + wander + HeatAt(at), 2);
        var onBattery = season.PowerCuts.Where(c => c.Device == fridge.Device).Select(Span).Any(s => at >= s.From && at < s.To);
        truth.Add(new TruthEvent(at, "reading", _place, null, (int)Math.Round(tempC * 100), null));
        var outage = season.Outages.FirstOrDefault(o => o.Device == fridge.Device && Covers(o, at));
        var arrives = outage is null ? at : season.At(DateOnly.FromDateTime(outage.From), TimeOnly.FromDateTime(outage.From)).AddHours(outage.Hours);
        messages.Add(new PlannedMessage(fridge.Device, $"coop/v1/fridges/{fridge.Device}/telemetry", ContractMessages.Reading(++_seq, at, tempC, onBattery), at, arrives));
    }

    /// <summary>How much warmer than it keeps a heat wave makes the fridge at an instant: up over the first quarter, down over the last.</summary>
    private double HeatAt(DateTimeOffset at)
    {
        foreach (var wave in season.HeatWaves.Where(w => w.Device == fridge.Device))
        {
            var from = season.At(DateOnly.FromDateTime(wave.From), TimeOnly.FromDateTime(wave.From));
            var hours = (at - from).TotalHours;
            if (hours < 0 || hours >= wave.Hours) continue;
            var quarter = wave.Hours / 4;
            var share = hours < quarter ? hours / quarter : hours > wave.Hours - quarter ? (wave.Hours - hours) / quarter : 1;
            return (wave.PeakC - KeepsAtC) * share;
        }
        return 0;
    }

    private void Count(DateTimeOffset at)
    {
        while (!_usedMs.Add(at.ToUnixTimeMilliseconds())) at = at.AddMilliseconds(1); // every message its own millisecond
        var payload = ContractMessages.Stock(++_seq, at, _shelf);
        var outage = season.Outages.FirstOrDefault(o => o.Device == fridge.Device && Covers(o, at));
        var arrives = outage is null ? at : season.At(DateOnly.FromDateTime(outage.From), TimeOnly.FromDateTime(outage.From)).AddHours(outage.Hours);
        messages.Add(new PlannedMessage(fridge.Device, _topic, payload, at, arrives));
    }

    private bool Covers(SeasonOutage outage, DateTimeOffset at)
    {
        var from = season.At(DateOnly.FromDateTime(outage.From), TimeOnly.FromDateTime(outage.From));
        return at >= from && at < from.AddHours(outage.Hours);
    }

    private int Poisson(double mean) => SeasonPlan.Poisson(random, mean);
}

/// <summary>
/// One kiosk device's season: the festivals it serves, one after the other, each filled the evening before (the lead's
/// transfers from each brewery) and selling from its opening to its closing, one sale message per customer.
/// </summary>
internal sealed class KioskSeason(SeasonFile season, string device, Random random, List<PlannedMessage> messages, List<PersonAction> actions, List<TruthEvent> truth)
{
    private readonly string _topic = $"coop/v1/kiosks/{device}/sales";
    private readonly string _countTopic = $"coop/v1/kiosks/{device}/stock";
    private DateTimeOffset _lastMessage = DateTimeOffset.MinValue;
    private readonly HashSet<long> _usedMs = [];
    private long _seq;

    public void Play()
    {
        foreach (var festival in season.HeldFestivals.Where(f => f.Kiosks.Any(k => k.Device == device)).OrderBy(f => f.FirstDay))
        {
            var kiosk = festival.Kiosks.Single(k => k.Device == device);
            var place = festival.Place(kiosk);
            var table = Fill(festival, kiosk, season.At(festival.FirstDay.AddDays(-1), new TimeOnly(18, 0)));
            for (var day = festival.FirstDay; day < festival.FirstDay.AddDays(festival.Days); day = day.AddDays(1))
            {
                for (var minute = season.At(day, festival.Opens); minute < season.At(day, festival.Closes); minute = minute.AddMinutes(1))
                {
                    // A device numbers its messages in the order it makes them: a minute's customers in time order.
                    var seconds = Enumerable.Range(0, Poisson(kiosk.CustomersPerHour / 60)).Select(_ => random.Next(60)).Order().ToList();
                    foreach (var second in seconds) Sell(minute.AddSeconds(second), place, table);
                    if (random.NextDouble() < kiosk.TheftsPerHour / 60) Steal(minute.AddSeconds(random.Next(60)), place, table);
                }
                if (kiosk.CountsAtClose) Count(season.At(day, festival.Closes).AddMinutes(5), table);
            }
        }
    }

    /// <summary>A can taken from the kiosk without paying: the next count finds it missing.</summary>
    private void Steal(DateTimeOffset at, string place, Dictionary<string, int> table)
    {
        var inStock = table.Where(s => s.Value > 0).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        if (inStock.Count == 0) return;
        var sku = inStock[random.Next(inStock.Count)];
        table[sku]--;
        truth.Add(new TruthEvent(at, "theft", place, sku, 1, null));
    }

    /// <summary>The device counts what stands in the kiosk (every SKU sent there, 0 when sold out).</summary>
    private void Count(DateTimeOffset at, Dictionary<string, int> table)
    {
        var seq = NextSeq(at = OwnMillisecond(at));
        var shelf = table.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        messages.Add(new PlannedMessage(device, _countTopic, ContractMessages.Stock(seq, at, shelf), at, ArrivesAt(at)));
    }

    /// <summary>
    /// A tour's stop: filled the evening before, selling through its day, and its sales reported by hand (the lead
    /// types the host's tally, one line per beer at the list's price) half an hour after it closes.
    /// </summary>
    public void PlayStop(SeasonFestival tour, SeasonKiosk stop)
    {
        var day = stop.On!.Value;
        var place = tour.Place(stop);
        var table = Fill(tour, stop, season.At(day.AddDays(-1), new TimeOnly(18, 0)));
        var sold = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var minute = season.At(day, tour.Opens); minute < season.At(day, tour.Closes); minute = minute.AddMinutes(1))
            for (var customers = Poisson(stop.CustomersPerHour / 60); customers > 0; customers--)
                if (Take(table) is { } sale)
                {
                    truth.Add(new TruthEvent(minute.AddSeconds(random.Next(60)), "kiosk_sale", place, sale.Sku, sale.Units, PriceOf(sale.Sku)));
                    sold[sale.Sku] = sold.GetValueOrDefault(sale.Sku) + sale.Units;
                }
        var reported = season.At(day, tour.Closes).AddMinutes(30);
        actions.Add(new PersonAction(reported, $"season:{season.Name}:stop-sales:{place}", "stop_sales", "", 0, null, null, reported, $"sales of {stop.Name}")
        {
            Festival = tour.Code, Kiosk = stop.Code, Lines = [.. sold.Select(s => (s.Key, s.Value))],
        });
    }

    /// <summary>What is sent to a kiosk or stop the evening before: the lead's transfers from each brewery.</summary>
    private Dictionary<string, int> Fill(SeasonFestival festival, SeasonKiosk kiosk, DateTimeOffset eve)
    {
        var place = festival.Place(kiosk);
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (sku, units) in kiosk.Sent.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var brewery = season.Breweries.Single(b => b.Beers.Any(beer => beer.Sku == sku)).Slug;
            table[sku] = units;
            truth.Add(new TruthEvent(eve, "delivery", place, sku, units, null));
            actions.Add(new PersonAction(eve, $"season:{season.Name}:sent:{place}:{sku}", "transfer", sku, units, SeasonPlan.BreweryPlace(brewery), place, eve,
                $"sent to {kiosk.Name} for {festival.Name}"));
        }
        return table;
    }

    private (string Sku, int Units)? Take(Dictionary<string, int> table)
    {
        var inStock = table.Where(s => s.Value > 0).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        if (inStock.Count == 0) return null;
        var sku = inStock[random.Next(inStock.Count)];
        var units = Math.Min(table[sku], 1 + random.Next(3));
        table[sku] -= units;
        return (sku, units);
    }

    private long PriceOf(string sku) => season.Breweries.SelectMany(b => b.Beers).Single(b => b.Sku == sku).KioskPrice;

    private void Sell(DateTimeOffset at, string place, Dictionary<string, int> table)
    {
        if (Take(table) is not { } sale) return;
        var (sku, units) = sale;
        at = OwnMillisecond(at);
        var price = PriceOf(sku);
        truth.Add(new TruthEvent(at, "kiosk_sale", place, sku, units, price));
        var seq = NextSeq(at);
        var payload = ContractMessages.Sale(seq, at, $"{device}-{seq}", [(sku, units, price)], "card");
        messages.Add(new PlannedMessage(device, _topic, payload, at, ArrivesAt(at)));
    }

    /// <summary>Every message its own millisecond.</summary>
    private DateTimeOffset OwnMillisecond(DateTimeOffset at)
    {
        while (!_usedMs.Add(at.ToUnixTimeMilliseconds())) at = at.AddMilliseconds(1);
        return at;
    }

    /// <summary>The device's next seq: one counter for all it sends, started again when it was reflashed since its last message.</summary>
    private long NextSeq(DateTimeOffset at)
    {
        if (season.Reflashes.Any(r => r.Device == device && season.At(DateOnly.FromDateTime(r.At), TimeOnly.FromDateTime(r.At)) is var reflashed
                                      && reflashed <= at && reflashed > _lastMessage))
            _seq = 0;
        _lastMessage = at;
        return ++_seq;
    }

    /// <summary>When a message made at <paramref name="at"/> reaches the platform: at once, or when an outage holding it ends.</summary>
    private DateTimeOffset ArrivesAt(DateTimeOffset at)
    {
        var outage = season.Outages.FirstOrDefault(o => o.Device == device && season.At(DateOnly.FromDateTime(o.From), TimeOnly.FromDateTime(o.From)) is var from
                                                          && at >= from && at < from.AddHours(o.Hours));
        return outage is null ? at : season.At(DateOnly.FromDateTime(outage.From), TimeOnly.FromDateTime(outage.From)).AddHours(outage.Hours);
    }

    private int Poisson(double mean) => SeasonPlan.Poisson(random, mean);
}
