using System.Globalization;
using System.Text;
using Inventory.Api.Auth;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Inventory.Api.Table;

public sealed record StatusChange(string? Status, DateOnly? EffectiveOn, DateOnly? DecidedOn, string? Note);
public sealed record MemberView(string Brewery, string Name, string Region, string? Status, IReadOnlyList<MembershipEvent> History);
public sealed record NewRule(string? Text, DateOnly? AdoptedOn);
public sealed record Rule(long Id, string Text, DateOnly AdoptedOn);
public sealed record NewAsset(string? Serial, string? Model, DateOnly? PurchasedOn, long? CostCents, string? Funding, string? DeviceId);
public sealed record NewPlacement(string? Location, DateOnly? From, DateOnly? To);
public sealed record AssetFigures(string Serial, string? DeviceId, DateOnly From, DateOnly To, int DaysOwned, int DaysPlaced, decimal ReportingPercent,
    decimal InBandPercent, decimal HoursAbove8C, long UnitsSold);
public sealed record AssetPlacement(string Serial, string Location, DateOnly From, DateOnly? To);
public sealed record ChannelSales(string Channel, string Brewery, string Region, long Units, long RevenueCents);
public sealed record FunderReport(DateOnly From, DateOnly To, long GrantCents, int FridgesBought, long FridgesCostCents, long FridgesOnGrantCents,
    IReadOnlyList<AssetPlacement> Placements, IReadOnlyList<ChannelSales> Sales,
    long UnitsSold, long RevenueCents, IReadOnlyList<string> FestivalsServed, IReadOnlyList<string> TourStopsServed, IReadOnlyList<string> MembersTakingPart, decimal FleetInBandPercent);

/// <summary>
/// The Table's own life: membership over time and its admission rules, the COOP fridges as funded
/// assets (placements and per-fridge figures from the ledger and telemetry), and the report to the
/// funder of the $100,000 pooling grant.
/// </summary>
public static class TableApi
{
    public const long GrantCents = 100_000_00;

    public static RouteGroupBuilder MapTableApi(this RouteGroupBuilder api)
    {
        var table = api.MapGroup("table").WithTags("The Table").RequireAuthorization(Policies.People);
        table.MapGet("members", MembersAsync).WithName("ListMembers");
        table.MapPost("members/{brewery}/status", ChangeStatusAsync).WithName("ChangeMembership").RequireAuthorization(Policies.Lead);
        table.MapGet("admission-rules", RulesAsync).WithName("ListAdmissionRules");
        table.MapPost("admission-rules", AddRuleAsync).WithName("AddAdmissionRule").RequireAuthorization(Policies.Lead);
        table.MapPost("assets", AddAssetAsync).WithName("AddFridgeAsset").RequireAuthorization(Policies.Lead);
        table.MapPost("assets/{serial}/placements", PlaceAssetAsync).WithName("PlaceFridgeAsset").RequireAuthorization(Policies.Lead);
        table.MapGet("assets/{serial}/figures", GetFiguresAsync).WithName("FridgeAssetFigures").WithSummary("Days placed vs owned, reporting, temperature compliance, units sold");
        table.MapGet("funder-report", FunderReportAsync).WithName("FunderReport").WithSummary("The grant report for a period (format=csv for a spreadsheet)").RequireAuthorization(Policies.Lead);
        return api;
    }

    /// <summary>Membership history of every brewery (also used by festival planning: only members are offered places).</summary>
    internal static Task<Dictionary<long, List<MembershipEvent>>> HistoriesAsync(NpgsqlDataSource db, CancellationToken ct) => HistoriesAsync(db.CreateCommand(), ct);

    /// <summary>The same on the connection of a transaction in progress.</summary>
    internal static Task<Dictionary<long, List<MembershipEvent>>> HistoriesAsync(NpgsqlConnection connection, CancellationToken ct) => HistoriesAsync(connection.CreateCommand(), ct);

