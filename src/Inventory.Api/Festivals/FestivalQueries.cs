using Inventory.Api.Infrastructure;
using Inventory.Api.Money;
using Inventory.Api.Prices;
using Inventory.Api.Stock;
using Inventory.Api.Table;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <summary>Units of one beer sold at one kiosk at one price on one Québec day (net of reversals): what the takings' lines are made of.</summary>
public sealed record SoldAtKiosk(string Kiosk, string Collector, string Brewery, string Sku, string Format, long? UnitPriceCents, DateOnly Day, long Units);

/// <summary>What moved through one kiosk (or tour stop) for one SKU: the arithmetic of results and reconciliation alike.</summary>
public sealed record KioskFlow(string Kiosk, string? HostBrewery, DateOnly? On, string Sku, string? Brewery,
    int Sent, int Sold, int Returned, int Lost, int CountedOut, long RevenueCents);

/// <summary>
/// Reading festivals: the festival with its breweries, kiosks and allocation, the suggested par levels,
/// pick lists, and the flows of beer through its kiosks. Pages and other features read festivals here.
/// </summary>
public sealed class FestivalQueries(NpgsqlDataSource db, MembershipQueries membership)
{
    /// <summary>Every festival, newest first (four queries, however many festivals).</summary>
    public async Task<List<FestivalView>> AllAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadManyAsync(connection, null, ct);
    }

    public async Task<FestivalView?> FindAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, code, ct);
    }

    /// <summary>The same on a connection the caller holds (inside its transaction, never a second one from the pool).</summary>
    public static async Task<FestivalView?> FindAsync(NpgsqlConnection connection, string code, CancellationToken ct) =>
        (await LoadManyAsync(connection, code, ct)).SingleOrDefault();

    /// <summary>The codes of every festival, newest first (for pick lists).</summary>
    public async Task<List<string>> CodesAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT code FROM festivals ORDER BY starts_on DESC");
        return await command.ListAsync(r => r.GetString(0), ct);
    }

    /// <summary>Every device placed on a kiosk, with its dates, by device then date (the planner's timeline).</summary>
    public async Task<List<DevicePlacement>> DevicePlacementsAsync(CancellationToken ct)
    {
        await using var placements = db.CreateCommand("""
            SELECT a.device_id, f.code, k.code, lower(a.during), upper(a.during) - 1 FROM device_assignments a JOIN kiosks k ON k.id = a.kiosk_id
            JOIN festivals f ON f.id = k.festival_id ORDER BY a.device_id, lower(a.during)
            """);
        return await placements.ListAsync(r => new DevicePlacement(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetFieldValue<DateOnly>(4)), ct);
    }

    /// <summary>The festival, or a 404 naming the code.</summary>
    public async Task<FestivalView> GetAsync(string code, CancellationToken ct) =>
        await FindAsync(code, ct) ?? throw new DomainProblem(Problems.NotFound("code", $"festival {code}"));

    /// <summary>
    /// The suggested par levels of a festival with kiosks, or null when no participating brewery has a beer; of one
    /// brewery's beers only when <paramref name="onlyBrewery"/> is given (another's par is its sales history per attendee, rule "Each brewery sees its own").
    /// </summary>
    public async Task<IReadOnlyList<SuggestedPar>?> SuggestedAsync(FestivalView festival, string? onlyBrewery, CancellationToken ct)
    {
        await using var skus = db.Command("""
            SELECT br.slug, b.sku FROM festival_breweries fb JOIN festivals f ON f.id = fb.festival_id JOIN breweries br ON br.id = fb.brewery_id
            JOIN beers b ON b.brewery_id = br.id WHERE f.code = $1 AND b.collab_brew_id IS NULL AND (b.retired_on IS NULL OR b.retired_on > f.starts_on)
            """, festival.Code);
        var members = await membership.MembersOnAsync(festival.StartsOn, ct);
        var byBrewery = (await skus.ListAsync(r => (Brewery: r.GetString(0), Sku: r.GetString(1)), ct))
            .Where(x => members.Contains(x.Brewery))
            .GroupBy(x => x.Brewery).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Sku).ToList());
        foreach (var slug in festival.Breweries.Where(members.Contains)) byBrewery.TryAdd(slug, []);
        // Sales at the kiosks of earlier festivals, per SKU and festival, with their attendance.
        await using var past = db.Command("""
            SELECT m.sku, sum(m.units)::bigint, f.expected_attendance FROM movements m
            JOIN kiosks k ON k.location_id = m.from_location_id JOIN festivals f ON f.id = k.festival_id
            WHERE m.kind = 'sale' AND f.code <> $1 AND f.ends_on < $2
            GROUP BY m.sku, f.id, f.expected_attendance
            """, festival.Code, festival.StartsOn);
        var history = await past.ListAsync(r => new PastSales(r.GetString(0), r.GetInt64(1), r.GetInt32(2)), ct);
        IReadOnlyList<SuggestedPar> suggested;
        try { suggested = AllocationPlanner.Suggest(festival.Kiosks.Select(k => k.Code).ToList(), byBrewery, festival.ExpectedAttendance, history); }
        catch (ArgumentException) { return null; }
        if (onlyBrewery is null) return suggested;
        var own = byBrewery.GetValueOrDefault(onlyBrewery) ?? [];
        return suggested.Where(s => own.Contains(s.Sku)).ToList();
    }

    /// <summary>Per brewery (or for one brewery only): what to deliver to which kiosk, the day before the festival opens.</summary>
    public async Task<List<PickList>> PickListsAsync(FestivalView festival, string? onlyBrewery, CancellationToken ct)
    {
        await using var names = db.CreateCommand("SELECT sku, name FROM beers");
        var beerNames = (await names.ListAsync(r => (Sku: r.GetString(0), Name: r.GetString(1)), ct)).ToDictionary(x => x.Sku, x => x.Name);
        await using var shipments = db.Command("""
            SELECT b.slug, s.shipped_at, s.shipped_by FROM festival_shipments s JOIN festivals f ON f.id = s.festival_id JOIN breweries b ON b.id = s.brewery_id WHERE f.code = $1
            """, festival.Code);
        var shipped = (await shipments.ListAsync(r => (Brewery: r.GetString(0), At: (DateTimeOffset?)r.GetFieldValue<DateTimeOffset>(1), By: (string?)r.GetString(2)), ct))
            .ToDictionary(x => x.Brewery, x => (x.At, x.By)); // a brewery not shipped yet: (null, null)
        return festival.Allocation.Where(a => a.ParUnits > 0 && (onlyBrewery is null || a.Brewery == onlyBrewery))
            .GroupBy(a => a.Brewery)
            .Select(g => new PickList(g.Key, festival.StartsOn.AddDays(-1).ToString("yyyy-MM-dd"), g
                .Select(a => new PickLine(a.Kiosk, festival.Kiosks.Single(k => k.Code == a.Kiosk).Location, a.Sku, beerNames[a.Sku], a.ParUnits, a.Cases, a.LooseUnits))
                .OrderBy(l => l.Kiosk).ThenBy(l => l.Sku).ToList(),
                shipped.GetValueOrDefault(g.Key).At, shipped.GetValueOrDefault(g.Key).By))
            .OrderBy(l => l.Brewery).ToList();
    }

    /// <summary>Per stop (or kiosk) and per brewery: sent, sold, returned, lost, and what the sales brought; a brewer's own rows only (rule "Each brewery sees its own").</summary>
    public async Task<List<StopResult>> ResultsAsync(string code, string? onlyBrewery, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await FlowsAsync(connection, null, code, ct))
            .Where(f => f.Brewery is not null && (onlyBrewery is null || f.Brewery == onlyBrewery))
            .GroupBy(f => (f.Kiosk, f.HostBrewery, f.On, Brewery: f.Brewery!))
            .OrderBy(g => g.Key.On.HasValue).ThenBy(g => g.Key.On).ThenBy(g => g.Key.Kiosk, StringComparer.Ordinal).ThenBy(g => g.Key.Brewery, StringComparer.Ordinal)
            .Select(g => new StopResult(g.Key.Kiosk, g.Key.HostBrewery, g.Key.On, g.Key.Brewery,
                g.Sum(f => f.Sent), g.Sum(f => f.Sold), g.Sum(f => f.Returned), g.Sum(f => f.Lost), g.Sum(f => f.RevenueCents), g.Sum(f => f.CountedOut)))
            .ToList();
    }

    /// <summary>
    /// Who owes whom after the festival: the Table collected at its kiosks, each tour stop's host at its
    /// stop; each brewery is owed its takings less the kiosk fee. A brewer sees its own statement and the
    /// transfers it is part of (rule "Each brewery sees its own"); the lead sees all.
    /// </summary>
    public async Task<FestivalSettlement> SettlementAsync(FestivalView festival, string? onlyBrewery, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await SettlementAsync(connection, null, festival, onlyBrewery, ct);
    }

    /// <summary>The same on the connection of a transaction in progress.</summary>
    public static async Task<FestivalSettlement> SettlementAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, FestivalView festival, string? onlyBrewery,
        CancellationToken ct)
    {
        var takings = KioskTakingsOf(await SoldAtKiosksAsync(connection, transaction, festival.Code, ct),
            new MoneyRules(await MoneyQueries.SettingsAsync(connection, transaction, ct)));
        return KioskSettlement.SeenBy(KioskSettlement.Compute(festival.Code, festival.KioskFeeBasisPoints, takings), onlyBrewery);
    }

    /// <summary>
    /// The takings' lines: a kiosk's units of one beer at one price under the same terms (the taxes and deposit in force
    /// on each sale's Québec day, the kiosk channel's taxes-included), rounded once a line as a month statement's are.
    /// Units sold without a price have a line with no money.
    /// </summary>
    private static List<KioskTakings> KioskTakingsOf(IEnumerable<SoldAtKiosk> sold, MoneyRules rules) => sold
        .GroupBy(s => (s.Kiosk, s.Collector, s.Brewery, s.Sku, s.UnitPriceCents, Terms: rules.TermsOn(PriceChannels.Kiosk, s.Format, s.Day)))
        .Select(g => (g.Key, Units: g.Sum(s => s.Units)))
        .Where(line => line.Units != 0)
        .Select(line => new KioskTakings(line.Key.Kiosk, line.Key.Collector, line.Key.Brewery, line.Units, line.Units * (line.Key.UnitPriceCents ?? 0),
            line.Key.UnitPriceCents is { } price ? line.Key.Terms.Money(line.Units, price) : default))
        .ToList();

    /// <summary>
    /// A festival's sales (net of reversals) per kiosk, beer, price and Québec day: the session runs in the Table's zone,
    /// so <c>::date</c> is the day. Beers of no single brewery are not settled between the breweries.
    /// </summary>
    private static async Task<List<SoldAtKiosk>> SoldAtKiosksAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string code, CancellationToken ct)
    {
        await using var command = connection.Command(transaction, $"""
            SELECT k.code, coalesce(hb.slug, '{KioskSettlement.Table}'), br.slug, s.sku, b.format, s.unit_price_cents, s.occurred_at::date, sum(s.units)::bigint
            FROM sale_lines s JOIN kiosks k ON k.location_id = s.location_id JOIN festivals f ON f.id = k.festival_id
            LEFT JOIN breweries hb ON hb.id = k.host_brewery_id
            JOIN beers b ON b.sku = s.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE f.code = $1
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """, code);
        return await command.ListAsync(r => new SoldAtKiosk(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetInt64(5), r.GetFieldValue<DateOnly>(6), r.GetInt64(7)), ct);
    }

    /// <summary>The statements of a settlement for a spreadsheet, one line per party.</summary>
    public static Csv SettlementCsv(FestivalSettlement settlement)
    {
        var csv = new Csv("festival", "partie", "unites", "ventes_cents", "avant_taxes_cents", "tps_cents", "tvq_cents", "consigne_cents",
            "frais_kiosque_cents", "du_cents", "encaisse_cents", "solde_cents");
        foreach (var s in settlement.Statements)
            csv.Row(settlement.Festival, s.Party, s.Units, s.RevenueCents, s.NetCents, s.GstCents, s.QstCents, s.DepositCents, s.FeeCents, s.OwedCents,
                s.CollectedCents, s.BalanceCents);
        return csv;
    }

    /// <summary>
    /// Every kiosk × SKU flow of a festival, in kiosk order (stops by day), then SKU: beer sent there
    /// (transfers, production, counts that found more), and taken out by sale, return, loss or count. What the counts
    /// found is net: a count re-derived when a late sale arrived gives back the units it had found missing, and those
    /// units were neither sent nor missing.
    /// </summary>
    public static async Task<List<KioskFlow>> FlowsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string code, CancellationToken ct)
    {
        await using var flows = connection.Command(transaction, $"""
            WITH flow AS (
            SELECT k.code, hb.slug AS host, k.stop_on, m.sku, br.slug AS brewery,
                   coalesce(sum(m.units) FILTER (WHERE m.to_location_id = l.id AND m.kind IN ('{MovementKinds.Transfer}', '{MovementKinds.Production}')), 0) AS sent,
                   coalesce(sum(m.units) FILTER (WHERE m.to_location_id = l.id AND m.kind = '{MovementKinds.CountAdjustment}'), 0)
                   - coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = '{MovementKinds.CountAdjustment}'), 0) AS found,
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = '{MovementKinds.Sale}'), 0) AS sold,
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = '{MovementKinds.Return}'), 0) AS returned,
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = '{MovementKinds.Loss}'), 0)
                   - coalesce(sum(m.units) FILTER (WHERE m.to_location_id = l.id AND m.kind = '{MovementKinds.LossReversal}'), 0) AS lost,
                   coalesce(sum(m.units * m.unit_price_cents) FILTER (WHERE m.from_location_id = l.id AND m.kind = '{MovementKinds.Sale}'), 0) AS revenue
            FROM kiosks k JOIN festivals f ON f.id = k.festival_id JOIN locations l ON l.id = k.location_id
            LEFT JOIN breweries hb ON hb.id = k.host_brewery_id
            JOIN movements m ON m.to_location_id = l.id OR m.from_location_id = l.id
            JOIN beers b ON b.sku = m.sku LEFT JOIN breweries br ON br.id = b.brewery_id
            WHERE f.code = $1
            GROUP BY k.code, hb.slug, k.stop_on, m.sku, br.slug)
            SELECT code, host, stop_on, sku, brewery, (sent + greatest(found, 0))::int, sold::int, returned::int, lost::int,
                   greatest(-found, 0)::int, revenue::bigint
            FROM flow ORDER BY stop_on NULLS FIRST, code, sku
            """, code);
        return await flows.ListAsync(r => new KioskFlow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2),
            r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetInt64(10)), ct);
    }

    /// <summary>Where else a device stands during a festival's dates, for the refusal of a double booking.</summary>
    public async Task<string> WhereElseAsync(string device, string code, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT string_agg(f.code || '/' || k.code || ' ' || lower(a.during)::text || '..' || (upper(a.during) - 1)::text, ', ')
            FROM device_assignments a JOIN kiosks k ON k.id = a.kiosk_id JOIN festivals f ON f.id = k.festival_id
            WHERE a.device_id = $1 AND a.during && (SELECT daterange(starts_on, ends_on, '[]') FROM festivals WHERE code = $2)
            """, device, code);
        return (await command.ExecuteScalarAsync(ct)) as string ?? "another festival";
    }

    /// <summary>One festival by code, or all of them: the festivals, then their breweries, kiosks and allocation.</summary>
    private static async Task<List<FestivalView>> LoadManyAsync(NpgsqlConnection connection, string? code, CancellationToken ct)
    {
        var only = code is null ? "" : "WHERE f.code = $1";
        NpgsqlCommand Command(string sql) => code is null ? connection.Command(null, sql) : connection.Command(null, sql, code);
        await using var festivals = Command($"SELECT f.id, f.code, f.name, f.site, f.region, f.starts_on, f.ends_on, f.expected_attendance, f.kind, f.kiosk_fee_bp, f.cancelled_at, f.cancelled_by, f.cancel_reason FROM festivals f {only} ORDER BY f.starts_on DESC, f.code");
        var rows = await festivals.ListAsync(r => (Id: r.GetInt64(0), Code: r.GetString(1), Name: r.GetString(2), Site: r.GetString(3), Region: r.GetString(4),
            Starts: r.GetFieldValue<DateOnly>(5), Ends: r.GetFieldValue<DateOnly>(6), Attendance: r.GetInt32(7), Kind: r.GetString(8), Fee: r.GetInt32(9),
            Cancelled: r.IsDBNull(10) ? null : new FestivalCancellation(r.GetFieldValue<DateTimeOffset>(10), r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12))), ct);
        if (rows.Count == 0) return [];
        await using var breweries = Command($"""
            SELECT fb.festival_id, b.slug FROM festival_breweries fb JOIN breweries b ON b.id = fb.brewery_id JOIN festivals f ON f.id = fb.festival_id
            {only} ORDER BY b.slug
            """);
        var breweriesOf = (await breweries.ListAsync(r => (Festival: r.GetInt64(0), Slug: r.GetString(1)), ct)).ToLookup(b => b.Festival, b => b.Slug);
        await using var kiosks = Command($$"""
            SELECT k.festival_id, k.code, k.name, l.code, coalesce(array_agg(a.device_id ORDER BY a.device_id) FILTER (WHERE a.device_id IS NOT NULL), '{}'), hb.slug, k.stop_on
            FROM kiosks k JOIN festivals f ON f.id = k.festival_id JOIN locations l ON l.id = k.location_id
            LEFT JOIN device_assignments a ON a.kiosk_id = k.id LEFT JOIN breweries hb ON hb.id = k.host_brewery_id
            {{only}} GROUP BY k.festival_id, k.code, k.name, l.code, hb.slug, k.stop_on ORDER BY k.stop_on NULLS FIRST, k.code
            """);
        var kiosksOf = (await kiosks.ListAsync(r => (Festival: r.GetInt64(0), Kiosk: new KioskView(r.GetString(1), r.GetString(2), r.GetString(3),
            r.GetFieldValue<string[]>(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6))), ct)).ToLookup(k => k.Festival, k => k.Kiosk);
        await using var allocation = Command($"""
            SELECT k.festival_id, k.code, a.sku, br.slug, a.par_units, b.units_per_case FROM kiosk_allocations a JOIN kiosks k ON k.id = a.kiosk_id
            JOIN festivals f ON f.id = k.festival_id JOIN beers b ON b.sku = a.sku JOIN breweries br ON br.id = b.brewery_id {only} ORDER BY k.code, a.sku
            """);
        var allocationOf = (await allocation.ListAsync(r =>
        {
            var split = CasesAndUnits.Of(r.GetInt32(4), r.GetInt32(5));
            return (Festival: r.GetInt64(0), Line: new AllocationLine(r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), split.Cases, split.Units));
        }, ct)).ToLookup(a => a.Festival, a => a.Line);
        return rows.Select(f => new FestivalView(f.Code, f.Name, f.Site, f.Region, f.Starts, f.Ends, f.Attendance,
            breweriesOf[f.Id].ToList(), kiosksOf[f.Id].ToList(), allocationOf[f.Id].ToList(), f.Kind, f.Fee, f.Cancelled)).ToList();
    }
}
