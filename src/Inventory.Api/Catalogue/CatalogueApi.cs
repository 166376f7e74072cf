using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Inventory.Api.Catalogue;

public sealed record Brewery(long Id, string Slug, string Name, string Region);
/// <param name="Status">Its status with the Table (candidate or member, member when absent), from <paramref name="Since"/> (today when absent).</param>
public sealed record NewBrewery(string? Slug, string? Name, string? Region, string? Status = null, DateOnly? Since = null);

public sealed record Beer(string Sku, string? Brewery, long? CollabBrewId, string Name, string? Style, decimal? Abv, string Format, int UnitsPerCase);
public sealed record NewBeer(string? Sku, string? Brewery, string? Name, string? Style, decimal? Abv, string? Format, int? UnitsPerCase);

public sealed record Location(long Id, string Code, string Name, string Kind, string Region, string? Address, string? Brewery);
public sealed record NewLocation(string? Code, string? Name, string? Kind, string? Region, string? Address, string? Brewery);

public sealed record Device(string DeviceId, string Kind, string? Location, int ReportingIntervalSeconds);
public sealed record DeviceAssignment(string? Kind, string? Location, int? ReportingIntervalSeconds);

/// <summary>Breweries, beers (SKUs), locations and devices: what the ledger speaks of.</summary>
public static class CatalogueApi
{
    public static readonly string[] Formats = ["can_473", "can_355", "bottle_341", "bottle_500", "keg_20l", "keg_30l", "keg_50l"];

    public static RouteGroupBuilder MapCatalogueApi(this RouteGroupBuilder api)
    {
        var breweries = api.MapGroup("breweries").WithTags("Catalogue").RequireAuthorization(Policies.People);
        breweries.MapGet("", ListBreweries).WithName("ListBreweries").WithSummary("Member breweries of the Table");
        breweries.MapPost("", CreateBrewery).WithName("CreateBrewery").WithSummary("Add a brewery").RequireAuthorization(Policies.Lead);

        var beers = api.MapGroup("beers").WithTags("Catalogue").RequireAuthorization(Policies.People);
        beers.MapGet("", ListBeers).WithName("ListBeers").WithSummary("Beers (SKUs), optionally of one brewery");
        beers.MapGet("{sku}", GetBeer).WithName("GetBeer");
        beers.MapPost("", CreateBeer).WithName("CreateBeer").WithSummary("Add a beer: the lead, or a brewer for its own brewery");

        var locations = api.MapGroup("locations").WithTags("Catalogue").RequireAuthorization(Policies.People);
        locations.MapGet("", ListLocations).WithName("ListLocations");
        locations.MapPost("", CreateLocation).WithName("CreateLocation").RequireAuthorization(Policies.Lead);

        var devices = api.MapGroup("devices").WithTags("Catalogue").RequireAuthorization(Policies.People);
        devices.MapGet("", ListDevices).WithName("ListDevices");
        devices.MapPut("{deviceId}", PutDevice).WithName("PutDevice").WithSummary("Register a device or move it to a location").RequireAuthorization(Policies.Lead);
        return api;
    }

