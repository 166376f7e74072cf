using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Inventory.Api.Stock;
using Inventory.Api.Table;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <summary>
/// Changing festivals: creating one with its member breweries, adding kiosks (each a ledger place) or
/// tour stops, placing devices without double-booking, saving the allocation, recording a stop's sales
/// and reconciling after the event. A refusal is a <see cref="DomainProblem"/> naming the field.
/// </summary>
public sealed partial class FestivalCommands(NpgsqlDataSource db, FestivalQueries festivals, MembershipQueries membership, BeerQueries beers, TimeProvider time, TableCalendar calendar)
{
    /// <summary>Sales typed after the evening (a tour stop's, a festival kiosk's whose device failed) are dated at 20:00 on the Table's clock of their day.</summary>
    private static readonly TimeOnly StopSalesAt = new(20, 0);

    /// <summary>
    /// Creates a festival or a tour, once per <c>Idempotency-Key</c> when one is given: a retry after a lost
    /// answer (or a second click) gets the first answer again, not "code is taken".
    /// </summary>
    public Task<IResult> CreateAsync(NewFestival body, string? idempotencyKey, CancellationToken ct) =>
        Idempotency.RunAsync(db, "festival-create", idempotencyKey, body, async (connection, tx, token) =>
        {
            await using var insert = connection.Command(tx, """
                INSERT INTO festivals (code, name, site, region, starts_on, ends_on, expected_attendance, kind, kiosk_fee_bp) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (code) DO NOTHING RETURNING id
                """,
                /* $1 */ body.Code,
                /* $2 */ body.Name!.Trim(),
                /* $3 */ body.Site!.Trim(),
                /* $4 */ body.Region!.Trim(),
                /* $5 */ body.StartsOn!.Value,
                /* $6 */ body.EndsOn!.Value,
                /* $7 */ body.ExpectedAttendance!.Value,
                /* $8 */ body.Kind ?? "festival",
                /* $9 */ body.KioskFeeBasisPoints ?? 0);
            if (await insert.ExecuteScalarAsync(token) is not long id)
                throw new DomainProblem(Problems.Conflict("Festival exists", $"code '{body.Code}' is taken", new Dictionary<string, object?> { ["field"] = "code" }));
            var histories = await MembershipQueries.HistoriesAsync(connection, token);
            for (var i = 0; i < body.Breweries!.Count; i++)
            {
                // Only members of the Table are offered kiosk places (membership on the festival's first day).
                var breweryId = await Lookup.BreweryIdAsync(connection, body.Breweries[i], token)
                    ?? throw new DomainProblem(Problems.NotFound($"breweries[{i}]", $"brewery {body.Breweries[i]}"));
                if (!Membership.IsMemberOn(histories.GetValueOrDefault(breweryId) ?? [], body.StartsOn!.Value))
                    throw new DomainProblem(Problems.Unprocessable($"breweries[{i}]", $"{body.Breweries[i]} is not a member of the Table on {body.StartsOn:yyyy-MM-dd}: only members are offered kiosk places"));
                await using var brewery = connection.Command(tx, "INSERT INTO festival_breweries (festival_id, brewery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, breweryId);
                await brewery.ExecuteNonQueryAsync(token);
            }
            return (StatusCodes.Status201Created, (object)(await FestivalQueries.FindAsync(connection, body.Code!, token))!);
        }, ct);

    /// <summary>
    /// Changes a festival's name, place, dates, attendance or fee. Its devices move with its dates (refused when
    /// one stands elsewhere on a new day), and a tour keeps every stop on one of its days.
    /// </summary>
    public async Task<FestivalView> ChangeAsync(string code, FestivalChange body, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var festival = await FestivalQueries.FindAsync(connection, code, ct) ?? throw new DomainProblem(Problems.NotFound("code", $"festival {code}"));
        RefuseIfCancelled(festival);
        if (festival.Kiosks.FirstOrDefault(k => k.On is { } on && (on < body.StartsOn || on > body.EndsOn)) is { } stop)
            throw new DomainProblem(Problems.Unprocessable(stop.On < body.StartsOn ? "startsOn" : "endsOn", $"the stop {stop.Code} is on {stop.On:yyyy-MM-dd}: move or remove it first"));
        await using (var update = connection.Command(tx, """
            UPDATE festivals SET name = $2, site = $3, region = $4, starts_on = $5, ends_on = $6, expected_attendance = $7, kiosk_fee_bp = coalesce($8, kiosk_fee_bp)
            WHERE code = $1
            """,
            /* $1 */ code,
            /* $2 */ body.Name!.Trim(),
            /* $3 */ body.Site!.Trim(),
            /* $4 */ body.Region!.Trim(),
            /* $5 */ body.StartsOn!.Value,
            /* $6 */ body.EndsOn!.Value,
            /* $7 */ body.ExpectedAttendance!.Value,
            /* $8 */ Db.Typed(body.KioskFeeBasisPoints, NpgsqlTypes.NpgsqlDbType.Integer)))
            await update.ExecuteNonQueryAsync(ct);
        // The devices placed on its kiosks stand there for the festival's days: the new ones.
        await using (var devices = connection.Command(tx, """
            UPDATE device_assignments a SET during = daterange($2, $3, '[]') FROM kiosks k JOIN festivals f ON f.id = k.festival_id
            WHERE a.kiosk_id = k.id AND f.code = $1 RETURNING a.device_id
            """, code, body.StartsOn!.Value, body.EndsOn!.Value))
        {
            try { await devices.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
            {
                throw new DomainProblem(Problems.Conflict("Device already placed", $"a device of {code} stands elsewhere on some of the new dates",
                    new Dictionary<string, object?> { ["field"] = "startsOn" }));
            }
        }
        await tx.CommitAsync(ct);
        return (await FestivalQueries.FindAsync(connection, code, ct))!;
    }

    /// <summary>
    /// Cancels a festival that no beer was sent to (once beer moved, it is reconciled instead): it stays listed
    /// as cancelled, with who did it and why, and its devices are free for other dates.
    /// </summary>
    public async Task<FestivalView> CancelAsync(string code, FestivalCancel body, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var festival = await FestivalQueries.FindAsync(connection, code, ct) ?? throw new DomainProblem(Problems.NotFound("code", $"festival {code}"));
        RefuseIfCancelled(festival);
        await using (var moved = connection.Command(tx, """
            SELECT EXISTS (SELECT FROM movements m JOIN kiosks k ON k.location_id IN (m.from_location_id, m.to_location_id) JOIN festivals f ON f.id = k.festival_id WHERE f.code = $1)
            """, code))
        {
            if ((bool)(await moved.ExecuteScalarAsync(ct))!)
                throw new DomainProblem(Problems.Conflict("Beer was sent", $"beer moved through {code}'s kiosks: reconcile the festival instead of cancelling it"));
        }
        await using (var cancel = connection.Command(tx, "UPDATE festivals SET cancelled_at = now(), cancelled_by = $2, cancel_reason = $3 WHERE code = $1",
            code, caller.Name, Db.Typed(body.Reason?.Trim() is { Length: > 0 } reason ? reason : null, NpgsqlTypes.NpgsqlDbType.Text)))
            await cancel.ExecuteNonQueryAsync(ct);
        await using (var free = connection.Command(tx, "DELETE FROM device_assignments a USING kiosks k JOIN festivals f ON f.id = k.festival_id WHERE a.kiosk_id = k.id AND f.code = $1", code))
            await free.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return (await FestivalQueries.FindAsync(connection, code, ct))!;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    internal static void RefuseIfCancelled(FestivalView festival)
    {
        if (festival.Cancelled is { } cancelled)
            throw new DomainProblem(Problems.Conflict("Festival cancelled", $"{festival.Code} was cancelled on {cancelled.At:yyyy-MM-dd}"));
    }

    public async Task<KioskView> AddKioskAsync(string code, NewKiosk body, CancellationToken ct)
    {
        var festival = await festivals.GetAsync(code, ct);
        RefuseIfCancelled(festival);
        string kind = LocationKinds.FestivalKiosk, region = festival.Region;
        long? hostId = null;
        if (festival.Kind == "tour")
        {
            // A tour stop is hosted by a member brewery, at its own place, on a day of the tour.
            var v = new Validator()
                .Require(body.HostBrewery is not null && festival.Breweries.Contains(body.HostBrewery), "hostBrewery", "must be one of the tour's breweries")
                .Require(body.On is { } on && on >= festival.StartsOn && on <= festival.EndsOn, "on", $"must be a day of the tour ({festival.StartsOn:yyyy-MM-dd}..{festival.EndsOn:yyyy-MM-dd})");
            if (!v.IsValid) throw new DomainProblem(v.Problem());
            hostId = await Lookup.BreweryIdAsync(db, body.HostBrewery!, ct);
            if (!Membership.IsMemberOn((await membership.HistoriesAsync(ct)).GetValueOrDefault(hostId!.Value) ?? [], body.On!.Value))
                throw new DomainProblem(Problems.Unprocessable("hostBrewery", $"{body.HostBrewery} is not a member of the Table on {body.On:yyyy-MM-dd}"));
            await using var home = db.Command("SELECT region FROM breweries WHERE id = $1", hostId.Value);
            (kind, region) = (LocationKinds.TourStop, (string)(await home.ExecuteScalarAsync(ct))!);
        }
        // Each kiosk or stop is a place of the ledger: what is sent there, sold there and left there is counted there.
        await using var command = db.Command("""
            WITH place AS (
                INSERT INTO locations (code, name, kind, region, address)
                VALUES ($2, $3, $7, $4, (SELECT address FROM locations WHERE brewery_id = $8 AND kind = 'brewery' LIMIT 1))
                ON CONFLICT (code) DO NOTHING RETURNING id)
            INSERT INTO kiosks (festival_id, code, name, location_id, host_brewery_id, stop_on) SELECT f.id, $5, $6, place.id, $8, $9 FROM place, festivals f WHERE f.code = $1 RETURNING id
            """,
            /* $1 */ code,
            /* $2 */ $"{code}-{body.Code}",
            /* $3 */ $"{body.Name!.Trim()} — {festival.Name}",
            /* $4 */ region,
            /* $5 */ body.Code,
            /* $6 */ body.Name.Trim(),
            /* $7 */ kind,
            /* $8 */ Db.Typed(hostId, NpgsqlTypes.NpgsqlDbType.Bigint),
            /* $9 */ Db.Typed(body.On, NpgsqlTypes.NpgsqlDbType.Date));
        if (await command.ExecuteScalarAsync(ct) is null) throw new DomainProblem(Problems.Conflict("Kiosk exists", $"kiosk '{body.Code}' exists at {code}"));
        return (await festivals.FindAsync(code, ct))!.Kiosks.Single(k => k.Code == body.Code);
    }

    public async Task<KioskView> AssignDeviceAsync(string code, string kiosk, DeviceToKiosk body, CancellationToken ct)
    {
        RefuseIfCancelled(await festivals.GetAsync(code, ct));
        await using var command = db.Command("""
            INSERT INTO device_assignments (device_id, kiosk_id, during)
            SELECT $3, k.id, daterange(f.starts_on, f.ends_on, '[]') FROM kiosks k JOIN festivals f ON f.id = k.festival_id WHERE f.code = $1 AND k.code = $2
            """, code, kiosk, body.DeviceId);
        try
        {
            if (await command.ExecuteNonQueryAsync(ct) == 0) throw new DomainProblem(Problems.NotFound("kiosk", $"kiosk {kiosk} at festival {code}"));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Device already placed", $"{body.DeviceId} stands elsewhere on some of these dates: {await festivals.WhereElseAsync(body.DeviceId!, code, ct)}",
                new Dictionary<string, object?> { ["field"] = "deviceId" }));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new DomainProblem(Problems.NotFound("deviceId", $"device {body.DeviceId}"));
        }
        return (await festivals.FindAsync(code, ct))!.Kiosks.Single(k => k.Code == kiosk);
    }

    public async Task<IReadOnlyList<AllocationLine>> SaveAllocationAsync(string code, IReadOnlyList<ParLine?> lines, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var exists = connection.Command(tx, "SELECT 1 FROM festivals WHERE code = $1", code))
            if (await exists.ExecuteScalarAsync(ct) is null) throw new DomainProblem(Problems.NotFound("code", $"festival {code}"));
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i]!;
            await using var upsert = connection.Command(tx, """
                INSERT INTO kiosk_allocations (kiosk_id, sku, par_units)
                SELECT k.id, b.sku, $4 FROM kiosks k JOIN festivals f ON f.id = k.festival_id JOIN beers b ON b.sku = $3
                WHERE f.code = $1 AND k.code = $2
                ON CONFLICT (kiosk_id, sku) DO UPDATE SET par_units = EXCLUDED.par_units
                """, code, line.Kiosk, line.Sku, line.ParUnits!.Value);
            if (await upsert.ExecuteNonQueryAsync(ct) == 0) throw new DomainProblem(Problems.NotFound($"[{i}]", $"kiosk {line.Kiosk} or beer {line.Sku}"));
        }
        await tx.CommitAsync(ct);
        return (await FestivalQueries.FindAsync(connection, code, ct))!.Allocation;
    }

    /// <summary>A stop's (or a kiosk's) sales as one report: into the ledger once, recorded even beyond the stock sent.</summary>
    public async Task<IResult> ReportStopSalesAsync(string code, string kiosk, StopSales body, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        var festival = await festivals.FindAsync(code, ct);
        var stop = festival?.Kiosks.SingleOrDefault(k => k.Code == kiosk) ?? throw new DomainProblem(Problems.NotFound("kiosk", $"kiosk {kiosk} at {code}"));
        if (!caller.IsLead && stop.HostBrewery != caller.BrewerySlug)
            throw new DomainProblem(Problems.Forbidden("a stop's sales are reported by the lead or by the brewery hosting it"));
        var location = await Lookup.LocationIdAsync(db, stop.Location, ct);
        if (body.Day is { } typed && (stop.On is { } on ? typed != on : typed < festival!.StartsOn || typed > festival.EndsOn))
            throw new DomainProblem(Problems.Unprocessable("day", stop.On is { } stopDay
                ? $"the sales of {stop.Name} are on its day, {stopDay:yyyy-MM-dd}"
                : $"must be a day of {festival!.Name}, {festival.StartsOn:yyyy-MM-dd} to {festival.EndsOn:yyyy-MM-dd}"));
        // Sales typed after the day are booked on the day they were made (rule "Figures come from the facts, in event
        // time"): its week, its month's statement, the money settings of that day. A day to come has made no sales (typed
        // for it, they would stand in a future week's revenue); today's, typed before 20:00, were made by now.
        var now = time.GetUtcNow();
        if ((body.Day ?? stop.On) is { } madeOn && madeOn > calendar.DateOf(now))
            throw new DomainProblem(Problems.Unprocessable("day", $"{madeOn:yyyy-MM-dd} is to come: sales are typed once they are made"));
        var at = (body.Day ?? stop.On) is { } day ? Min(calendar.At(day, StopSalesAt), now) : now;
        // A host reports its stop once: the stop is the report's key, whatever key it sends, so that it cannot report
        // the same stock sold twice under two keys (what it would then owe is not the brewers' to find out). The lead's
        // own keys live in the lead's scope: nobody can take the key another's report will use, and the lead corrects.
        // Without a key, a festival kiosk's sales typed for a day are that day's report: each day its own.
        var (scope, key) = !caller.IsLead ? ("stop-sales:host", $"{code}:{kiosk}")
            : (idempotencyKey is null ? "stop-sales" : $"stop-sales:{caller.Id}", idempotencyKey ?? $"{code}:{kiosk}{(body.Day is { } of ? $":{of:yyyy-MM-dd}" : "")}");
        var reported = Problems.Conflict("lines: reported already", $"the sales of {stop.Name} are reported already: the lead corrects them",
            new Dictionary<string, object?> { ["field"] = "lines" });
        return await Idempotency.RunAsync(db, scope, key, body, async (c, tx, token) =>
        {
            var posted = new List<PostedMovement>();
            for (var i = 0; i < body.Lines!.Count; i++)
            {
                var line = body.Lines[i]!;
                if (await beers.FactsAsync(c, line.Sku!, token) is null) throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {line.Sku}"));
                if (!await SentToAsync(c, tx, line.Sku!, location!.Value, token))
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"{line.Sku} was never sent to {stop.Name}: only what was sent there can be sold there"));
                // A host reports the other breweries' sales, which it owes them: at the list's price, and no more than stands
                // there. The lead may correct both (a price agreed on the day, a sale found after a count).
                var listed = await PriceQueries.PriceAsync(c, tx, line.Sku!, PriceChannels.Kiosk, at, token);
                if (!caller.IsLead && line.UnitPriceCents is { } typed && typed != listed)
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].unitPriceCents",
                        $"a host reports at the price list's kiosk price ({(listed is { } p ? $"{p} cents" : "none on that day")}): leave it out, or ask the lead to change the list"));
                posted.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, line.Sku!, null, line.Units!.Value, location, null, at,
                    caller.Name, $"sold at {stop.Name}", null, line.UnitPriceCents ?? listed),
                    allowShortfall: caller.IsLead, token));
                await ReconciledLoss.KeepAsync(c, tx, location!.Value, line.Sku!, token);
            }
            return (StatusCodes.Status201Created, posted);
        }, ct, caller.IsLead ? null : reported);
    }
}
