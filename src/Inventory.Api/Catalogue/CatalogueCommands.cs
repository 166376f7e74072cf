using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.Catalogue;

/// <summary>Adding to the catalogue: breweries (with their status at the Table), beers, locations, devices.</summary>
public sealed class CatalogueCommands(NpgsqlDataSource db, TableCalendar calendar, BeerQueries beers, CatalogueQueries catalogue)
{
    public async Task<Brewery> AddBreweryAsync(NewBrewery body, CancellationToken ct)
    {
        await using var command = db.Command("""
            WITH brewery AS (INSERT INTO breweries (slug, name, region) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING RETURNING id),
                 membership AS (INSERT INTO membership_events (brewery_id, status, effective_on) SELECT id, $4, $5 FROM brewery)
            SELECT id FROM brewery
            """,
            /* $1 */ body.Slug,
            /* $2 */ body.Name!.Trim(),
            /* $3 */ body.Region!.Trim(),
            /* $4 */ body.Status ?? "member",
            /* $5 */ body.Since ?? calendar.Today);
        if (await command.ExecuteScalarAsync(ct) is not long id) throw new DomainProblem(Problems.Conflict("Brewery exists", $"slug '{body.Slug}' is taken"));
        return new Brewery(id, body.Slug!, body.Name.Trim(), body.Region.Trim());
    }

    /// <summary>A beer: the lead adds any, a brewer those of its own brewery.</summary>
    public async Task<Beer> AddBeerAsync(NewBeer body, Caller caller, CancellationToken ct)
    {
        var breweryId = await Lookup.BreweryIdAsync(db, body.Brewery!, ct) ?? throw new DomainProblem(Problems.NotFound("brewery", $"brewery {body.Brewery}"));
        if (!caller.MayMoveBeerOf(breweryId)) throw new DomainProblem(Problems.Forbidden("a brewer adds beers of its own brewery only"));
        await using var command = db.Command("""
            INSERT INTO beers (sku, brewery_id, name, style, abv, format, units_per_case) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (sku) DO NOTHING RETURNING sku
            """,
            /* $1 */ body.Sku,
            /* $2 */ breweryId,
            /* $3 */ body.Name!.Trim(),
            /* $4 */ Db.Typed(body.Style, NpgsqlTypes.NpgsqlDbType.Text),
            /* $5 */ Db.Typed(body.Abv, NpgsqlTypes.NpgsqlDbType.Numeric),
            /* $6 */ body.Format,
            /* $7 */ body.UnitsPerCase!.Value);
        if (await command.ExecuteScalarAsync(ct) is null) throw new DomainProblem(Problems.Conflict("Beer exists", $"sku '{body.Sku}' is taken"));
        return new Beer(body.Sku!, body.Brewery, null, body.Name.Trim(), body.Style, body.Abv, body.Format!, body.UnitsPerCase.Value);
    }

    /// <summary>
    /// Retires a beer from a day: the lead any, a brewer its own brewery's. Its par levels end with it (no round brings
    /// it, no low-stock notice asks for it); once retired, a second retirement is a 409.
    /// </summary>
    public async Task<Beer> RetireBeerAsync(string sku, BeerRetirement body, Caller caller, CancellationToken ct)
    {
        var beer = await beers.FactsAsync(sku, ct) ?? throw new DomainProblem(Problems.NotFound("sku", $"beer {sku}"));
        if (!caller.MayMoveBeerOf(beer.BreweryId)) throw new DomainProblem(Problems.Forbidden("a brewer retires beers of its own brewery only"));
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await using (var retire = connection.Command(tx, "UPDATE beers SET retired_on = $2, retired_by = $3 WHERE sku = $1 AND retired_on IS NULL", sku, body.From ?? calendar.Today, caller.Name))
                if (await retire.ExecuteNonQueryAsync(ct) == 0)
                    throw new DomainProblem(Problems.Conflict("Retired already", $"{sku} is retired already", new Dictionary<string, object?> { ["field"] = "sku" }));
            await using (var pars = connection.Command(tx, "DELETE FROM par_levels WHERE sku = $1", sku))
                await pars.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        return await catalogue.BeerAsync(sku, ct); // once the connection is back in the pool
    }

    public async Task<Location> AddLocationAsync(NewLocation body, CancellationToken ct)
    {
        long? breweryId = null;
        if (body.Brewery is not null && (breweryId = await Lookup.BreweryIdAsync(db, body.Brewery, ct)) is null)
            throw new DomainProblem(Problems.NotFound("brewery", $"brewery {body.Brewery}"));
        await using var command = db.Command("""
            INSERT INTO locations (code, name, kind, region, address, brewery_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (code) DO NOTHING RETURNING id
            """,
            /* $1 */ body.Code,
            /* $2 */ body.Name!.Trim(),
            /* $3 */ body.Kind,
            /* $4 */ body.Region!.Trim(),
            /* $5 */ Db.Typed(body.Address, NpgsqlTypes.NpgsqlDbType.Text),
            /* $6 */ Db.Typed(breweryId, NpgsqlTypes.NpgsqlDbType.Bigint));
        if (await command.ExecuteScalarAsync(ct) is not long id) throw new DomainProblem(Problems.Conflict("Location exists", $"code '{body.Code}' is taken"));
        return new Location(id, body.Code!, body.Name.Trim(), body.Kind!, body.Region.Trim(), body.Address, body.Brewery);
    }