    private static async Task<Ok<List<Brewery>>> ListBreweries(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, slug, name, region FROM breweries ORDER BY name");
        return TypedResults.Ok(await command.ListAsync(r => new Brewery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)), ct));
    }

    private static async Task<Results<Created<Brewery>, ValidationProblem, ProblemHttpResult>> CreateBrewery(NewBrewery body, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Slug is not null && Patterns.Slug().IsMatch(body.Slug), "slug", Patterns.MustBeSlug)
            .Require(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "is required (at most 200 characters)")
            .Require(!string.IsNullOrWhiteSpace(body.Region) && body.Region.Length <= 100, "region", "is required (at most 100 characters)")
            .Require(body.Status is null or "candidate" or "member", "status", "must be candidate or member");
        if (!v.IsValid) return v.Problem();
        await using var command = db.CreateCommand("""
            WITH brewery AS (INSERT INTO breweries (slug, name, region) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING RETURNING id),
                 membership AS (INSERT INTO membership_events (brewery_id, status, effective_on) SELECT id, $4, $5 FROM brewery)
            SELECT id FROM brewery
            """);
        command.Parameters.Add(new() { Value = body.Slug });
        command.Parameters.Add(new() { Value = body.Name!.Trim() });
        command.Parameters.Add(new() { Value = body.Region!.Trim() });
        command.Parameters.Add(new() { Value = body.Status ?? "member" });
        command.Parameters.Add(new() { Value = body.Since ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) });
        if (await command.ExecuteScalarAsync(ct) is not long id) return Problems.Conflict("Brewery exists", $"slug '{body.Slug}' is taken");
        return TypedResults.Created($"/api/v1/breweries/{body.Slug}", new Brewery(id, body.Slug!, body.Name.Trim(), body.Region.Trim()));
    }

    private const string BeerColumns = "b.sku, br.slug, b.collab_brew_id, b.name, b.style, b.abv, b.format, b.units_per_case";

    private static Beer ReadBeer(NpgsqlDataReader r) => new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2),
        r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetDecimal(5), r.GetString(6), r.GetInt32(7));

    private static async Task<Ok<List<Beer>>> ListBeers(string? brewery, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            SELECT {BeerColumns} FROM beers b LEFT JOIN breweries br ON br.id = b.brewery_id
            WHERE $1::text IS NULL OR br.slug = $1 ORDER BY b.sku
            """);
        command.Parameters.Add(new() { Value = (object?)brewery ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return TypedResults.Ok(await command.ListAsync(ReadBeer, ct));
    }

    private static async Task<Results<Ok<Beer>, ProblemHttpResult>> GetBeer(string sku, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {BeerColumns} FROM beers b LEFT JOIN breweries br ON br.id = b.brewery_id WHERE b.sku = $1");
        command.Parameters.Add(new() { Value = sku });
        var beers = await command.ListAsync(ReadBeer, ct);
        return beers.Count == 1 ? TypedResults.Ok(beers[0]) : Problems.NotFound("sku", $"beer {sku}");
    }

    private static async Task<Results<Created<Beer>, ValidationProblem, ProblemHttpResult>> CreateBeer(NewBeer body, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Sku is not null && Patterns.Sku().IsMatch(body.Sku), "sku", Patterns.MustBeSku)
            .Require(!string.IsNullOrWhiteSpace(body.Brewery), "brewery", "is required (a brewery slug)")
            .Require(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "is required (at most 200 characters)")
            .Require(body.Style is null || body.Style.Length <= 100, "style", "must be at most 100 characters")
            .Require(body.Abv is null or (>= 0 and <= 20), "abv", "must be within 0..20")
            .Require(body.Format is not null && Formats.Contains(body.Format), "format", $"must be one of {string.Join(", ", Formats)}")
            .Require(body.UnitsPerCase is >= 1 and <= 48, "unitsPerCase", "must be within 1..48");
        if (!v.IsValid) return v.Problem();
        var breweryId = await Lookup.BreweryIdAsync(db, body.Brewery!, ct);
        if (breweryId is null) return Problems.NotFound("brewery", $"brewery {body.Brewery}");
        var caller = Caller.From(http.User);
        if (!caller.MayMoveBeerOf(breweryId)) return Problems.Forbidden("a brewer adds beers of its own brewery only");
        await using var command = db.CreateCommand("""
            INSERT INTO beers (sku, brewery_id, name, style, abv, format, units_per_case) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (sku) DO NOTHING RETURNING sku
            """);
        command.Parameters.Add(new() { Value = body.Sku });
        command.Parameters.Add(new() { Value = breweryId });
        command.Parameters.Add(new() { Value = body.Name!.Trim() });
        command.Parameters.Add(new() { Value = (object?)body.Style ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)body.Abv ?? DBNull.Value });
        command.Parameters.Add(new() { Value = body.Format });
        command.Parameters.Add(new() { Value = body.UnitsPerCase!.Value });
        if (await command.ExecuteScalarAsync(ct) is null) return Problems.Conflict("Beer exists", $"sku '{body.Sku}' is taken");
        return TypedResults.Created($"/api/v1/beers/{body.Sku}", new Beer(body.Sku!, body.Brewery, null, body.Name.Trim(), body.Style, body.Abv, body.Format!, body.UnitsPerCase.Value));
    }

    private static async Task<Ok<List<Location>>> ListLocations(string? kind, string? region, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT l.id, l.code, l.name, l.kind, l.region, l.address, b.slug FROM locations l LEFT JOIN breweries b ON b.id = l.brewery_id
            WHERE ($1::text IS NULL OR l.kind = $1) AND ($2::text IS NULL OR l.region = $2) ORDER BY l.code
            """);
        command.Parameters.Add(new() { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)region ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return TypedResults.Ok(await command.ListAsync(r => new Location(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)), ct));
    }

    private static async Task<Results<Created<Location>, ValidationProblem, ProblemHttpResult>> CreateLocation(NewLocation body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Code is not null && Patterns.Slug().IsMatch(body.Code), "code", Patterns.MustBeSlug)
            .Require(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "is required (at most 200 characters)")
            .Require(body.Kind is not null && LocationKinds.All.Contains(body.Kind), "kind", $"must be one of {string.Join(", ", LocationKinds.All)}")
            .Require(!string.IsNullOrWhiteSpace(body.Region) && body.Region.Length <= 100, "region", "is required (at most 100 characters)")
            .Require(body.Brewery is null || body.Kind is "brewery" or "warehouse", "brewery", "only a brewery or warehouse belongs to a brewery");
        if (!v.IsValid) return v.Problem();
        long? breweryId = null;
        if (body.Brewery is not null && (breweryId = await Lookup.BreweryIdAsync(db, body.Brewery, ct)) is null)
            return Problems.NotFound("brewery", $"brewery {body.Brewery}");
        await using var command = db.CreateCommand("""
            INSERT INTO locations (code, name, kind, region, address, brewery_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (code) DO NOTHING RETURNING id
            """);
        command.Parameters.Add(new() { Value = body.Code });
        command.Parameters.Add(new() { Value = body.Name!.Trim() });
        command.Parameters.Add(new() { Value = body.Kind });
        command.Parameters.Add(new() { Value = body.Region!.Trim() });
        command.Parameters.Add(new() { Value = (object?)body.Address ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)breweryId ?? DBNull.Value });
        if (await command.ExecuteScalarAsync(ct) is not long id) return Problems.Conflict("Location exists", $"code '{body.Code}' is taken");
        return TypedResults.Created($"/api/v1/locations/{body.Code}", new Location(id, body.Code!, body.Name.Trim(), body.Kind!, body.Region.Trim(), body.Address, body.Brewery));
    }

    private static async Task<Ok<List<Device>>> ListDevices(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT d.device_id, d.kind, l.code, d.reporting_interval_s FROM devices d LEFT JOIN locations l ON l.id = d.location_id ORDER BY d.device_id");
        return TypedResults.Ok(await command.ListAsync(r => new Device(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3)), ct));
    }

    private static async Task<Results<Ok<Device>, ValidationProblem, ProblemHttpResult>> PutDevice(string deviceId, DeviceAssignment body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(Patterns.DeviceId().IsMatch(deviceId), "deviceId", Patterns.MustBeDeviceId)
            .Require(body.Kind is "fridge" or "kiosk", "kind", "must be fridge or kiosk")
            .Require(body.ReportingIntervalSeconds is null or (>= 5 and <= 86400), "reportingIntervalSeconds", "must be within 5..86400");
        if (!v.IsValid) return v.Problem();
        long? locationId = null;
        if (body.Location is not null && (locationId = await Lookup.LocationIdAsync(db, body.Location, ct)) is null)
            return Problems.NotFound("location", $"location {body.Location}");
        await using var command = db.CreateCommand("""
            INSERT INTO devices (device_id, kind, location_id, reporting_interval_s) VALUES ($1, $2, $3, $4)
            ON CONFLICT (device_id) DO UPDATE SET kind = EXCLUDED.kind, location_id = EXCLUDED.location_id, reporting_interval_s = EXCLUDED.reporting_interval_s
            """);
        command.Parameters.Add(new() { Value = deviceId });
        command.Parameters.Add(new() { Value = body.Kind });
        command.Parameters.Add(new() { Value = (object?)locationId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = body.ReportingIntervalSeconds ?? 60 });
        await command.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok(new Device(deviceId, body.Kind!, body.Location, body.ReportingIntervalSeconds ?? 60));
    }
}
