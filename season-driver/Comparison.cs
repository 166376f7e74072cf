using FirmwareSim.Season;
using FrigoCoop.Client;

namespace SeasonDriver;

/// <summary>
/// Reads the Table's reports through the API and lists every way they differ from the ground truth, to the unit
/// and the cent. A report row the truth does not have, or a truth row the report lacks, is a difference too.
/// </summary>
public static class Comparison
{
    public static async Task<List<string>> DifferencesAsync(FrigoCoopClient lead, SeasonPlan plan, SeasonTotals truth, CancellationToken ct)
    {
        var differences = new List<string>();
        var places = plan.Season.Fridges.SelectMany(f => f.Places()).Select(p => p.Place).ToHashSet(StringComparer.Ordinal);
        var from = World.Day(truth.FirstDay);
        var to = World.Day(truth.LastDay);

        var weeks = (await lead.Api.V1.Sales.Fridges.GetAsync(q => { q.QueryParameters.From = from; q.QueryParameters.To = to; }, ct))!
            .Where(w => places.Contains(w.Fridge!))
            .ToDictionary(w => (w.Fridge!, w.Brewery!, new DateOnly(w.WeekOf!.Value.Year, w.WeekOf.Value.Month, w.WeekOf.Value.Day)));
        var expectedWeeks = truth.FridgeWeeks.ToDictionary(w => (w.Fridge, w.Brewery, w.WeekOf));
        foreach (var key in expectedWeeks.Keys.Union(weeks.Keys).Order())
        {
            var (fridge, brewery, week) = key;
            var expected = expectedWeeks.GetValueOrDefault(key);
            var reported = weeks.GetValueOrDefault(key);
            Compare(differences, $"fridge sales {fridge} {brewery} week of {week:yyyy-MM-dd}",
                (expected?.Units ?? 0, expected?.RevenueCents ?? 0, 0), (reported?.Units ?? 0, reported?.RevenueCents ?? 0, reported?.UnpricedUnits ?? 0));
        }

        // Every power cut of a fridge is one power_lost alert, raised when the power went and cleared when it came back, and
        // every spell of its readings above 8 °C for 15 minutes one temperature_high, until a reading under 7 °C (the
        // device's own times, to the millisecond), whatever order the messages reached the gateways in; every silence of
        // a fridge or kiosk longer than five count intervals at an instant of the season's clock one offline alert.
        var kiosks = plan.Season.Festivals.SelectMany(f => f.Kiosks).Select(k => k.Device).OfType<string>();
        foreach (var device in plan.Season.Fridges.Select(f => f.Device).Concat(kiosks).Distinct().Order(StringComparer.Ordinal))
        {
            var alerts = (await lead.Api.V1.Alerts.GetAsync(q => { q.QueryParameters.Device = device; q.QueryParameters.Limit = 500; }, ct))!;
            foreach (var type in new[] { "power_lost", "temperature_high", "offline" })
            {
                var reported = alerts.Where(a => a.Type == type).Select(a => $"{a.RaisedAt!.Value.UtcDateTime:O} → {a.ClearedAt?.UtcDateTime.ToString("O") ?? "open"}")
                    .Order(StringComparer.Ordinal).ToList();
                var expected = truth.Alerts.Where(a => a.Device == device && a.Type == type)
                    .Select(a => $"{a.RaisedAt.UtcDateTime:O} → {a.ClearedAt?.UtcDateTime.ToString("O") ?? "open"}").Order(StringComparer.Ordinal).ToList();
                foreach (var missing in expected.Except(reported)) differences.Add($"alert {type} {device} {missing}: not raised as such");
                foreach (var extra in reported.Except(expected)) differences.Add($"alert {type} {device} {extra}: raised, but that did not happen");
            }
        }

        await CompareExposuresAsync(differences, lead, truth, ct);

        var revenue = (await lead.Api.V1.Sales.Revenue.GetAsync(q => { q.QueryParameters.From = from; q.QueryParameters.To = to; }, ct))!
            .ToDictionary(r => (r.Brewery!, r.Channel!));
        var expectedRevenue = truth.Revenue.ToDictionary(r => (r.Brewery, r.Channel));
        foreach (var key in expectedRevenue.Keys.Union(revenue.Keys).Order())
        {
            var expected = expectedRevenue.GetValueOrDefault(key);
            var reported = revenue.GetValueOrDefault(key);
            var figure = $"revenue {key.Item1} {key.Item2} {truth.FirstDay:yyyy-MM-dd}..{truth.LastDay:yyyy-MM-dd}";
            Compare(differences, figure, (expected?.Units ?? 0, expected?.RevenueCents ?? 0, 0), (reported?.Units ?? 0, reported?.RevenueCents ?? 0, reported?.UnpricedUnits ?? 0));
            // As the brewery books it: before taxes, each tax, the deposit (docs/ledger.md, "Money").
            (long, long, long, long) truthMoney = (expected?.NetCents ?? 0, expected?.GstCents ?? 0, expected?.QstCents ?? 0, expected?.DepositCents ?? 0);
            (long, long, long, long) platformMoney = (reported?.NetCents ?? 0, reported?.GstCents ?? 0, reported?.QstCents ?? 0, reported?.DepositCents ?? 0);
            if (plan.Season.Money.Count > 0 && truthMoney != platformMoney)
                differences.Add($"{figure} (net, GST, QST, deposit in cents): truth {truthMoney}, platform {platformMoney}");
        }
        foreach (var festival in plan.Season.Festivals)
        {
            var rows = (await lead.Api.V1.Festivals[festival.Code].Results.GetAsync(cancellationToken: ct))!.ToDictionary(r => (r.Stop!, r.Brewery!));
            var expected = truth.Kiosks.Where(k => k.Festival == festival.Code).ToDictionary(k => (k.Kiosk, k.Brewery));
            foreach (var key in expected.Keys.Union(rows.Keys).Order())
            {
                var t = expected.GetValueOrDefault(key);
                var r = rows.GetValueOrDefault(key);
                Compare(differences, $"festival {festival.Code} kiosk {key.Item1} {key.Item2}",
                    (t?.Sold ?? 0, t?.RevenueCents ?? 0, 0), (r?.Sold ?? 0, r?.RevenueCents ?? 0, 0));
                (long Sent, long Returned, long Loss, long Missing) truthFlow = (t?.Sent ?? 0, t?.Returned ?? 0, t?.Loss ?? 0, t?.Missing ?? 0),
                    platformFlow = (r?.Sent ?? 0, r?.Returned ?? 0, r?.Loss ?? 0, r?.MissingAtCount ?? 0);
                if (truthFlow != platformFlow)
                    differences.Add($"festival {festival.Code} kiosk {key.Item1} {key.Item2}: sent/returned/lost/missing at count truth {truthFlow}, platform {platformFlow}");
            }
        }
        foreach (var festival in plan.Season.Festivals)
        {
            var expected = truth.Settlements.Where(s => s.Festival == festival.Code).ToDictionary(s => s.Party, StringComparer.Ordinal);
            var live = (await lead.Api.V1.Festivals[festival.Code].Settlement.GetAsync(cancellationToken: ct))!;
            CompareSettlement(differences, $"settlement {festival.Code}", expected, live.Statements!);
            if (festival.CancelledOn is not null)
            {
                // Nothing to pay by: a cancelled festival's statement is refused, and none was ever issued.
                try
                {
                    await lead.Api.V1.Festivals[festival.Code].Statements.PostAsync(cancellationToken: ct);
                    differences.Add($"settlement {festival.Code}: a statement was issued for a cancelled festival");
                }
                catch (FrigoCoop.Client.Models.ProblemDetails problem) when (problem.ResponseStatusCode == 409) { }
                continue;
            }
            // What the Table pays by: the statement issued the morning after, then a correction once the late facts are in.
            try { await lead.Api.V1.Festivals[festival.Code].Statements.PostAsync(cancellationToken: ct); }
            catch (FrigoCoop.Client.Models.ProblemDetails problem) when (problem.ResponseStatusCode == 409) { } // nothing changed since the last one
            var issued = (await lead.Api.V1.Festivals[festival.Code].Statements.GetAsync(cancellationToken: ct))!;
            if (issued.Count == 0) differences.Add($"settlement {festival.Code}: no statement issued");
            else CompareSettlement(differences, $"last issued statement {festival.Code} (no. {issued[^1].Number})", expected, issued[^1].Settlement!.Statements!);
        }
        foreach (var period in truth.FunderReports) await CompareFunderReportAsync(differences, lead, period, ct);
        if (plan.Season.GroceryStores.Count > 0) await CompareGroceryAsync(differences, lead, plan, truth, ct);
        foreach (var brew in plan.Season.CollabBrews) await CompareCollabAsync(differences, lead, plan, brew, truth, ct);
        if (plan.Season.Money.Count > 0) await CompareStatementsAsync(differences, lead, truth, ct);
        return differences;
    }

