using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <param name="Kind">festival (kiosks under one roof) or tour (stops hosted by member breweries, each on its day).</param>
public sealed record NewFestival(string? Code, string? Name, string? Site, string? Region, DateOnly? StartsOn, DateOnly? EndsOn, int? ExpectedAttendance, List<string>? Breweries,
    string? Kind = null);
/// <param name="HostBrewery">For a tour stop: the member brewery that hosts it, at its own place.</param>
/// <param name="On">For a tour stop: its day.</param>
public sealed record NewKiosk(string? Code, string? Name, string? HostBrewery = null, DateOnly? On = null);
public sealed record StopSale(string? Sku, int? Units, long? UnitPriceCents);
public sealed record StopSales(List<StopSale?>? Lines);
public sealed record StopResult(string Stop, string? HostBrewery, DateOnly? On, string Brewery, int Sent, int Sold, int Returned, int Loss, long RevenueCents);
public sealed record DeviceToKiosk(string? DeviceId);
public sealed record ParLine(string? Kiosk, string? Sku, int? ParUnits);
public sealed record ReturnLine(string? Kiosk, string? Sku, int? Units, string? To);
public sealed record Reconciliation(List<ReturnLine?>? Returns);

public sealed record KioskView(string Code, string Name, string Location, IReadOnlyList<string> Devices, string? HostBrewery = null, DateOnly? On = null);
public sealed record FestivalView(string Code, string Name, string Site, string Region, DateOnly StartsOn, DateOnly EndsOn, int ExpectedAttendance,
    IReadOnlyList<string> Breweries, IReadOnlyList<KioskView> Kiosks, IReadOnlyList<AllocationLine> Allocation, string Kind = "festival");
public sealed record AllocationLine(string Kiosk, string Sku, string Brewery, int ParUnits, int Cases, int LooseUnits);
public sealed record PickLine(string Kiosk, string Location, string Sku, string BeerName, int Units, int Cases, int LooseUnits);
public sealed record PickList(string Brewery, string DeliverBy, IReadOnlyList<PickLine> Lines);
public sealed record ReconciledLine(string Kiosk, string Sku, int Sent, int Sold, int Returned, int Loss);

/// <summary>
/// Festival kiosks: the festival and its participating breweries, kiosks (each a ledger location),
/// devices placed on kiosks without double-booking, the allocation plan with suggested par levels,
/// pick lists per brewery, and the reconciliation after the event (sent − sold − returned = loss).
/// </summary>
public static class FestivalsApi
{
    public static RouteGroupBuilder MapFestivalsApi(this RouteGroupBuilder api)
    {
        var festivals = api.MapGroup("festivals").WithTags("Festivals").RequireAuthorization(Policies.People);
        festivals.MapGet("", ListAsync).WithName("ListFestivals");
        festivals.MapGet("{code}", GetAsync).WithName("GetFestival");
        festivals.MapGet("{code}/allocation/suggested", SuggestAsync).WithName("SuggestAllocation").WithSummary("Par levels per kiosk × SKU from past sales per attendee, else an even split");
        festivals.MapGet("{code}/pick-lists", GetPickListsAsync).WithName("GetPickLists").WithSummary("What each brewery delivers to which kiosk, by when (a brewer sees its own)");
        festivals.MapPost("", CreateAsync).WithName("CreateFestival").RequireAuthorization(Policies.Lead);
        festivals.MapPost("{code}/kiosks", AddKioskAsync).WithName("AddKiosk").RequireAuthorization(Policies.Lead);
        festivals.MapPost("{code}/kiosks/{kiosk}/devices", AssignDeviceAsync).WithName("AssignDevice")
            .WithSummary("Place a device on a kiosk for the festival's dates (409 if it stands elsewhere then)").RequireAuthorization(Policies.Lead);
        festivals.MapPut("{code}/allocation", SaveAllocationAsync).WithName("SaveAllocation").RequireAuthorization(Policies.Lead);
        festivals.MapPost("{code}/kiosks/{kiosk}/sales", ReportStopSalesAsync).WithName("ReportStopSales")
            .WithSummary("A tour stop's (or kiosk's) sales, reported once by the lead or the host brewery");
        festivals.MapGet("{code}/results", ResultsAsync).WithName("FestivalResults").WithSummary("Per stop and per brewery: sent, sold, returned, lost, revenue");
        festivals.MapPost("{code}/reconciliation", ReconcileAsync).WithName("ReconcileFestival")
            .WithSummary("After the event: returns posted, the rest of each kiosk's stock posted as loss; once").RequireAuthorization(Policies.Lead);
        return api;
    }