    private static async Task<Dictionary<long, List<MembershipEvent>>> HistoriesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var _ = command;
        command.CommandText = "SELECT brewery_id, status, effective_on FROM membership_events ORDER BY effective_on";
        return (await command.ListAsync(r => (r.GetInt64(0), new MembershipEvent(r.GetString(1), r.GetFieldValue<DateOnly>(2))), ct))
            .GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => g.Select(x => x.Item2).ToList());
    }

    internal static async Task RecordAsync(NpgsqlConnection c, NpgsqlTransaction? tx, long breweryId, string status, DateOnly effectiveOn, DateOnly? decidedOn, string? note, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO membership_events (brewery_id, status, effective_on, decided_on, note) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (brewery_id, effective_on) DO UPDATE SET status = EXCLUDED.status, decided_on = EXCLUDED.decided_on, note = EXCLUDED.note
            """, c, tx);
        insert.Parameters.Add(new() { Value = breweryId });
        insert.Parameters.Add(new() { Value = status });
        insert.Parameters.Add(new() { Value = effectiveOn });
        insert.Parameters.Add(new() { Value = (object?)decidedOn ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        insert.Parameters.Add(new() { Value = (object?)note ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Ok<List<MemberView>>> MembersAsync(NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var histories = await HistoriesAsync(db, ct);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var breweries = db.CreateCommand("SELECT id, slug, name, region FROM breweries ORDER BY name");
        return TypedResults.Ok(await breweries.ListAsync(r =>
        {
            var history = histories.GetValueOrDefault(r.GetInt64(0)) ?? [];
            return new MemberView(r.GetString(1), r.GetString(2), r.GetString(3), Membership.StatusOn(history, today), history);
        }, ct));
    }

    private static async Task<IResult> ChangeStatusAsync(string brewery, StatusChange body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Status is not null && Membership.Statuses.Contains(body.Status), "status", "must be candidate, member or former")
            .Require(body.EffectiveOn is not null, "effectiveOn", "is required")
            .Require(body.Note is null || body.Note.Length <= 1000, "note", "must be at most 1000 characters");
        if (!v.IsValid) return v.Problem();
        var id = await Lookup.BreweryIdAsync(db, brewery, ct);
        if (id is null) return Problems.NotFound("brewery", $"brewery {brewery}");
        await using (var connection = await db.OpenConnectionAsync(ct))
            await RecordAsync(connection, null, id.Value, body.Status!, body.EffectiveOn!.Value, body.DecidedOn, body.Note, ct);
        return TypedResults.Ok((await MembersAsync(db, TimeProvider.System, ct)).Value!.Single(m => m.Brewery == brewery));
    }

    private static async Task<Ok<List<Rule>>> RulesAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, text, adopted_on FROM admission_rules ORDER BY adopted_on, id");
        return TypedResults.Ok(await command.ListAsync(r => new Rule(r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)), ct));
    }

    private static async Task<IResult> AddRuleAsync(NewRule body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator().Require(!string.IsNullOrWhiteSpace(body.Text) && body.Text.Length <= 4000, "text", "is required (at most 4000 characters)")
            .Require(body.AdoptedOn is not null, "adoptedOn", "is required");
        if (!v.IsValid) return v.Problem();
        await using var command = db.CreateCommand("INSERT INTO admission_rules (text, adopted_on) VALUES ($1, $2) RETURNING id");
        command.Parameters.Add(new() { Value = body.Text!.Trim() });
        command.Parameters.Add(new() { Value = body.AdoptedOn!.Value });
        var id = (long)(await command.ExecuteScalarAsync(ct))!;
        return TypedResults.Created($"/api/v1/table/admission-rules/{id}", new Rule(id, body.Text.Trim(), body.AdoptedOn.Value));
    }

    private static async Task<IResult> AddAssetAsync(NewAsset body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(!string.IsNullOrWhiteSpace(body.Serial) && body.Serial.Length <= 60, "serial", "is required")
            .Require(!string.IsNullOrWhiteSpace(body.Model) && body.Model.Length <= 100, "model", "is required (at most 100 characters)")
            .Require(body.PurchasedOn is not null, "purchasedOn", "is required")
            .Require(body.CostCents is >= 0 and <= 10_000_000, "costCents", "must be within 0..10000000")
            .Require(body.Funding is "grant" or "other", "funding", "must be grant or other");
        if (!v.IsValid) return v.Problem();
        await using var command = db.CreateCommand("""
            INSERT INTO fridge_assets (serial, model, purchased_on, cost_cents, funding, device_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (serial) DO NOTHING RETURNING id
            """);
        foreach (var value in new object?[] { body.Serial!.Trim(), body.Model!.Trim(), body.PurchasedOn!.Value, body.CostCents!.Value, body.Funding })
            command.Parameters.Add(new() { Value = value });
        command.Parameters.Add(new() { Value = (object?)body.DeviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        try
        {
            if (await command.ExecuteScalarAsync(ct) is null) return Problems.Conflict("Asset exists", $"serial '{body.Serial}' is registered");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation) { return Problems.NotFound("deviceId", $"device {body.DeviceId}"); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { return Problems.Conflict("Device taken", $"device {body.DeviceId} is another asset's", new Dictionary<string, object?> { ["field"] = "deviceId" }); }
        return TypedResults.Created($"/api/v1/table/assets/{body.Serial}", body);
    }

    private static async Task<IResult> PlaceAssetAsync(string serial, NewPlacement body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator().Require(body.Location is not null, "location", "is required").Require(body.From is not null, "from", "is required")
            .Require(body.To is null || body.To >= body.From, "to", "must be on or after from");
        if (!v.IsValid) return v.Problem();
        await using var command = db.CreateCommand("""
            INSERT INTO asset_placements (asset_id, location_id, during)
            SELECT a.id, l.id, daterange($3, $4, '[]') FROM fridge_assets a, locations l WHERE a.serial = $1 AND l.code = $2
            """);
        command.Parameters.Add(new() { Value = serial });
        command.Parameters.Add(new() { Value = body.Location });
        command.Parameters.Add(new() { Value = body.From!.Value });
        command.Parameters.Add(new() { Value = (object?)body.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        try
        {
            if (await command.ExecuteNonQueryAsync(ct) == 0) return Problems.NotFound("serial", $"asset {serial} or location {body.Location}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return Problems.Conflict("Already placed", $"{serial} stands elsewhere on some of these dates", new Dictionary<string, object?> { ["field"] = "from" });
        }
        return TypedResults.Created($"/api/v1/table/assets/{serial}", body);
    }

    private static async Task<IResult> GetFiguresAsync(string serial, DateOnly? from, DateOnly? to, NpgsqlDataSource db, InfluxReader influx, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var start = from ?? end.AddDays(-365);
        if (start > end) return Problems.Invalid("from", "must be on or before 'to'");
        // Hourly buckets of a period are held in memory: at most two years of them.
        if (end.DayNumber - start.DayNumber > 2 * 366) return Problems.Invalid("from", "the period may be at most two years");
        try
        {
            var figures = await FiguresAsync(db, influx, serial, start, end, ct);
            return figures is null ? Problems.NotFound("serial", $"asset {serial}") : TypedResults.Ok(figures);
        }
        catch (TelemetryUnavailableException e) { return TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503); }
    }

    /// <summary>One fridge over a period: ownership and placement in days (ledger side), reporting and temperature from telemetry.</summary>
    internal static async Task<AssetFigures?> FiguresAsync(NpgsqlDataSource db, InfluxReader influx, string serial, DateOnly start, DateOnly end, CancellationToken ct)
    {
        await using var asset = db.CreateCommand("""
            SELECT a.purchased_on, a.device_id, coalesce(d.reporting_interval_s, 60) FROM fridge_assets a LEFT JOIN devices d ON d.device_id = a.device_id WHERE a.serial = $1
            """);
        asset.Parameters.Add(new() { Value = serial });
        var rows = await asset.ListAsync(r => (Purchased: r.GetFieldValue<DateOnly>(0), Device: r.IsDBNull(1) ? null : r.GetString(1), Interval: r.GetInt32(2)), ct);
        if (rows.Count == 0) return null;
        var (purchased, device, interval) = rows[0];
        var ownedFrom = purchased > start ? purchased : start;
        var daysOwned = Math.Max(0, end.DayNumber - ownedFrom.DayNumber + 1);

        // Days placed, and units sold where and while it stood there.
        await using var placed = db.CreateCommand("""
            WITH p AS (SELECT location_id, during * daterange($2, $3, '[]') AS during FROM asset_placements a JOIN fridge_assets f ON f.id = a.asset_id
                       WHERE f.serial = $1 AND a.during && daterange($2, $3, '[]'))
            SELECT coalesce(sum(upper(p.during) - lower(p.during)), 0)::int,
                   coalesce((SELECT sum(m.units) FROM movements m JOIN p p2 ON m.from_location_id = p2.location_id AND p2.during @> (m.occurred_at AT TIME ZONE 'UTC')::date
                             WHERE m.kind = 'sale'), 0)::bigint
            FROM p
            """);
        placed.Parameters.Add(new() { Value = serial });
        placed.Parameters.Add(new() { Value = start });
        placed.Parameters.Add(new() { Value = end });
        var (daysPlaced, sold) = (await placed.ListAsync(r => (r.GetInt32(0), r.GetInt64(1)), ct))[0];

        decimal reporting = 0, inBand = 0, above = 0;
        if (device is not null && daysOwned > 0)
        {
            var window = $"device = '{device}' AND time >= '{start:yyyy-MM-dd}T00:00:00Z' AND time < '{end.AddDays(1):yyyy-MM-dd}T00:00:00Z'";
            if (!Patterns.DeviceId().IsMatch(device)) throw new InvalidOperationException("stored device id is not a device id");
            var answer = await influx.QueryAsync($"""
                SELECT count(temp_c) FROM fridge_reading WHERE {window} GROUP BY time(1h) fill(0);
                SELECT count(temp_c) FROM fridge_reading WHERE {window};
                SELECT count(temp_c) FROM fridge_reading WHERE {window} AND temp_c >= 2 AND temp_c <= 4;
                SELECT count(temp_c) FROM fridge_reading WHERE {window} AND temp_c > 8
                """, ct);
            long Count(int i) => answer[i].SelectMany(s => s.Rows).Select(r => (long)r["count"].GetDouble()).FirstOrDefault();
            var hours = daysOwned * 24;
            var reportingHours = answer[0].SelectMany(s => s.Rows).Count(r => r["count"].GetDouble() > 0);
            var readings = Count(1);
            reporting = Math.Round(100m * reportingHours / hours, 1);
            inBand = readings == 0 ? 0 : Math.Round(100m * Count(2) / readings, 1);
            above = Math.Round(Count(3) * interval / 3600m, 1); // readings are periodic: each stands for one interval
        }
        return new AssetFigures(serial, device, start, end, daysOwned, daysPlaced, reporting, inBand, above, sold);
    }

    private static async Task<IResult> FunderReportAsync(DateOnly? from, DateOnly? to, string? format, NpgsqlDataSource db, InfluxReader influx, CancellationToken ct)
    {
        var v = new Validator().Require(from is not null, "from", "is required").Require(to is not null && to >= from, "to", "is required, on or after from");
        if (!v.IsValid) return v.Problem();
        var report = await BuildReportAsync(db, influx, from!.Value, to!.Value, ct);
        if (format != "csv") return TypedResults.Ok(report);
        var csv = new StringBuilder("canal,brasserie,region,unites,revenus_cents\n");
        foreach (var s in report.Sales) csv.Append(CultureInfo.InvariantCulture, $"{s.Channel},{s.Brewery},\"{s.Region}\",{s.Units},{s.RevenueCents}\n");
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"rapport-bailleur-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}.csv");
    }

    /// <summary>The report's totals are the sums of the ledger and telemetry they come from, for the period.</summary>
    internal static async Task<FunderReport> BuildReportAsync(NpgsqlDataSource db, InfluxReader influx, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var fridges = db.CreateCommand("SELECT count(*)::int, coalesce(sum(cost_cents), 0)::bigint, coalesce(sum(cost_cents) FILTER (WHERE funding = 'grant'), 0)::bigint FROM fridge_assets WHERE purchased_on BETWEEN $1 AND $2");
        fridges.Parameters.Add(new() { Value = from });
        fridges.Parameters.Add(new() { Value = to });
        var (bought, cost, onGrant) = (await fridges.ListAsync(r => (r.GetInt32(0), r.GetInt64(1), r.GetInt64(2)), ct))[0];

        await using var placements = db.CreateCommand("""
            SELECT f.serial, l.code, lower(p.during), upper(p.during) - 1 FROM asset_placements p JOIN fridge_assets f ON f.id = p.asset_id JOIN locations l ON l.id = p.location_id
            WHERE p.during && daterange($1, $2, '[]') ORDER BY f.serial, lower(p.during)
            """);
        placements.Parameters.Add(new() { Value = from });
        placements.Parameters.Add(new() { Value = to });
        var placed = await placements.ListAsync(r => new AssetPlacement(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3)), ct);

        // Sales through the COOP channels, by brewery and region; a former member's sales still count.
        await using var sales = db.CreateCommand("""
            SELECT CASE l.kind WHEN 'coop_fridge' THEN 'frigos' WHEN 'festival_kiosk' THEN 'kiosques' WHEN 'tour_stop' THEN 'tournee' ELSE 'epiceries' END, br.slug, l.region,
                   sum(m.units)::bigint, coalesce(sum(m.units * m.unit_price_cents), 0)::bigint
            FROM movements m JOIN locations l ON l.id = m.from_location_id JOIN beers b ON b.sku = m.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE m.kind = 'sale' AND l.kind IN ('coop_fridge', 'festival_kiosk', 'grocery_store', 'tour_stop')
              AND m.occurred_at >= $1 AND m.occurred_at < $2
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """);
        sales.Parameters.Add(new() { Value = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) });
        sales.Parameters.Add(new() { Value = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) });
        var channelSales = await sales.ListAsync(r => new ChannelSales(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)), ct);

        await using var festivals = db.CreateCommand("SELECT code FROM festivals WHERE kind = 'festival' AND starts_on <= $2 AND ends_on >= $1 ORDER BY starts_on");
        festivals.Parameters.Add(new() { Value = from });
        festivals.Parameters.Add(new() { Value = to });
        var served = await festivals.ListAsync(r => r.GetString(0), ct);
        await using var stops = db.CreateCommand("""
            SELECT f.code || '/' || k.code FROM kiosks k JOIN festivals f ON f.id = k.festival_id WHERE f.kind = 'tour' AND k.stop_on BETWEEN $1 AND $2 ORDER BY k.stop_on
            """);
        stops.Parameters.Add(new() { Value = from });
        stops.Parameters.Add(new() { Value = to });
        var tourStops = await stops.ListAsync(r => r.GetString(0), ct);

        var histories = await HistoriesAsync(db, ct);
        await using var slugs = db.CreateCommand("SELECT id, slug FROM breweries");
        var breweryIds = (await slugs.ListAsync(r => (r.GetString(1), r.GetInt64(0)), ct)).ToDictionary(x => x.Item1, x => x.Item2);
        var members = channelSales.Select(s => s.Brewery).Distinct()
            .Where(slug => histories.TryGetValue(breweryIds[slug], out var h) && (Membership.IsMemberOn(h, from) || Membership.IsMemberOn(h, to)))
            .Order().ToList();

        decimal fleetInBand = 0;
        try
        {
            var window = $"time >= '{from:yyyy-MM-dd}T00:00:00Z' AND time < '{to.AddDays(1):yyyy-MM-dd}T00:00:00Z'";
            var answer = await influx.QueryAsync($"SELECT count(temp_c) FROM fridge_reading WHERE {window}; SELECT count(temp_c) FROM fridge_reading WHERE {window} AND temp_c >= 2 AND temp_c <= 4", ct);
            double Count(int i) => answer[i].SelectMany(s => s.Rows).Select(r => r["count"].GetDouble()).FirstOrDefault();
            fleetInBand = Count(0) == 0 ? 0 : Math.Round((decimal)(100 * Count(1) / Count(0)), 1);
        }
        catch (TelemetryUnavailableException) { fleetInBand = -1; } // said in the report rather than failing it

        return new FunderReport(from, to, GrantCents, bought, cost, onGrant, placed, channelSales, channelSales.Sum(s => s.Units), channelSales.Sum(s => s.RevenueCents),
            served, tourStops, members, fleetInBand);
    }
}