    /// <summary>
    /// The months' statements (docs/ledger.md, "Money"): every line — a place, a brewery, a beer, a price and the day's
    /// terms — its units, net, GST, QST and deposit, to the cent, and the line's total as their sum; for each month over,
    /// the same of what was issued (the first statement and its corrections added up).
    /// </summary>
    private static async Task CompareStatementsAsync(List<string> differences, FrigoCoopClient lead, SeasonTotals truth, CancellationToken ct)
    {
        static string Key(string place, string payee, string sku, long? price, bool included, long gst, long qst, long deposit) =>
            $"{place} {payee} {sku} at {price?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no price"} ¢ " +
            $"({(included ? "taxes included" : "before taxes")}, GST {gst}, QST {qst}, deposit {deposit} ¢)";
        static string KeyOf(FrigoCoop.Client.Models.StatementLine l) => Key(l.Place!, l.Payee!, l.Sku!, l.UnitPriceCents, l.PriceIncludesTaxes!.Value,
            l.GstMilliPercent!.Value, l.QstMilliPercent!.Value, l.DepositCentsPerUnit!.Value);
        static (long, long, long, long, long) Figures(FrigoCoop.Client.Models.StatementLine l) =>
            (l.Units ?? 0, l.NetCents ?? 0, l.GstCents ?? 0, l.QstCents ?? 0, l.DepositCents ?? 0);
        void CompareLines(string figure, Dictionary<string, (long, long, long, long, long)> reported, Dictionary<string, StatementLineTruth> expected)
        {
            foreach (var key in expected.Keys.Union(reported.Keys).Order(StringComparer.Ordinal))
            {
                var t = expected.GetValueOrDefault(key);
                (long, long, long, long, long) truthLine = (t?.Units ?? 0, t?.NetCents ?? 0, t?.GstCents ?? 0, t?.QstCents ?? 0, t?.DepositCents ?? 0);
                var platformLine = reported.GetValueOrDefault(key);
                if (truthLine != platformLine)
                    differences.Add($"{figure} {key} (units, net, GST, QST, deposit in cents): truth {truthLine}, platform {platformLine}");
            }
        }

