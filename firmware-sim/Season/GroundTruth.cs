using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FirmwareSim.Season;

/// <summary>Units and revenue of one COOP fridge for one brewery's beers over one Monday-to-Sunday Québec week.</summary>
public sealed record FridgeWeekTruth(string Fridge, string Brewery, DateOnly WeekOf, long Units, long RevenueCents);

/// <summary>
/// Units and revenue of one brewery in one channel over the whole season, and its money as the brewery books it: each
/// place's beer at one price under one day's terms over the season a line, rounded once (docs/ledger.md, "Money").
/// </summary>
public sealed record ChannelTruth(string Brewery, string Channel, long Units, long RevenueCents, long NetCents = 0, long GstCents = 0, long QstCents = 0,
    long DepositCents = 0);

/// <summary>What one festival kiosk sold of one brewery's beers, and what was sent there for it.</summary>
/// <param name="Missing">Units stolen at a kiosk whose device counts its shelf: its next count finds them missing.</param>
public sealed record KioskTruth(string Festival, string Kiosk, string Brewery, long Sent, long Sold, long Returned, long RevenueCents, long Missing = 0)
{
    /// <summary>What the reconciliation finds neither sold, sent back nor found missing by a count: stolen where nothing counts.</summary>
    public long Loss => Sent - Sold - Returned - Missing;
}

/// <summary>
/// One party's account after a festival, by the agreement (docs/ledger.md, "Money"): each brewery is owed what was
/// collected for its beer — the price, its taxes and the deposit on top — less the kiosk fee (basis points of its sales
/// before taxes, rounded half away from zero to the cent); whoever held a kiosk collected its takings, the Table is owed
/// the fees. A takings' line is a kiosk's beer at one price under one day's terms, its money rounded once. Balance: owed
/// less collected (positive: to receive).
/// </summary>
public sealed record SettlementTruth(string Festival, string Party, long Units, long RevenueCents, long NetCents, long GstCents, long QstCents,
    long DepositCents, long FeeCents, long OwedCents, long CollectedCents, long BalanceCents);

/// <summary>The funder report's sales of one COOP channel (frigos, kiosques, tournee, epiceries), brewery and region.</summary>
public sealed record FunderSalesTruth(string Channel, string Brewery, string Region, long Units, long RevenueCents);

/// <summary>
/// The funder report of a period (Québec dates, both included): sales by channel, brewery and region; the festivals
/// served (held in the period or selling in it); the tour stops of its days; the members taking part (a brewery with
/// sales in the period that was a member on at least one of its days).
/// </summary>
/// <param name="FleetInBandPercent">The share of the fridges' readings of its days within the keeping band (2-4 °C), to a tenth of a per cent.</param>
/// <param name="Fleet">The fridges bought in the period, at what cost and on the grant; owned at its end; placed somewhere during it.</param>
/// <param name="Placements">Where bought fridges stood during the period: serial, place, first and last day (none: until further notice).</param>
public sealed record FunderTruth(DateOnly From, DateOnly To, List<FunderSalesTruth> Sales, List<string> FestivalsServed, List<string> TourStops,
    List<string> Members, decimal FleetInBandPercent, FleetTruth Fleet, List<PlacementTruth> Placements);

public sealed record FleetTruth(int Bought, long CostCents, long OnGrantCents, int Owned, int Placed);

public sealed record PlacementTruth(string Serial, string Place, DateOnly From, DateOnly? To);

/// <summary>An alert the gateway should raise, and clear, for what really happened to a device.</summary>
public sealed record AlertTruth(string Device, string Type, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt);

/// <summary>
/// One line of a month's statement (docs/ledger.md, "Money"): what a place owes a brewery for one beer sold at one price
/// under the same terms (the taxes' rates, taxes included or not, the deposit) in one Québec month.
/// </summary>
public sealed record StatementLineTruth(string Month, string Place, string Payee, string Sku, long UnitPriceCents, bool PriceIncludesTaxes,
    long GstMilliPercent, long QstMilliPercent, long DepositCentsPerUnit, long Units, long NetCents, long GstCents, long QstCents, long DepositCents);

/// <summary>A grocery store's sales of a beer in the Québec week its report closes (the week's Sunday, or the season's last day).</summary>
public sealed record GroceryWeekTruth(string Store, string Sku, DateOnly WeekOf, long Units, long RevenueCents);