    private static async Task<IResult> CreateAsync(NewFestival body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Code is not null && Patterns.Slug().IsMatch(body.Code), "code", "must match ^[a-z0-9][a-z0-9-]{1,62}$")
            .Require(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "is required (at most 200 characters)")
            .Require(!string.IsNullOrWhiteSpace(body.Site) && body.Site.Length <= 200, "site", "is required (at most 200 characters)")
            .Require(!string.IsNullOrWhiteSpace(body.Region) && body.Region.Length <= 100, "region", "is required (at most 100 characters)")
            .Require(body.StartsOn is not null, "startsOn", "is required")
            .Require(body.EndsOn is not null && body.EndsOn >= body.StartsOn, "endsOn", "is required, on or after startsOn")
            .Require(body.ExpectedAttendance is >= 0 and <= 2_000_000, "expectedAttendance", "must be within 0..2000000")
            .Require(body.Breweries is { Count: > 0 }, "breweries", "must list the participating breweries")
            .Require(body.Kind is null or "festival" or "tour", "kind", "must be festival or tour");
        if (!v.IsValid) return v.Problem();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO festivals (code, name, site, region, starts_on, ends_on, expected_attendance, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (code) DO NOTHING RETURNING id
            """, connection, tx);
        foreach (var value in new object[] { body.Code!, body.Name!.Trim(), body.Site!.Trim(), body.Region!.Trim(), body.StartsOn!.Value, body.EndsOn!.Value, body.ExpectedAttendance!.Value, body.Kind ?? "festival" })
            insert.Parameters.Add(new() { Value = value });
        if (await insert.ExecuteScalarAsync(ct) is not long id) return Problems.Conflict("Festival exists", $"code '{body.Code}' is taken");
        var histories = await Table.TableApi.HistoriesAsync(connection, ct);
        for (var i = 0; i < body.Breweries!.Count; i++)
        {
            // Only members of the Table are offered kiosk places (membership on the festival's first day).
            var breweryId = await Lookup.BreweryIdAsync(connection, body.Breweries[i], ct);
            if (breweryId is null) return Problems.NotFound($"breweries[{i}]", $"brewery {body.Breweries[i]}");
            if (!Table.Membership.IsMemberOn(histories.GetValueOrDefault(breweryId.Value) ?? [], body.StartsOn!.Value))
                return Problems.Unprocessable($"breweries[{i}]", $"{body.Breweries[i]} is not a member of the Table on {body.StartsOn:yyyy-MM-dd}: only members are offered kiosk places");
            await using var brewery = new NpgsqlCommand("INSERT INTO festival_breweries (festival_id, brewery_id) SELECT $1, id FROM breweries WHERE slug = $2 ON CONFLICT DO NOTHING", connection, tx);
            brewery.Parameters.Add(new() { Value = id });
            brewery.Parameters.Add(new() { Value = body.Breweries[i] });
            await brewery.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/festivals/{body.Code}", await LoadAsync(connection, body.Code!, ct));
    }

    private static async Task<Ok<List<FestivalView>>> ListAsync(NpgsqlDataSource db, CancellationToken ct) =>
        TypedResults.Ok(await LoadAllAsync(db, ct));

    private static async Task<Results<Ok<FestivalView>, ProblemHttpResult>> GetAsync(string code, NpgsqlDataSource db, CancellationToken ct) =>
        await LoadAsync(db, code, ct) is { } festival ? TypedResults.Ok(festival) : Problems.NotFound("code", $"festival {code}");

    private static async Task<IResult> AddKioskAsync(string code, NewKiosk body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Code is not null && System.Text.RegularExpressions.Regex.IsMatch(body.Code, "^[a-z0-9][a-z0-9-]{0,30}$"), "code", "must match ^[a-z0-9][a-z0-9-]{0,30}$")
            .Require(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "is required (at most 200 characters)");
        if (!v.IsValid) return v.Problem();
        var festival = await LoadAsync(db, code, ct);
        var row = await FestivalRowAsync(db, code, ct);
        if (festival is null || row is null) return Problems.NotFound("code", $"festival {code}");
        string kind = "festival_kiosk", region = festival.Region;
        long? hostId = null;
        if (festival.Kind == "tour")
        {
            // A tour stop is hosted by a member brewery, at its own place, on a day of the tour.
            v.Require(body.HostBrewery is not null && festival.Breweries.Contains(body.HostBrewery), "hostBrewery", "must be one of the tour's breweries")
             .Require(body.On is { } on && on >= festival.StartsOn && on <= festival.EndsOn, "on", $"must be a day of the tour ({festival.StartsOn:yyyy-MM-dd}..{festival.EndsOn:yyyy-MM-dd})");
            if (!v.IsValid) return v.Problem();
            hostId = await Lookup.BreweryIdAsync(db, body.HostBrewery!, ct);
            if (!Table.Membership.IsMemberOn((await Table.TableApi.HistoriesAsync(db, ct)).GetValueOrDefault(hostId!.Value) ?? [], body.On!.Value))
                return Problems.Unprocessable("hostBrewery", $"{body.HostBrewery} is not a member of the Table on {body.On:yyyy-MM-dd}");
            await using var home = db.CreateCommand("SELECT region FROM breweries WHERE id = $1");
            home.Parameters.Add(new() { Value = hostId.Value });
            (kind, region) = ("tour_stop", (string)(await home.ExecuteScalarAsync(ct))!);
        }
        // Each kiosk or stop is a place of the ledger: what is sent there, sold there and left there is counted there.
        await using var command = db.CreateCommand("""
            WITH place AS (
                INSERT INTO locations (code, name, kind, region, address)
                VALUES ($2, $3, $7, $4, (SELECT address FROM locations WHERE brewery_id = $8 AND kind = 'brewery' LIMIT 1))
                ON CONFLICT (code) DO NOTHING RETURNING id)
            INSERT INTO kiosks (festival_id, code, name, location_id, host_brewery_id, stop_on) SELECT $1, $5, $6, id, $8, $9 FROM place RETURNING id
            """);
        foreach (var value in new object[] { row.Value.Id, $"{code}-{body.Code}", $"{body.Name!.Trim()} — {festival.Name}", region, body.Code!, body.Name.Trim(), kind })
            command.Parameters.Add(new() { Value = value });
        command.Parameters.Add(new() { Value = (object?)hostId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = (object?)body.On ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        if (await command.ExecuteScalarAsync(ct) is null) return Problems.Conflict("Kiosk exists", $"kiosk '{body.Code}' exists at {code}");
        return TypedResults.Created($"/api/v1/festivals/{code}", (await LoadAsync(db, code, ct))!.Kiosks.Single(k => k.Code == body.Code));
    }

    /// <summary>A stop's (or a kiosk's) sales as one report: into the ledger once, recorded even beyond the stock sent.</summary>
    private static async Task<IResult> ReportStopSalesAsync(string code, string kiosk, StopSales body, [Microsoft.AspNetCore.Mvc.FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator().Require(body.Lines is { Count: > 0 and <= 200 }, "lines", "must have 1 to 200 lines");
        for (var i = 0; body.Lines is not null && i < body.Lines.Count; i++)
            v.Require(body.Lines[i]?.Sku is not null, $"lines[{i}].sku", "is required")
             .Require(body.Lines[i]?.Units is >= 1 and <= 100_000, $"lines[{i}].units", "must be within 1..100000")
             .Require(body.Lines[i]?.UnitPriceCents is null or (>= 0 and <= DeviceReports.DeviceReportsApi.MaxUnitPriceCents), $"lines[{i}].unitPriceCents",
                $"must be within 0..{DeviceReports.DeviceReportsApi.MaxUnitPriceCents}");
        if (!v.IsValid) return v.Problem();
        var festival = await LoadAsync(db, code, ct);
        var stop = festival?.Kiosks.SingleOrDefault(k => k.Code == kiosk);
        if (stop is null) return Problems.NotFound("kiosk", $"kiosk {kiosk} at {code}");
        var caller = Caller.From(http.User);
        if (!caller.IsLead && stop.HostBrewery != http.User.FindFirst(Roles.BrewerySlugClaim)?.Value)
            return Problems.Forbidden("a stop's sales are reported by the lead or by the brewery hosting it");
        var location = await Lookup.LocationIdAsync(db, stop.Location, ct);
        var at = stop.On is { } day ? new DateTimeOffset(day.ToDateTime(new TimeOnly(22, 0)), TimeSpan.Zero) : time.GetUtcNow();
        // A key of the caller's own lives in the caller's scope: nobody can take the key another's report will use.
        var scope = idempotencyKey is null ? "stop-sales" : $"stop-sales:{caller.Id}";
        return await Idempotency.RunAsync(db, scope, idempotencyKey ?? $"{code}:{kiosk}", body, async (c, tx, token) =>
        {
            var posted = new List<PostedMovement>();
            for (var i = 0; i < body.Lines!.Count; i++)
            {
                var line = body.Lines[i]!;
                if (await StockApi.BeerAsync(c, line.Sku!, token) is null) throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {line.Sku}"));
                if (!await SentToAsync(c, tx, line.Sku!, location!.Value, token))
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"{line.Sku} was never sent to {stop.Name}: only what was sent there can be sold there"));
                posted.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, line.Sku!, null, line.Units!.Value, location, null, at,
                    caller.Name, $"sold at {stop.Name}", null, line.UnitPriceCents), allowShortfall: true, token));
            }
            return (StatusCodes.Status201Created, posted);
        }, ct);
    }

    /// <summary>Whether any movement ever brought this SKU to the place (a stop sells only what was sent there).</summary>
    private static async Task<bool> SentToAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long location, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM movements WHERE sku = $1 AND to_location_id = $2)", c, tx);
        command.Parameters.Add(new() { Value = sku });
        command.Parameters.Add(new() { Value = location });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Per stop (or kiosk) and per brewery: sent, sold, returned, lost, and what the sales brought.</summary>
    private static async Task<IResult> ResultsAsync(string code, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var mine = caller.IsLead ? null : http.User.FindFirst(Roles.BrewerySlugClaim)?.Value ?? "";
        var festival = await LoadAsync(db, code, ct);
        if (festival is null) return Problems.NotFound("code", $"festival {code}");
        await using var flows = db.CreateCommand("""
            SELECT k.code, hb.slug, k.stop_on, br.slug,
                   coalesce(sum(m.units) FILTER (WHERE m.to_location_id = l.id AND m.kind IN ('transfer', 'production', 'count_adjustment')), 0)::int,
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'sale'), 0)::int,
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'return'), 0)::int,
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'loss'), 0)::int,
                   coalesce(sum(m.units * m.unit_price_cents) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'sale'), 0)::bigint
            FROM kiosks k JOIN festivals f ON f.id = k.festival_id JOIN locations l ON l.id = k.location_id
            LEFT JOIN breweries hb ON hb.id = k.host_brewery_id
            JOIN movements m ON m.to_location_id = l.id OR m.from_location_id = l.id
            JOIN beers b ON b.sku = m.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE f.code = $1
            GROUP BY k.code, hb.slug, k.stop_on, br.slug ORDER BY k.stop_on NULLS FIRST, k.code, br.slug
            """);
        flows.Parameters.Add(new() { Value = code });
        var rows = await flows.ListAsync(r => new StopResult(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2),
            r.GetString(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt64(8)), ct);
        // A brewer sees his own brewery's rows: what the others sent, sold and earned is theirs (rule 8).
        return TypedResults.Ok(mine is null ? rows : rows.Where(r => r.Brewery == mine).ToList());
    }

    private static async Task<IResult> AssignDeviceAsync(string code, string kiosk, DeviceToKiosk body, NpgsqlDataSource db, CancellationToken ct)
    {
        if (body.DeviceId is null || !Patterns.DeviceId().IsMatch(body.DeviceId)) return Problems.Invalid("deviceId", "must match ^[a-z0-9][a-z0-9-]{2,63}$");
        await using var command = db.CreateCommand("""
            INSERT INTO device_assignments (device_id, kiosk_id, during)
            SELECT $3, k.id, daterange(f.starts_on, f.ends_on, '[]') FROM kiosks k JOIN festivals f ON f.id = k.festival_id WHERE f.code = $1 AND k.code = $2
            """);
        command.Parameters.Add(new() { Value = code });
        command.Parameters.Add(new() { Value = kiosk });
        command.Parameters.Add(new() { Value = body.DeviceId });
        try
        {
            if (await command.ExecuteNonQueryAsync(ct) == 0) return Problems.NotFound("kiosk", $"kiosk {kiosk} at festival {code}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return Problems.Conflict("Device already placed", $"{body.DeviceId} stands elsewhere on some of these dates: {await WhereElseAsync(db, body.DeviceId, code, ct)}",
                new Dictionary<string, object?> { ["field"] = "deviceId" });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Problems.NotFound("deviceId", $"device {body.DeviceId}");
        }
        return TypedResults.Created($"/api/v1/festivals/{code}", (await LoadAsync(db, code, ct))!.Kiosks.Single(k => k.Code == kiosk));
    }

    private static async Task<IResult> SuggestAsync(string code, NpgsqlDataSource db, CancellationToken ct)
    {
        var festival = await LoadAsync(db, code, ct);
        if (festival is null) return Problems.NotFound("code", $"festival {code}");
        if (festival.Kiosks.Count == 0) return Problems.Conflict("No kiosk", $"{code} has no kiosk yet: add kiosks first");
        return await SuggestedAsync(db, festival, ct) is { } suggested
            ? TypedResults.Ok(suggested)
            : Problems.Conflict("Nothing to allocate", "no participating brewery has a beer");
    }

    /// <summary>The suggested par levels of a festival with kiosks, or null when no participating brewery has a beer.</summary>
    internal static async Task<IReadOnlyList<SuggestedPar>?> SuggestedAsync(NpgsqlDataSource db, FestivalView festival, CancellationToken ct)
    {
        await using var skus = db.CreateCommand("""
            SELECT br.slug, b.sku FROM festival_breweries fb JOIN festivals f ON f.id = fb.festival_id JOIN breweries br ON br.id = fb.brewery_id
            JOIN beers b ON b.brewery_id = br.id WHERE f.code = $1 AND b.collab_brew_id IS NULL
            """);
        skus.Parameters.Add(new() { Value = festival.Code });
        var members = await MembersOnAsync(db, festival.StartsOn, ct);
        var byBrewery = (await skus.ListAsync(r => (Brewery: r.GetString(0), Sku: r.GetString(1)), ct))
            .Where(x => members.Contains(x.Brewery))
            .GroupBy(x => x.Brewery).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Sku).ToList());
        foreach (var slug in festival.Breweries.Where(members.Contains)) byBrewery.TryAdd(slug, []);
        // Sales at the kiosks of earlier festivals, per SKU and festival, with their attendance.
        await using var past = db.CreateCommand("""
            SELECT m.sku, sum(m.units)::bigint, f.expected_attendance FROM movements m
            JOIN kiosks k ON k.location_id = m.from_location_id JOIN festivals f ON f.id = k.festival_id
            WHERE m.kind = 'sale' AND f.code <> $1 AND f.ends_on < $2
            GROUP BY m.sku, f.id, f.expected_attendance
            """);
        past.Parameters.Add(new() { Value = festival.Code });
        past.Parameters.Add(new() { Value = festival.StartsOn });
        var history = await past.ListAsync(r => new PastSales(r.GetString(0), r.GetInt64(1), r.GetInt32(2)), ct);
        try { return AllocationPlanner.Suggest(festival.Kiosks.Select(k => k.Code).ToList(), byBrewery, festival.ExpectedAttendance, history); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>The slugs of the breweries that are members of the Table on a day.</summary>
    private static async Task<HashSet<string>> MembersOnAsync(NpgsqlDataSource db, DateOnly day, CancellationToken ct)
    {
        var histories = await Table.TableApi.HistoriesAsync(db, ct);
        await using var slugs = db.CreateCommand("SELECT id, slug FROM breweries");
        return (await slugs.ListAsync(r => (r.GetInt64(0), r.GetString(1)), ct))
            .Where(b => Table.Membership.IsMemberOn(histories.GetValueOrDefault(b.Item1) ?? [], day)).Select(b => b.Item2).ToHashSet();
    }

    private static async Task<IResult> SaveAllocationAsync(string code, List<ParLine?> lines, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator();
        for (var i = 0; i < lines.Count; i++)
            v.Require(lines[i]?.Kiosk is not null, $"[{i}].kiosk", "is required")
             .Require(lines[i]?.Sku is not null, $"[{i}].sku", "is required")
             .Require(lines[i]?.ParUnits is >= 0 and <= 100_000, $"[{i}].parUnits", "must be within 0..100000");
        if (!v.IsValid) return v.Problem();
        if (await FestivalRowAsync(db, code, ct) is null) return Problems.NotFound("code", $"festival {code}");
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i]!;
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO kiosk_allocations (kiosk_id, sku, par_units)
                SELECT k.id, b.sku, $4 FROM kiosks k JOIN festivals f ON f.id = k.festival_id JOIN beers b ON b.sku = $3
                WHERE f.code = $1 AND k.code = $2
                ON CONFLICT (kiosk_id, sku) DO UPDATE SET par_units = EXCLUDED.par_units
                """, connection, tx);
            foreach (var value in new object[] { code, line.Kiosk!, line.Sku!, line.ParUnits!.Value }) upsert.Parameters.Add(new() { Value = value });
            if (await upsert.ExecuteNonQueryAsync(ct) == 0) return Problems.NotFound($"[{i}]", $"kiosk {line.Kiosk} or beer {line.Sku}");
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok((await LoadAsync(connection, code, ct))!.Allocation);
    }

    private static async Task<IResult> GetPickListsAsync(string code, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var festival = await LoadAsync(db, code, ct);
        if (festival is null) return Problems.NotFound("code", $"festival {code}");
        return TypedResults.Ok(await PickListsAsync(db, festival, Caller.From(http.User).IsLead ? null : http.User.FindFirst(Roles.BrewerySlugClaim)?.Value ?? "", ct));
    }

    /// <summary>Per brewery (or for one brewery only): what to deliver to which kiosk, the day before the festival opens.</summary>
    internal static async Task<List<PickList>> PickListsAsync(NpgsqlDataSource db, FestivalView festival, string? onlyBrewery, CancellationToken ct)
    {
        await using var names = db.CreateCommand("SELECT sku, name FROM beers");
        var beerNames = (await names.ListAsync(r => (r.GetString(0), r.GetString(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2);
        return festival.Allocation.Where(a => a.ParUnits > 0 && (onlyBrewery is null || a.Brewery == onlyBrewery))
            .GroupBy(a => a.Brewery)
            .Select(g => new PickList(g.Key, festival.StartsOn.AddDays(-1).ToString("yyyy-MM-dd"), g
                .Select(a => new PickLine(a.Kiosk, festival.Kiosks.Single(k => k.Code == a.Kiosk).Location, a.Sku, beerNames[a.Sku], a.ParUnits, a.Cases, a.LooseUnits))
                .OrderBy(l => l.Kiosk).ThenBy(l => l.Sku).ToList()))
            .OrderBy(l => l.Brewery).ToList();
    }

    private static async Task<IResult> ReconcileAsync(string code, Reconciliation body, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var returns = body.Returns ?? [];
        var v = new Validator();
        for (var i = 0; i < returns.Count; i++)
            v.Require(returns[i]?.Kiosk is not null, $"returns[{i}].kiosk", "is required")
             .Require(returns[i]?.Sku is not null, $"returns[{i}].sku", "is required")
             .Require(returns[i]?.Units is > 0, $"returns[{i}].units", "must be more than 0")
             .Require(returns[i]?.To is not null, $"returns[{i}].to", "is required (the location the beer goes back to)");
        if (!v.IsValid) return v.Problem();
        var festival = await LoadAsync(db, code, ct);
        if (festival is null) return Problems.NotFound("code", $"festival {code}");

        return await Idempotency.RunAsync(db, "festival-reconciliation", code, body, async (c, tx, token) =>
        {
            var at = time.GetUtcNow();
            for (var i = 0; i < returns.Count; i++)
            {
                var r = returns[i]!;
                var kiosk = festival.Kiosks.SingleOrDefault(k => k.Code == r.Kiosk) ?? throw new DomainProblem(Problems.NotFound($"returns[{i}].kiosk", $"kiosk {r.Kiosk}"));
                var from = await Lookup.LocationIdAsync(c, kiosk.Location, token);
                var to = await Lookup.LocationIdAsync(c, r.To!, token) ?? throw new DomainProblem(Problems.NotFound($"returns[{i}].to", $"location {r.To}"));
                await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Return, r.Sku!, null, r.Units!.Value, from, to, at, "festival-reconciliation", $"return after {festival.Name}"), allowShortfall: false, token);
            }
            var lines = new List<ReconciledLine>();
            foreach (var kiosk in festival.Kiosks)
            {
                await using var flows = new NpgsqlCommand("""
                    SELECT m.sku,
                           coalesce(sum(m.units) FILTER (WHERE m.to_location_id = l.id AND m.kind IN ('transfer', 'production', 'count_adjustment')), 0)::int AS sent,
                           coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'sale'), 0)::int AS sold,
                           coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'return'), 0)::int AS returned,
                           coalesce(sum(m.units) FILTER (WHERE m.from_location_id = l.id AND m.kind = 'count_adjustment'), 0)::int AS counted_out
                    FROM movements m JOIN locations l ON l.code = $1 AND (m.to_location_id = l.id OR m.from_location_id = l.id)
                    GROUP BY m.sku ORDER BY m.sku
                    """, c, tx);
                flows.Parameters.Add(new() { Value = kiosk.Location });
                var kioskId = await Lookup.LocationIdAsync(c, kiosk.Location, token);
                foreach (var (sku, sent, sold, returned, countedOut) in await flows.ListAsync(r => (r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)), token))
                {
                    // What is neither sold nor sent back was lost (drunk by volunteers, broken, warm): posted as loss.
                    var loss = sent - sold - returned - countedOut;
                    if (loss > 0)
                        await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Loss, sku, null, loss, kioskId, null, at, "festival-reconciliation",
                            $"left at {kiosk.Code} after {festival.Name}"), allowShortfall: true, token);
                    lines.Add(new ReconciledLine(kiosk.Code, sku, sent, sold, returned, Math.Max(0, loss)));
                }
            }
            return (StatusCodes.Status201Created, lines);
        }, ct);
    }

    private static async Task<(long Id, string Name, string Region)?> FestivalRowAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, name, region FROM festivals WHERE code = $1");
        command.Parameters.Add(new() { Value = code });
        var rows = await command.ListAsync(r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), ct);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<string> WhereElseAsync(NpgsqlDataSource db, string device, string code, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT string_agg(f.code || '/' || k.code || ' ' || lower(a.during)::text || '..' || (upper(a.during) - 1)::text, ', ')
            FROM device_assignments a JOIN kiosks k ON k.id = a.kiosk_id JOIN festivals f ON f.id = k.festival_id
            WHERE a.device_id = $1 AND a.during && (SELECT daterange(starts_on, ends_on, '[]') FROM festivals WHERE code = $2)
            """);
        command.Parameters.Add(new() { Value = device });
        command.Parameters.Add(new() { Value = code });
        return (await command.ExecuteScalarAsync(ct)) as string ?? "another festival";
    }

    internal static async Task<FestivalView?> LoadAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, code, ct);
    }

    internal static async Task<FestivalView?> LoadAsync(NpgsqlConnection connection, string code, CancellationToken ct) =>
        (await LoadManyAsync(connection, code, ct)).SingleOrDefault();

    /// <summary>Every festival, newest first (four queries, however many festivals).</summary>
    internal static async Task<List<FestivalView>> LoadAllAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadManyAsync(connection, null, ct);
    }

    /// <summary>One festival by code, or all of them: the festivals, then their breweries, kiosks and allocation.</summary>
    private static async Task<List<FestivalView>> LoadManyAsync(NpgsqlConnection connection, string? code, CancellationToken ct)
    {
        var only = code is null ? "" : "WHERE f.code = $1";
        NpgsqlCommand Command(string sql)
        {
            var command = new NpgsqlCommand(sql, connection);
            if (code is not null) command.Parameters.Add(new() { Value = code });
            return command;
        }
        await using var festivals = Command($"SELECT f.id, f.code, f.name, f.site, f.region, f.starts_on, f.ends_on, f.expected_attendance, f.kind FROM festivals f {only} ORDER BY f.starts_on DESC, f.code");
        var rows = await festivals.ListAsync(r => (Id: r.GetInt64(0), Code: r.GetString(1), Name: r.GetString(2), Site: r.GetString(3), Region: r.GetString(4),
            Starts: r.GetFieldValue<DateOnly>(5), Ends: r.GetFieldValue<DateOnly>(6), Attendance: r.GetInt32(7), Kind: r.GetString(8)), ct);
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
            breweriesOf[f.Id].ToList(), kiosksOf[f.Id].ToList(), allocationOf[f.Id].ToList(), f.Kind)).ToList();
    }
}