        var months = Enumerable.Range(0, truth.LastDay.DayNumber - truth.FirstDay.DayNumber + 1)
            .Select(d => truth.FirstDay.AddDays(d)).GroupBy(d => d.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var month in months.Select(m => (Name: m.Key, Over: m.Max() < truth.LastDay)))
        {
            var expected = truth.Statements.Where(l => l.Month == month.Name).ToDictionary(l => Key(l.Place, l.Payee, l.Sku, l.UnitPriceCents, l.PriceIncludesTaxes,
                l.GstMilliPercent, l.QstMilliPercent, l.DepositCentsPerUnit));
            var statement = (await lead.Api.V1.Money.Statements.GetAsync(q => q.QueryParameters.Month = month.Name, ct))!;
            CompareLines($"statement {month.Name}", statement.Lines!.ToDictionary(KeyOf, Figures), expected);
            foreach (var r in statement.Lines!.Where(r => r.TotalCents != r.NetCents + r.GstCents + r.QstCents + r.DepositCents))
                differences.Add($"statement {month.Name} {KeyOf(r)}: its total {r.TotalCents} is not the sum of its parts");
            if (!month.Over) continue;
            // What the venues were billed: the statement issued the month after, then the correction of what arrived late
            // (issued now, once every fact is in). Together they must be the truth, line by line.
            try { await lead.Api.V1.Money.Statements[month.Name].Issues.PostAsync(cancellationToken: ct); }
            catch (FrigoCoop.Client.Models.ProblemDetails problem) when (problem.ResponseStatusCode == 409) { } // nothing changed since the last one
            var issued = (await lead.Api.V1.Money.Statements[month.Name].Issues.GetAsync(cancellationToken: ct))!;
            if (issued.Count == 0) { differences.Add($"statement {month.Name}: none issued"); continue; }
            var billed = issued.SelectMany(i => (i.Correction ?? i.Statement)!.Lines!).GroupBy(KeyOf)
                .ToDictionary(g => g.Key, g => g.Select(Figures).Aggregate((0L, 0L, 0L, 0L, 0L), (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2, a.Item3 + b.Item3,
                    a.Item4 + b.Item4, a.Item5 + b.Item5)));
            foreach (var key in billed.Where(b => b.Value == default).Select(b => b.Key).ToList()) billed.Remove(key); // corrected back to nothing
            CompareLines($"statements {month.Name} issued ({issued.Count}: the first and its corrections)", billed, expected);
            Console.WriteLine($"month {month.Name}: {issued.Count} statement(s) issued, {issued.Count - 1} a correction of what arrived late");
        }
    }

    /// <summary>
    /// The lots each long excursion exposed: units per fridge, excursion and beer. The API works them out in its outbox's
    /// passes, after the alerts and the facts arrive, so this waits (a minute at most) until they stop changing.
    /// </summary>
    private static async Task CompareExposuresAsync(List<string> differences, FrigoCoopClient lead, SeasonTotals truth, CancellationToken ct)
    {
        var expected = truth.Exposures.ToDictionary(e => $"{e.Place} from {e.RaisedAt.UtcDateTime:O} {e.Sku}", e => e.Units, StringComparer.Ordinal);
        Dictionary<string, long> reported = [];
        var stableSince = DateTime.UtcNow;
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(500, ct))
        {
            var now = (await lead.Api.V1.Stock.Exposures.GetAsync(cancellationToken: ct))!
                .GroupBy(e => $"{e.Location} from {e.ExcursionFrom!.Value.UtcDateTime:O} {e.Sku}", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(e => (long)(e.Units ?? 0)), StringComparer.Ordinal);
            if (now.Count == expected.Count && now.All(e => expected.TryGetValue(e.Key, out var units) && units == e.Value)) { reported = now; break; }
            if (now.Count != reported.Count || now.Any(e => !reported.TryGetValue(e.Key, out var units) || units != e.Value)) (reported, stableSince) = (now, DateTime.UtcNow);
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(10)) break; // settled, and not the truth
        }
        foreach (var key in expected.Keys.Union(reported.Keys).Order(StringComparer.Ordinal))
            if (expected.GetValueOrDefault(key) != reported.GetValueOrDefault(key))
                differences.Add($"exposed {key}: truth {expected.GetValueOrDefault(key)} u., platform {reported.GetValueOrDefault(key)} u.");
    }

    /// <summary>
    /// A collab brew after its packaging: each partner's contribution, units taken, their value at cost and its balance
    /// (the settlement), the output split per SKU, and each beer-taking partner's share standing at its brewery's place.
    /// </summary>
    private static async Task CompareCollabAsync(List<string> differences, FrigoCoopClient lead, SeasonPlan plan, SeasonCollabBrew brew, SeasonTotals truth, CancellationToken ct)
    {
        var settlement = (await lead.Api.V1.CollabBrews[brew.Code].Settlement.GetAsync(cancellationToken: ct))!;
        var accounts = settlement.Settlement!.Accounts!.ToDictionary(a => a.PartnerKey!, StringComparer.Ordinal);
        foreach (var t in truth.Collabs.Where(c => c.Brew == brew.Code))
        {
            (long, long, long, long) expected = (t.ContributedCents, t.UnitsTaken, t.BeerValueCents, t.BalanceCents);
            (long, long, long, long) reported = accounts.Remove(t.Partner, out var a)
                ? (a.ContributedCents ?? 0, a.UnitsTaken ?? 0, a.BeerValueCents ?? 0, a.BalanceCents ?? 0) : default;
            if (expected != reported)
                differences.Add($"collab {brew.Code} {t.Partner} (contributed, units taken, beer at cost, balance in cents): truth {expected}, platform {reported}");
        }
        foreach (var extra in accounts.Keys) differences.Add($"collab {brew.Code} {extra}: an account, but no such partner");
        var split = CollabSettlement.Split(brew).Select(s => $"{s.Partner} {s.Sku} {s.Units}").Order(StringComparer.Ordinal).ToList();
        CompareList(differences, $"collab {brew.Code} split", split,
            [.. settlement.Split!.Select(s => $"{s.PartnerKey} {s.Sku} {s.Units}").Order(StringComparer.Ordinal)]);
        foreach (var (partner, sku, units) in CollabSettlement.Split(brew))
        {
            // Each partner's part is a beer of its own (a member's under its own SKU), at its brewery's place but for what was brought to a fridge.
            var (place, part) = (SeasonPlan.BreweryPlace(brew.Partners.Single(p => p.Key == partner).Brewery!), brew.PartSku(partner, sku));
            var left = units - plan.Actions.Where(a => a.Kind == "transfer" && a.Sku == part && a.From == place).Sum(a => a.Units);
            var held = (await lead.Api.V1.Stock.GetAsync(q => { q.QueryParameters.Location = place; q.QueryParameters.Sku = part; }, ct))!.Sum(l => l.Units ?? 0);
            if (held != left) differences.Add($"collab {brew.Code} {partner}'s part of {sku} ({part}) at {place}: truth {left}, platform {held}");
            var brewery = (await lead.Api.V1.Beers[part].GetAsync(cancellationToken: ct))!.Brewery;
            if (brewery != brew.Partners.Single(p => p.Key == partner).Brewery && !(part == sku && brewery == brew.Host))
                differences.Add($"collab {brew.Code} {partner}'s part {part}: truth the brewery of {partner}, platform {brewery}'s");
        }
    }

    /// <summary>
    /// The grocery pilot: each store's units and revenue per beer and Québec week, and each placement as of the season's last
    /// day (delivered, taken back when it ended, sold, on hand, its weekly rate over the days it stood on the shelf).
    /// </summary>
    private static async Task CompareGroceryAsync(List<string> differences, FrigoCoopClient lead, SeasonPlan plan, SeasonTotals truth, CancellationToken ct)
    {
        var stores = plan.Season.GroceryStores.Select(g => g.Place).ToHashSet(StringComparer.Ordinal);
        var weeks = (await lead.Api.V1.Grocery.Weeks.GetAsync(q => { q.QueryParameters.From = World.Day(truth.FirstDay); q.QueryParameters.To = World.Day(truth.LastDay); }, ct))!
            .Where(w => stores.Contains(w.Store!))
            .ToDictionary(w => (w.Store!, w.Sku!, new DateOnly(w.WeekOf!.Value.Year, w.WeekOf.Value.Month, w.WeekOf.Value.Day)));
        var expectedWeeks = truth.GroceryWeeks.ToDictionary(w => (w.Store, w.Sku, w.WeekOf));
        foreach (var key in expectedWeeks.Keys.Union(weeks.Keys).Order())
        {
            var t = expectedWeeks.GetValueOrDefault(key);
            var r = weeks.GetValueOrDefault(key);
            Compare(differences, $"grocery {key.Item1} {key.Item2} week of {key.Item3:yyyy-MM-dd}", (t?.Units ?? 0, t?.RevenueCents ?? 0, 0),
                (r?.Units ?? 0, r?.RevenueCents ?? 0, r?.UnpricedUnits ?? 0));
        }
        var placements = (await lead.Api.V1.Grocery.Performance.GetAsync(q =>
            {
                q.QueryParameters.AsOf = World.Day(truth.LastDay);
                q.QueryParameters.Weeks = SeasonTotals.GroceryRateWeeks(plan.Season);
            }, ct))!
            .Where(p => stores.Contains(p.Store!)).ToDictionary(p => (p.Store!, p.Sku!));
        foreach (var t in truth.GroceryPlacements)
        {
            var figure = $"grocery placement {t.Store} {t.Sku} as of {truth.LastDay:yyyy-MM-dd} (delivered, taken back, sold, on hand, a week, ended)";
            (long, long, long, long, decimal, bool) expected = (t.Delivered, t.TakenBack, t.Sold, t.OnHand, t.AverageWeeklySales, t.Ended);
            if (!placements.Remove((t.Store, t.Sku), out var r)) { differences.Add($"{figure}: truth {expected}, platform lists none"); continue; }
            (long, long, long, long, decimal, bool) reported = (r.Delivered ?? 0, r.TakenBack ?? 0, r.Sold ?? 0, r.OnHand ?? 0, (decimal)(r.AverageWeeklySales ?? 0), r.Ended ?? false);
            if (expected != reported) differences.Add($"{figure}: truth {expected}, platform {reported}");
            if (r.OutOfStock == true && (t.Ended || t.OnHand > 0)) differences.Add($"{figure}: listed out of stock with {t.OnHand} on the shelf{(t.Ended ? ", ended" : "")}");
        }
        foreach (var extra in placements.Keys) differences.Add($"grocery placement {extra.Item1} {extra.Item2}: listed, but the season placed no such beer");
    }

    /// <summary>The funder report of a period: its sales by channel, brewery and region, festivals, tour stops and members.</summary>
    private static async Task CompareFunderReportAsync(List<string> differences, FrigoCoopClient lead, FunderTruth expected, CancellationToken ct)
    {
        var figure = $"funder report {expected.From:yyyy-MM-dd}..{expected.To:yyyy-MM-dd}";
        var report = (await lead.Api.V1.Table.FunderReport.GetAsync(q => { q.QueryParameters.From = World.Day(expected.From); q.QueryParameters.To = World.Day(expected.To); }, ct))!;
        var reported = report.Sales!.ToDictionary(r => (r.Channel!, r.Brewery!, r.Region!));
        var truthRows = expected.Sales.ToDictionary(r => (r.Channel, r.Brewery, r.Region));
        foreach (var key in truthRows.Keys.Union(reported.Keys).Order())
        {
            var t = truthRows.GetValueOrDefault(key);
            var r = reported.GetValueOrDefault(key);
            Compare(differences, $"{figure} sales {key.Item1} {key.Item2} {key.Item3}",
                (t?.Units ?? 0, t?.RevenueCents ?? 0, 0), (r?.Units ?? 0, r?.RevenueCents ?? 0, r?.UnpricedUnits ?? 0));
        }
        CompareList(differences, $"{figure} festivals served", expected.FestivalsServed, report.FestivalsServed!);
        CompareList(differences, $"{figure} tour stops", expected.TourStops, report.TourStopsServed!);
        CompareList(differences, $"{figure} members taking part", expected.Members, report.MembersTakingPart!);
        var fleet = new FleetTruth(report.FridgesBought ?? 0, report.FridgesCostCents ?? 0, report.FridgesOnGrantCents ?? 0, report.FridgesOwned ?? 0, report.FridgesPlaced ?? 0);
        if (fleet != expected.Fleet) differences.Add($"{figure} fleet (bought, cost, on the grant, owned, placed): truth {expected.Fleet}, platform {fleet}");
        CompareList(differences, $"{figure} fridges' placements", [.. expected.Placements.Select(p => $"{p.Serial} at {p.Place} {p.From:yyyy-MM-dd}..{p.To:yyyy-MM-dd}")],
            [.. report.Placements!.Select(p => $"{p.Serial} at {p.Location} {World.Date(p.From)}..{World.Date(p.To)}")]);
        if ((decimal)(report.FleetInBandPercent ?? -1) != expected.FleetInBandPercent)
            differences.Add($"{figure} fleet's readings in the keeping band: truth {expected.FleetInBandPercent} %, platform {report.FleetInBandPercent} %");
    }

    private static void CompareList(List<string> differences, string figure, List<string> truth, List<string> reported)
    {
        if (!truth.SequenceEqual(reported, StringComparer.Ordinal))
            differences.Add($"{figure}: truth [{string.Join(", ", truth)}], platform [{string.Join(", ", reported)}]");
    }

    private static void CompareSettlement(List<string> differences, string figure, Dictionary<string, SettlementTruth> expected,
        List<FrigoCoop.Client.Models.SettlementStatement> statements)
    {
        var reported = statements.ToDictionary(s => s.Party!, StringComparer.Ordinal);
        foreach (var party in expected.Keys.Union(reported.Keys).Order(StringComparer.Ordinal))
        {
            var t = expected.GetValueOrDefault(party);
            var r = reported.GetValueOrDefault(party);
            long[] truthRow = t is null ? new long[10]
                : [t.Units, t.RevenueCents, t.NetCents, t.GstCents, t.QstCents, t.DepositCents, t.FeeCents, t.OwedCents, t.CollectedCents, t.BalanceCents];
            long[] platformRow = r is null ? new long[10]
                : [r.Units ?? 0, r.RevenueCents ?? 0, r.NetCents ?? 0, r.GstCents ?? 0, r.QstCents ?? 0, r.DepositCents ?? 0, r.FeeCents ?? 0, r.OwedCents ?? 0,
                    r.CollectedCents ?? 0, r.BalanceCents ?? 0];
            if (!truthRow.SequenceEqual(platformRow))
                differences.Add($"{figure} {party} (units, revenue, net, GST, QST, deposit, fee, owed, collected, balance in cents): " +
                                $"truth ({string.Join(", ", truthRow)}), platform ({string.Join(", ", platformRow)})");
        }
    }

    private static void Compare(List<string> differences, string figure, (long Units, long Cents, long Unpriced) truth, (long Units, long Cents, long Unpriced) reported)
    {
        if (truth == reported) return;
        differences.Add($"{figure}: truth {truth.Units} u. {Money(truth.Cents)}, platform {reported.Units} u. {Money(reported.Cents)}" +
                        (reported.Unpriced > 0 ? $" ({reported.Unpriced} u. unpriced)" : "") + $" — off by {reported.Units - truth.Units} u. {Money(reported.Cents - truth.Cents)}");
    }

    private static string Money(long cents) => $"{cents / 100m:0.00} $";
}
