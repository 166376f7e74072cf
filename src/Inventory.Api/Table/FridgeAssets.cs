using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Table;

/// <summary>
/// The COOP fridges as the Table's funded assets: registered when bought, placed somewhere for periods,
/// and their figures over a period from the ledger (days owned and placed, units sold there) and from
/// telemetry (reporting, temperature compliance).
/// </summary>
public sealed class FridgeAssets(NpgsqlDataSource db, InfluxReader influx, TableCalendar calendar)
{
    public async Task<NewAsset> RegisterAsync(NewAsset body, CancellationToken ct)
    {
        await using var command = db.Command("""
            INSERT INTO fridge_assets (serial, model, purchased_on, cost_cents, funding, device_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (serial) DO NOTHING RETURNING id
            """,
            /* $1 */ body.Serial!.Trim(),
            /* $2 */ body.Model!.Trim(),
            /* $3 */ body.PurchasedOn!.Value,
            /* $4 */ body.CostCents!.Value,
            /* $5 */ body.Funding,
            /* $6 */ Db.Typed(body.DeviceId, NpgsqlTypes.NpgsqlDbType.Text));
        try
        {
            if (await command.ExecuteScalarAsync(ct) is null) throw new DomainProblem(Problems.Conflict("Asset exists", $"serial '{body.Serial}' is registered"));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new DomainProblem(Problems.NotFound("deviceId", $"device {body.DeviceId}"));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DomainProblem(Problems.Conflict("Device taken", $"device {body.DeviceId} is another asset's", new Dictionary<string, object?> { ["field"] = "deviceId" }));
        }
        return body;
    }

    /// <summary>
    /// Places a bought fridge somewhere for a period. A fridge that moves: where it stood until further notice, from an
    /// earlier day, ends the day before (the move's day is the new place's); a placement with its own end is not cut
    /// short (a conflict names <c>from</c>).
    /// </summary>
    public async Task<NewAssetPlacement> PlaceAsync(string serial, NewAssetPlacement body, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var moved = c.Command(tx, """
            UPDATE asset_placements p SET during = daterange(lower(p.during), $2, '[)')
            FROM fridge_assets a WHERE a.id = p.asset_id AND a.serial = $1 AND upper_inf(p.during) AND lower(p.during) < $2
            """, serial, body.From!.Value);
        await moved.ExecuteNonQueryAsync(ct);
        await using var command = c.Command(tx, """
            INSERT INTO asset_placements (asset_id, location_id, during)
            SELECT a.id, l.id, daterange($3, $4, '[]') FROM fridge_assets a, locations l WHERE a.serial = $1 AND l.code = $2
            """, serial, body.Location, body.From!.Value, Db.Typed(body.To, NpgsqlTypes.NpgsqlDbType.Date));
        try
        {
            if (await command.ExecuteNonQueryAsync(ct) == 0) throw new DomainProblem(Problems.NotFound("serial", $"asset {serial} or location {body.Location}"));
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Already placed", $"{serial} stands elsewhere on some of these dates", new Dictionary<string, object?> { ["field"] = "from" }));
        }
        return body;
    }

    /// <summary>Every bought fridge with where it stands on <paramref name="on"/> (nowhere: in storage), newest purchase first.</summary>
    public async Task<List<AssetView>> ListAsync(DateOnly on, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT a.serial, a.model, a.purchased_on, a.cost_cents, a.funding, a.device_id, l.code, l.name, lower(p.during)
            FROM fridge_assets a
            LEFT JOIN asset_placements p ON p.asset_id = a.id AND p.during @> $1
            LEFT JOIN locations l ON l.id = p.location_id
            ORDER BY a.purchased_on DESC, a.serial
            """, on);
        return await command.ListAsync(r => new AssetView(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetInt64(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
            r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8)), ct);
    }

    /// <summary>One fridge over a period: ownership and placement in days (ledger side), reporting and temperature from telemetry; null for an unknown serial.</summary>
    public async Task<AssetFigures?> FiguresAsync(string serial, DateOnly start, DateOnly end, CancellationToken ct)
    {
        await using var asset = db.Command("""
            SELECT a.purchased_on, a.device_id, coalesce(d.reporting_interval_s, 60) FROM fridge_assets a LEFT JOIN devices d ON d.device_id = a.device_id WHERE a.serial = $1
            """, serial);
        var rows = await asset.ListAsync(r => (Purchased: r.GetFieldValue<DateOnly>(0), Device: r.IsDBNull(1) ? null : r.GetString(1), Interval: r.GetInt32(2)), ct);
        if (rows.Count == 0) return null;
        var (purchased, device, interval) = rows[0];
        var ownedFrom = purchased > start ? purchased : start;
        var daysOwned = Math.Max(0, end.DayNumber - ownedFrom.DayNumber + 1);

        // Days placed, and units sold where and while it stood there.
        await using var placed = db.Command("""
            WITH p AS (SELECT location_id, during * daterange($2, $3, '[]') AS during FROM asset_placements a JOIN fridge_assets f ON f.id = a.asset_id
                       WHERE f.serial = $1 AND a.during && daterange($2, $3, '[]'))
            SELECT coalesce(sum(upper(p.during) - lower(p.during)), 0)::int,
                   coalesce((SELECT sum(d.units) FROM sales_by_day d JOIN p p2 ON d.location_id = p2.location_id AND p2.during @> d.day), 0)::bigint
            FROM p
            """, serial, start, end);
        var (daysPlaced, sold) = (await placed.ListAsync(r => (r.GetInt32(0), r.GetInt64(1)), ct))[0];

        decimal reporting = 0, inBand = 0, above = 0;
        if (device is not null && daysOwned > 0)
        {
            var window = $"{InfluxQl.DeviceIs(device)} AND {InfluxQl.During(calendar, start, end)}";
            var answer = await influx.QueryAsync($"""
                SELECT count(temp_c) FROM fridge_reading WHERE {window} GROUP BY time(1h) fill(0);
                SELECT count(temp_c) FROM fridge_reading WHERE {window};
                SELECT count(temp_c) FROM fridge_reading WHERE {window} AND {InfluxQl.InKeepingBand};
                SELECT count(temp_c) FROM fridge_reading WHERE {window} AND {InfluxQl.AboveDegrading}
                """, ct);
            long Count(int i) => answer[i].SelectMany(s => s.Rows).Select(r => (long)r["count"].GetDouble()).FirstOrDefault();
            var (from, to) = calendar.Days(ownedFrom, end);
            var hours = (int)Math.Round((to - from).TotalHours); // a day of a change of time has 23 or 25
            var reportingHours = answer[0].SelectMany(s => s.Rows).Count(r => r["count"].GetDouble() > 0);
            var readings = Count(1);
            reporting = Math.Round(100m * reportingHours / hours, 1);
            inBand = readings == 0 ? 0 : Math.Round(100m * Count(2) / readings, 1);
            above = Math.Round(Count(3) * interval / 3600m, 1); // readings are periodic: each stands for one interval
        }
        return new AssetFigures(serial, device, start, end, daysOwned, daysPlaced, reporting, inBand, above, sold);
    }
}