/// <summary>
/// A grocery placement at the season's end: delivered, taken back when it ended, sold, left on the shelf, and its weekly
/// rate over the days it stood there in the Québec weeks ended by the season's last day (units reported in them × 7 / days).
/// </summary>
public sealed record GroceryPlacementTruth(string Store, string Sku, long Delivered, long TakenBack, long Sold, long OnHand, decimal AverageWeeklySales,
    bool Ended);

/// <summary>
/// The units of a beer a fridge's long excursion exposed (docs/ledger.md, "Exposed stock"): the most that stood on its shelf
/// throughout two hours of the <c>temperature_high</c> alert raised at <see cref="RaisedAt"/>, on the ledger's facts in
/// event time (a sale at the count that saw it, a delivery or a loss when the person says it happened).
/// </summary>
public sealed record ExposureTruth(string Device, DateTimeOffset RaisedAt, string Place, string Sku, long Units);

/// <summary>The figures the Table reads, as they really were: what every report of the season must equal.</summary>
public sealed record SeasonTotals(string Season, DateOnly FirstDay, DateOnly LastDay, List<FridgeWeekTruth> FridgeWeeks, List<ChannelTruth> Revenue,
    List<KioskTruth> Kiosks, List<SettlementTruth> Settlements, List<FunderTruth> FunderReports, long UnitsStolen, long UnitsBroken,
    List<AlertTruth> Alerts, List<StatementLineTruth> Statements, List<GroceryWeekTruth> GroceryWeeks, List<GroceryPlacementTruth> GroceryPlacements,
    List<ExposureTruth> Exposures, List<CollabPartnerTruth> Collabs)
{
    /// <summary>How long beer stands in a too-warm fridge before it is exposed (the API's <c>Exposure:ExposedAfter</c>).</summary>
    public static readonly TimeSpan ExposedAfter = TimeSpan.FromHours(2);

    /// <summary>The Québec weeks a grocery placement's weekly rate is read over: every week of the season that ended by its last day.</summary>
    public static int GroceryRateWeeks(SeasonFile season) => Math.Clamp((season.Days + 6) / 7 + 1, 1, 52);

    public static SeasonTotals Of(SeasonPlan plan)
    {
        var season = plan.Season;
        var breweryOf = season.Sellers();
        var sales = plan.Truth.Where(e => e.Type == "sale").ToList();
        var weeks = sales
            .GroupBy(e => (e.Place, Brewery: breweryOf[e.Sku!], Week: SeasonFile.MondayOf(season.DayOf(e.At))))
            .Select(g => new FridgeWeekTruth(g.Key.Place, g.Key.Brewery, g.Key.Week, g.Sum(e => e.Units), g.Sum(e => e.Units * e.UnitPriceCents!.Value)))
            .OrderBy(w => w.WeekOf).ThenBy(w => w.Fridge, StringComparer.Ordinal).ThenBy(w => w.Brewery, StringComparer.Ordinal).ToList();
        var revenue = plan.Truth.Where(e => e.Type is "sale" or "kiosk_sale" or "grocery_sale")
            .Select(e => (Sale: e, Channel: e.Type switch { "sale" => "fridge", "kiosk_sale" => "kiosk", _ => "grocery" }))
            .GroupBy(x => (x.Sale.Place, x.Sale.Sku, x.Channel, Price: x.Sale.UnitPriceCents!.Value,
                Terms: TermsOn(season, x.Channel, season.FormatOf(x.Sale.Sku!), BookedOn(season, x.Sale))))
            .Select(g => (Brewery: breweryOf[g.Key.Sku!], g.Key.Channel, Line: Money(g.Sum(x => x.Sale.Units), g.Key.Price, g.Key.Terms)))
            .GroupBy(l => (l.Brewery, l.Channel))
            .Select(g => new ChannelTruth(g.Key.Brewery, g.Key.Channel, g.Sum(l => l.Line.Units), g.Sum(l => l.Line.Units * l.Line.Price), g.Sum(l => l.Line.Net),
                g.Sum(l => l.Line.Gst), g.Sum(l => l.Line.Qst), g.Sum(l => l.Line.Deposit)))
            .OrderBy(r => r.Brewery, StringComparer.Ordinal).ThenBy(r => r.Channel, StringComparer.Ordinal).ToList();
        var kiosks = season.HeldFestivals.SelectMany(f => f.Kiosks.Select(k => (Festival: f, Kiosk: k)))
            .SelectMany(x => x.Kiosk.Sent.Keys.Select(sku => breweryOf[sku]).Distinct().Select(brewery =>
            {
                var place = x.Festival.Place(x.Kiosk);
                var mine = plan.Truth.Where(e => e.Place == place && e.Sku is { } sku && breweryOf[sku] == brewery).ToList();
                var sold = mine.Where(e => e.Type == "kiosk_sale").ToList();
                return new KioskTruth(x.Festival.Code, x.Kiosk.Code, brewery, mine.Where(e => e.Type == "delivery").Sum(e => e.Units), sold.Sum(e => e.Units),
                    mine.Where(e => e.Type == "return").Sum(e => e.Units), sold.Sum(e => e.Units * e.UnitPriceCents!.Value),
                    x.Kiosk.CountsAtClose ? mine.Where(e => e.Type == "theft").Sum(e => e.Units) : 0);
            }))
            .OrderBy(k => k.Festival, StringComparer.Ordinal).ThenBy(k => k.Kiosk, StringComparer.Ordinal).ThenBy(k => k.Brewery, StringComparer.Ordinal).ToList();
        var settlements = new List<SettlementTruth>();
        foreach (var festival in season.HeldFestivals)
        {
            // Who holds the money: the Table at a festival's kiosks, the host brewery at a tour's stop.
            var collectorOf = festival.Kiosks.ToDictionary(festival.Place, k => k.Host ?? "table", StringComparer.Ordinal);
            var places = collectorOf.Keys.ToHashSet(StringComparer.Ordinal);
            var lines = plan.Truth.Where(e => e.Type == "kiosk_sale" && places.Contains(e.Place))
                .GroupBy(e => (e.Place, e.Sku, Price: e.UnitPriceCents!.Value, Terms: TermsOn(season, "kiosk", season.FormatOf(e.Sku!), season.DayOf(e.At))))
                .Select(g => (g.Key.Place, Brewery: breweryOf[g.Key.Sku!], Line: Money(g.Sum(e => e.Units), g.Key.Price, g.Key.Terms)))
                .ToList();
            var sold = lines.GroupBy(l => l.Brewery)
                .Select(g => (Brewery: g.Key, Units: g.Sum(l => l.Line.Units), Revenue: g.Sum(l => l.Line.Units * l.Line.Price), Net: g.Sum(l => l.Line.Net),
                    Gst: g.Sum(l => l.Line.Gst), Qst: g.Sum(l => l.Line.Qst), Deposit: g.Sum(l => l.Line.Deposit)))
                .OrderBy(b => b.Brewery, StringComparer.Ordinal).ToList();
            var fees = sold.ToDictionary(b => b.Brewery, b => (long)Math.Round(b.Net * (decimal)festival.KioskFeeBasisPoints / 10_000m, MidpointRounding.AwayFromZero));
            var collected = lines.GroupBy(l => collectorOf[l.Place]).ToDictionary(g => g.Key, g => g.Sum(l => l.Line.Total), StringComparer.Ordinal);
            var parties = sold.Select(b => b.Brewery).Concat(collected.Keys).Append("table").Distinct().Order(StringComparer.Ordinal);
            foreach (var party in parties)
            {
                var (_, units, takenFor, net, gst, qst, deposit) = sold.FirstOrDefault(b => b.Brewery == party);
                var fee = fees.GetValueOrDefault(party);
                var owed = net + gst + qst + deposit - fee + (party == "table" ? fees.Values.Sum() : 0);
                var held = collected.GetValueOrDefault(party);
                if (party == "table" && owed == 0 && held == 0) continue; // the Table is a party only when it holds or is owed something
                settlements.Add(new SettlementTruth(festival.Code, party, units, takenFor, net, gst, qst, deposit, fee, owed, held, owed - held));
            }
        }
        var lastDay = season.FirstDay.AddDays(season.Days - 1);
        var periods = Enumerable.Range(0, season.Days).Select(d => SeasonFile.MondayOf(season.FirstDay.AddDays(d))).Distinct()
            .Select(monday => (From: monday < season.FirstDay ? season.FirstDay : monday, To: monday.AddDays(6) > lastDay ? lastDay : monday.AddDays(6)))
            .Prepend((From: season.FirstDay, To: lastDay));
        var funder = periods.Select(p => Funder(plan, breweryOf, p.From, p.To)).ToList();
        var temperatureAlerts = TemperatureAlerts(plan);
        return new SeasonTotals(season.Name, season.FirstDay, lastDay, weeks, revenue, kiosks, settlements, funder,
            plan.Truth.Where(e => e.Type == "theft").Sum(e => e.Units), plan.Truth.Where(e => e.Type == "breakage").Sum(e => e.Units),
            [.. PowerAlerts(plan), .. temperatureAlerts, .. OfflineAlerts(plan)], MonthStatements(plan, breweryOf), GroceryWeeksOf(plan), GroceryPlacementsOf(plan),
            ExposuresOf(plan, temperatureAlerts), [.. season.CollabBrews.SelectMany(CollabSettlement.Accounts)]);
    }

    /// <summary>
    /// Each long excursion's exposed units per beer, from the ledger's facts at the fridge in event time: the people's
    /// deliveries, pick-ups and losses at the time they give, the beer moved with the fridge at its move, and the sales
    /// at the count that saw them (what a count says left the shelf is booked at the count).
    /// </summary>
    private static List<ExposureTruth> ExposuresOf(SeasonPlan plan, List<AlertTruth> alerts)
    {
        var season = plan.Season;
        var exposures = new List<ExposureTruth>();
        foreach (var alert in alerts.Where(a => a.ClearedAt is { } cleared && cleared - a.RaisedAt >= ExposedAfter))
        {
            var fridge = season.Fridges.Single(f => f.Device == alert.Device);
            var place = fridge.PlaceAt(TimeZoneInfo.ConvertTime(alert.RaisedAt, season.Zone).DateTime).Place;
            var counts = plan.Messages.Where(m => m.Device == alert.Device && m.Topic.EndsWith("/stock", StringComparison.Ordinal)).Select(m => m.Ts).Order().ToList();
            foreach (var sku in season.FridgeSkus(fridge))
            {
                var facts = new List<(DateTimeOffset At, int Delta)>();
                foreach (var action in plan.Actions.Where(a => a.Sku == sku && a.Kind is "transfer" or "loss" && (a.To == place || a.From == place)))
                    facts.Add((action.OccurredAt, action.To == place ? action.Units : -action.Units));
                foreach (var moved in plan.Truth.Where(e => e.Sku == sku && e.Place == place && e.Type is "moved_in" or "moved_out"))
                    facts.Add((moved.At, moved.Type == "moved_in" ? moved.Units : -moved.Units));
                foreach (var sale in plan.Truth.Where(e => e.Type == "sale" && e.Sku == sku && e.Place == place))
                {
                    var seenAt = counts.FirstOrDefault(c => c > sale.At);
                    if (seenAt != default) facts.Add((seenAt, -sale.Units));
                }
                var atStart = facts.Where(f => f.At <= alert.RaisedAt).Sum(f => f.Delta);
                var units = StoodThroughout(atStart, facts.Where(f => f.At > alert.RaisedAt && f.At <= alert.ClearedAt), alert.RaisedAt, alert.ClearedAt!.Value);
                if (units > 0) exposures.Add(new ExposureTruth(alert.Device, alert.RaisedAt, place, sku, units));
            }
        }
        return exposures;
    }

    /// <summary>The most units that stood throughout some stretch of <see cref="ExposedAfter"/> within [from, to], the level stepping at each fact.</summary>
    private static int StoodThroughout(int atStart, IEnumerable<(DateTimeOffset At, int Delta)> facts, DateTimeOffset from, DateTimeOffset to)
    {
        var steps = new List<(DateTimeOffset From, int Units)> { (from, atStart) };
        foreach (var (at, delta) in facts.OrderBy(f => f.At))
            if (steps[^1].From == at) steps[^1] = (at, steps[^1].Units + delta);
            else steps.Add((at, steps[^1].Units + delta));
        var best = 0;
        foreach (var start in steps.Select(s => s.From).Append(to - ExposedAfter).Where(s => s >= from && s + ExposedAfter <= to))
        {
            var end = start + ExposedAfter;
            var held = steps.Where((s, i) => s.From < end && (i + 1 < steps.Count ? steps[i + 1].From : to) > start).Min(s => s.Units);
            best = Math.Max(best, held);
        }
        return best;
    }

    private static List<GroceryWeekTruth> GroceryWeeksOf(SeasonPlan plan) =>
        plan.Truth.Where(e => e.Type == "grocery_sale")
            .GroupBy(e => (e.Place, e.Sku, Week: SeasonFile.MondayOf(BookedOn(plan.Season, e))))
            .Select(g => new GroceryWeekTruth(g.Key.Place, g.Key.Sku!, g.Key.Week, g.Sum(e => e.Units), g.Sum(e => e.Units * e.UnitPriceCents!.Value)))
            .OrderBy(w => w.WeekOf).ThenBy(w => w.Store, StringComparer.Ordinal).ThenBy(w => w.Sku, StringComparer.Ordinal).ToList();

    private static List<GroceryPlacementTruth> GroceryPlacementsOf(SeasonPlan plan)
    {
        var season = plan.Season;
        var lastDay = season.FirstDay.AddDays(season.Days - 1);
        var windowEnd = lastDay.AddDays(-(int)lastDay.DayOfWeek); // the last Sunday on or before the season's last day
        var windowStart = windowEnd.AddDays(1 - 7 * GroceryRateWeeks(season));
        return season.GroceryStores.SelectMany(store => store.Delivered.Keys.Select(sku =>
            {
                var mine = plan.Truth.Where(e => e.Place == store.Place && e.Sku == sku).ToList();
                var sold = mine.Where(e => e.Type == "grocery_sale").ToList();
                var delivered = mine.Where(e => e.Type == "delivery").Sum(e => (long)e.Units);
                var takenBack = mine.Where(e => e.Type == "withdrawal").Sum(e => (long)e.Units);
                var last = store.LastDays.TryGetValue(sku, out var end) ? end : (DateOnly?)null;
                var shelfTo = last is { } l && l < windowEnd ? l : windowEnd;
                var from = season.FirstDay > windowStart ? season.FirstDay : windowStart;
                var days = Math.Max(0, shelfTo.DayNumber - from.DayNumber + 1);
                var inWindow = sold.Where(e => BookedOn(season, e) is var day && day >= windowStart && day <= windowEnd).Sum(e => (long)e.Units);
                return new GroceryPlacementTruth(store.Place, sku, delivered, takenBack, sold.Sum(e => (long)e.Units), delivered - takenBack - sold.Sum(e => (long)e.Units),
                    days == 0 ? 0 : Math.Round(inWindow * 7m / days, 2), last < lastDay);
            }))
            .OrderBy(p => p.Store, StringComparer.Ordinal).ThenBy(p => p.Sku, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The months' statements of the fridges' venues and the grocery stores. A fridge's sale is billed on its Québec day;
    /// a store's on the day its week is reported for (the week's Sunday, or the season's last day): the store's weekly
    /// report is what it is billed by, so a week across the end of a month is the month of its Sunday.
    /// </summary>
    private static List<StatementLineTruth> MonthStatements(SeasonPlan plan, Dictionary<string, string> breweryOf)
    {
        var season = plan.Season;
        if (season.Money.Count == 0) return [];
        return plan.Truth.Where(e => e.Type is "sale" or "grocery_sale")
            .Select(e =>
            {
                var day = BookedOn(season, e);
                return (Sale: e, Month: day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    Terms: TermsOn(season, e.Type == "sale" ? "fridge" : "grocery", season.FormatOf(e.Sku!), day));
            })
            .GroupBy(x => (x.Month, x.Sale.Place, Payee: breweryOf[x.Sale.Sku!], Sku: x.Sale.Sku!, Price: x.Sale.UnitPriceCents!.Value, x.Terms))
            .Select(g =>
            {
                var (month, place, payee, sku, price, terms) = g.Key;
                var line = Money(g.Sum(x => x.Sale.Units), price, terms);
                return new StatementLineTruth(month, place, payee, sku, price, terms.Included, terms.Gst, terms.Qst, terms.Deposit, line.Units, line.Net,
                    line.Gst, line.Qst, line.Deposit);
            })
            .OrderBy(l => l.Month, StringComparer.Ordinal).ThenBy(l => l.Place, StringComparer.Ordinal).ThenBy(l => l.Sku, StringComparer.Ordinal)
            .ThenBy(l => l.UnitPriceCents).ThenBy(l => l.DepositCentsPerUnit).ToList();
    }

    /// <summary>
    /// The day the platform books a sale on: a fridge's or a kiosk's, its Québec day; a grocery store's, the day its week
    /// is reported for (the week's Sunday, or the season's last day): the store's weekly report is what it is billed by.
    /// </summary>
    private static DateOnly BookedOn(SeasonFile season, TruthEvent sale)
    {
        var day = season.DayOf(sale.At);
        if (sale.Type != "grocery_sale") return day;
        var sunday = day.AddDays((7 - (int)day.DayOfWeek) % 7);
        var lastDay = season.FirstDay.AddDays(season.Days - 1);
        return sunday > lastDay ? lastDay : sunday;
    }

    /// <summary>The terms of a sale on a day, from the season's money settings: the rates, taxes included or not, the deposit.</summary>
    private static (long Gst, long Qst, bool Included, long Deposit) TermsOn(SeasonFile season, string channel, string format, DateOnly day) =>
        (season.MoneySettingOn("gst", day) ?? 0, season.MoneySettingOn("qst", day) ?? 0, season.MoneySettingOn($"taxes-included:{channel}", day) == 1,
            season.MoneySettingOn($"deposit:{format}", day) ?? 0);

    /// <summary>
    /// A line's money, in the truth's own integer arithmetic: taxes rounded once for the line, half up (amounts here are
    /// never negative); taxes included, each is its share of what was paid and the net the rest; the deposit on top.
    /// </summary>
    private static (long Units, long Price, long Net, long Gst, long Qst, long Deposit, long Total) Money(long units, long price,
        (long Gst, long Qst, bool Included, long Deposit) terms)
    {
        var amount = units * price;
        var whole = terms.Included ? 100_000 + terms.Gst + terms.Qst : 100_000;
        long gst = HalfUp(amount * terms.Gst, whole), qst = HalfUp(amount * terms.Qst, whole);
        var net = terms.Included ? amount - gst - qst : amount;
        return (units, price, net, gst, qst, units * terms.Deposit, net + gst + qst + units * terms.Deposit);
    }

    /// <summary>numerator / denominator rounded half up, in integers (both ≥ 0).</summary>
    private static long HalfUp(long numerator, long denominator) => (2 * numerator + denominator) / (2 * denominator);

    /// <summary>Beer keeps at 2-4 °C; above 8 °C for 15 minutes a fridge is too warm until it is back under 7 °C (CONTEXT.md, the gateway's defaults).</summary>
    private const int KeepsFromCentiC = 200, KeepsToCentiC = 400, TooWarmAboveCentiC = 800, BackUnderCentiC = 700;
    private static readonly TimeSpan TooWarmFor = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A fridge's readings above 8 °C from one for 15 minutes are a <c>temperature_high</c> alert, from the first of them to
    /// the first reading back under 7 °C; a spell above 8 °C shorter than that raises nothing.
    /// </summary>
    private static List<AlertTruth> TemperatureAlerts(SeasonPlan plan)
    {
        var deviceAt = plan.Season.Fridges.SelectMany(f => f.Places().Select(p => (p.Place, f.Device))).ToDictionary(x => x.Place, x => x.Device, StringComparer.Ordinal);
        var alerts = new List<AlertTruth>();
        foreach (var device in plan.Truth.Where(e => e.Type == "reading").GroupBy(e => deviceAt[e.Place]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            DateTimeOffset? warmSince = null, raisedAt = null;
            foreach (var reading in device.OrderBy(e => e.At))
            {
                if (raisedAt is { } raised)
                {
                    if (reading.Units < BackUnderCentiC) { alerts.Add(new AlertTruth(device.Key, "temperature_high", raised, reading.At)); raisedAt = null; warmSince = null; }
                    continue;
                }
                if (reading.Units <= TooWarmAboveCentiC) { warmSince = null; continue; }
                warmSince ??= reading.At;
                if (reading.At - warmSince.Value >= TooWarmFor) raisedAt = warmSince;
            }
            if (raisedAt is { } open) alerts.Add(new AlertTruth(device.Key, "temperature_high", open, null));
        }
        return alerts;
    }

    /// <summary>A fridge's power cut is a <c>power_lost</c> alert from the cut to the power's return.</summary>
    /// <summary>
    /// The platform's rule for silence (the gateway's <c>offline</c>, DESIGN's alert machines): at each instant of the
    /// season's arrival clock, a device not heard of for more than five reporting intervals (a count's interval, the
    /// season's) is offline since the time of its last message; any message of it ends that, at its own time — the first
    /// that arrives after an outage is the oldest of the device's buffer — never before the silence began. Told in the
    /// order the messages reach the broker, the clock's instants among them.
    /// </summary>
    private static List<AlertTruth> OfflineAlerts(SeasonPlan plan)
    {
        var limit = TimeSpan.FromMinutes(plan.Season.CountEveryMinutes * 5);
        var lastSeen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var since = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var alerts = new List<AlertTruth>();
        var ticks = plan.ClockTicks;
        var next = 0;
        void TickUntil(DateTimeOffset arrival)
        {
            for (; next < ticks.Count && ticks[next] <= arrival; next++)
                foreach (var (device, seen) in lastSeen)
                    if (!since.ContainsKey(device) && ticks[next] - seen > limit) since[device] = seen;
        }
        foreach (var message in plan.Messages)
        {
            TickUntil(message.ArrivesAt);
            if (!lastSeen.TryGetValue(message.Device, out var seen) || message.Ts > seen) lastSeen[message.Device] = message.Ts;
            if (since.Remove(message.Device, out var from)) alerts.Add(new AlertTruth(message.Device, "offline", from, message.Ts > from ? message.Ts : from));
        }
        TickUntil(DateTimeOffset.MaxValue);
        alerts.AddRange(since.Select(s => new AlertTruth(s.Key, "offline", s.Value, null)));
        return alerts;
    }

    private static List<AlertTruth> PowerAlerts(SeasonPlan plan)
    {
        var deviceAt = plan.Season.Fridges.SelectMany(f => f.Places().Select(p => (p.Place, f.Device))).ToDictionary(x => x.Place, x => x.Device, StringComparer.Ordinal);
        var alerts = new List<AlertTruth>();
        foreach (var device in plan.Truth.Where(e => e.Type is "power_lost" or "power_restored").GroupBy(e => deviceAt[e.Place]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            DateTimeOffset? lostAt = null;
            foreach (var e in device.OrderBy(e => e.At))
                if (e.Type == "power_lost") lostAt ??= e.At;
                else if (lostAt is { } from) { alerts.Add(new AlertTruth(device.Key, "power_lost", from, e.At)); lostAt = null; }
            if (lostAt is { } open) alerts.Add(new AlertTruth(device.Key, "power_lost", open, null));
        }
        return alerts;
    }

    private static FunderTruth Funder(SeasonPlan plan, Dictionary<string, string> breweryOf, DateOnly from, DateOnly to)
    {
        var season = plan.Season;
        var places = new Dictionary<string, (string Channel, string Region)>(StringComparer.Ordinal);
        foreach (var (place, _, region) in season.Fridges.SelectMany(f => f.Places())) places[place] = ("frigos", region);
        foreach (var festival in season.HeldFestivals)
            foreach (var kiosk in festival.Kiosks) // a tour's stop is at its host brewery, in the host's region
                places[festival.Place(kiosk)] = kiosk.Host is { } host ? ("tournee", season.Breweries.Single(b => b.Slug == host).Region) : ("kiosques", festival.Region);
        foreach (var store in season.GroceryStores) places[store.Place] = ("epiceries", store.Region);
        var sold = plan.Truth.Where(e => e.Type is "sale" or "kiosk_sale" or "grocery_sale" && season.DayOf(e.At) is var day && day >= from && day <= to).ToList();
        var sales = sold.GroupBy(e => (places[e.Place].Channel, Brewery: breweryOf[e.Sku!], places[e.Place].Region))
            .Select(g => new FunderSalesTruth(g.Key.Channel, g.Key.Brewery, g.Key.Region, g.Sum(e => e.Units), g.Sum(e => e.Units * e.UnitPriceCents!.Value)))
            .OrderBy(s => s.Channel, StringComparer.Ordinal).ThenBy(s => s.Brewery, StringComparer.Ordinal).ThenBy(s => s.Region, StringComparer.Ordinal).ToList();
        var festivals = season.HeldFestivals.Where(f => f.Kind != "tour")
            .Where(f => (f.FirstDay <= to && f.FirstDay.AddDays(f.Days - 1) >= from) || sold.Any(e => f.Kiosks.Any(k => f.Place(k) == e.Place)))
            .OrderBy(f => f.FirstDay).Select(f => f.Code).ToList();
        var stops = season.HeldFestivals.Where(f => f.Kind == "tour").SelectMany(f => f.Kiosks.Where(k => k.On >= from && k.On <= to).Select(k => (k.On, Stop: $"{f.Code}/{k.Code}")))
            .OrderBy(s => s.On).Select(s => s.Stop).ToList();
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        var members = sold.Select(e => breweryOf[e.Sku!]).Distinct()
            .Where(slug => days.Any(season.Breweries.Single(b => b.Slug == slug).IsMemberOn)).Order(StringComparer.Ordinal).ToList();
        var readings = plan.Truth.Where(e => e.Type == "reading" && season.DayOf(e.At) is var day && day >= from && day <= to).ToList();
        // As the report works it out: the readings' count in the band over their count, a tenth of a per cent.
        var inBand = readings.Count(e => e.Units is >= KeepsFromCentiC and <= KeepsToCentiC);
        var percent = readings.Count == 0 ? 0 : Math.Round((decimal)(100.0 * inBand / readings.Count), 1);
        var assets = season.Fridges.Select(f => f.Asset).OfType<SeasonAsset>().Concat(season.SpareFridges).ToList();
        var bought = assets.Where(a => a.PurchasedOn >= from && a.PurchasedOn <= to).ToList();
        var placements = AssetPlacements(season).Where(p => p.From <= to && (p.To is null || p.To >= from))
            .OrderBy(p => p.Serial, StringComparer.Ordinal).ThenBy(p => p.From).ToList();
        var fleet = new FleetTruth(bought.Count, bought.Sum(a => a.CostCents), bought.Where(a => a.Funding == "grant").Sum(a => a.CostCents),
            assets.Count(a => a.PurchasedOn <= to), placements.Select(p => p.Serial).Distinct().Count());
        return new FunderTruth(from, to, sales, festivals, stops, members, percent, fleet, placements);
    }

    /// <summary>Where each bought fridge stood: its first place from its placement day, each move's place from the move's Québec day.</summary>
    private static IEnumerable<PlacementTruth> AssetPlacements(SeasonFile season)
    {
        foreach (var fridge in season.Fridges.Where(f => f.Asset is not null))
        {
            var (place, from) = (fridge.Place, fridge.Asset!.PlacedFrom);
            foreach (var move in fridge.Moves.OrderBy(m => m.At))
            {
                var day = DateOnly.FromDateTime(move.At);
                yield return new PlacementTruth(fridge.Asset.Serial, place, from, day.AddDays(-1));
                (place, from) = (move.Place, day);
            }
            yield return new PlacementTruth(fridge.Asset.Serial, place, from, null);
        }
    }
}

/// <summary>Writes the ground truth of a season: <c>truth.jsonl</c> (every true event) and <c>totals.json</c>.</summary>
public static class GroundTruthFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(SeasonPlan plan, SeasonTotals totals, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        await using (var events = new StreamWriter(Path.Combine(directory, "truth.jsonl")) { NewLine = "\n" })
            foreach (var e in plan.Truth)
                await events.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"at":"{{e.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","type":"{{e.Type}}","place":"{{e.Place}}","sku":{{(e.Sku is null ? "null" : $"\"{e.Sku}\"")}},"units":{{e.Units}},"unitPriceCents":{{(e.UnitPriceCents?.ToString(CultureInfo.InvariantCulture) ?? "null")}}}"""));
        await File.WriteAllTextAsync(Path.Combine(directory, "totals.json"), JsonSerializer.Serialize(totals, Json) + "\n", ct);
    }
}