    /// <summary>
    /// Registers a device, or moves it to another location (or none) from a time on: its placement history is what
    /// its reports are placed by (<see cref="DevicePlacements"/>). A COOP fridge leaving a place that holds beer moves
    /// that stock with it or closes it there, as the body says (409 naming <c>stock</c> when it says neither).
    /// </summary>
    public async Task<Device> PutDeviceAsync(string deviceId, DeviceAssignment body, string actor, CancellationToken ct)
    {
        if (!Patterns.DeviceId().IsMatch(deviceId)) throw new DomainProblem(Problems.Invalid("deviceId", Patterns.MustBeDeviceId));
        long? locationId = null;
        if (body.Location is not null && (locationId = await Lookup.LocationIdAsync(db, body.Location, ct)) is null)
            throw new DomainProblem(Problems.NotFound("location", $"location {body.Location}"));
        var since = body.Since ?? calendar.Now;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockDevice = connection.Command(tx, "SELECT pg_advisory_xact_lock(2, hashtext($1))", deviceId))
            await lockDevice.ExecuteNonQueryAsync(ct);
        var current = await DevicePlacements.CurrentAsync(connection, tx, deviceId, ct);
        await using (var command = connection.Command(tx, """
            INSERT INTO devices (device_id, kind, location_id, reporting_interval_s) VALUES ($1, $2, $3, $4)
            ON CONFLICT (device_id) DO UPDATE SET kind = EXCLUDED.kind, location_id = EXCLUDED.location_id, reporting_interval_s = EXCLUDED.reporting_interval_s
            """, deviceId, body.Kind, Db.Typed(locationId, NpgsqlTypes.NpgsqlDbType.Bigint), body.ReportingIntervalSeconds ?? 60))
            await command.ExecuteNonQueryAsync(ct);
        if (current is null || current.Value.LocationId != locationId)
        {
            if (current is { LocationId: { } from }) await RefuseIfReportsAfterAsync(connection, tx, deviceId, from, since, ct);
            // A device's first placement covers its past: what it buffered before it was registered lands where it stands.
            await DevicePlacements.AddAsync(connection, tx, deviceId, locationId, current is null && body.Since is null ? DateTimeOffset.MinValue : since, actor, ct);
            if (current is { LocationId: { } left } && body.Kind == "fridge")
                await MoveOrCloseStockAsync(connection, tx, deviceId, left, locationId, body.Stock, since, actor, ct);
        }
        await tx.CommitAsync(ct);
        return new Device(deviceId, body.Kind!, body.Location, body.ReportingIntervalSeconds ?? 60);
    }

    /// <summary>
    /// A device is re-placed from a moment after the last report it sent from where it stood: a report dated after the move
    /// and already booked there (a count the day the move is entered, dated the day before) would stay at a place that
    /// holds nothing from the move on, and its units be counted at both places (a fridge holding 6 cans stood in the ledger
    /// for 16). Re-booking such reports to the new place is not done: the lead dates the move after them, or corrects.
    /// </summary>
    /// <remarks>Read at the place it leaves (where its reports were booked), by the place's indexes: a re-placement reads
    /// the place's reports since the move, not every report the table holds.</remarks>
    private async Task RefuseIfReportsAfterAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, long from, DateTimeOffset since, CancellationToken ct)
    {
        await using var latest = c.Command(tx, """
            SELECT greatest((SELECT max(counted_at) FROM shelf_counts WHERE location_id = $3 AND counted_at >= $2 AND device_id = $1),
                            (SELECT max(occurred_at) FROM movements WHERE from_location_id = $3 AND occurred_at >= $2 AND device_id = $1 AND shelf_count_id IS NULL))
            """, deviceId, since.UtcDateTime, from);
        if (await latest.ExecuteScalarAsync(ct) is DateTime last)
            throw new DomainProblem(Problems.Conflict("Reports after the move",
                $"{deviceId} reported from where it stood until {calendar.Show(new DateTimeOffset(last, TimeSpan.Zero), english: true)}, after {since:O}: date the move after its last report there",
                new Dictionary<string, object?> { ["field"] = "since", ["lastReportAt"] = new DateTimeOffset(last, TimeSpan.Zero) }));
    }

    /// <summary>
    /// A fridge leaving its place takes what stood there at <paramref name="at"/>, in event time, with it, or has it
    /// closed there; counts of the place from before the move that arrive later make that up (<see cref="FridgeMoves"/>).
    /// </summary>
    private static async Task MoveOrCloseStockAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, long left, long? to, string? choice,
        DateTimeOffset at, string actor, CancellationToken ct)
    {
        await using var place = c.Command(tx, "SELECT code, kind FROM locations WHERE id = $1", left);
        var (code, kind) = (await place.ListAsync(r => (r.GetString(0), r.GetString(1)), ct))[0];
        if (kind != LocationKinds.CoopFridge || !await FridgeMoves.HeldAnyAsync(c, tx, left, at, ct)) return;
        if (choice is null || (choice == DeviceAssignment.MoveStock && to is null))
            throw new DomainProblem(Problems.Conflict("Stock left behind",
                $"{code} holds beer: say whether it moves with the fridge (stock: move, to a new place) or is closed there (stock: close)",
                new Dictionary<string, object?> { ["field"] = "stock" }));
        await FridgeMoves.PostAsync(c, tx, deviceId, left, choice == DeviceAssignment.MoveStock ? to : null, at, actor, ct);
    }
}
