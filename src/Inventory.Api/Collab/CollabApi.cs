using System.Text.Json;
using Collab.Brew;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Inventory.Api.Collab;

public sealed record NewPartner(string? Key, string? Name, string? Role, string? Brewery, string? Takes, string? Location);
public sealed record NewCollabBrew(string? Code, string? Name, string? HostBrewery, string? HostLocation, DateOnly? BrewDate, decimal? PlannedVolumeLitres,
    List<RecipeItem>? Recipe, string? Agreement, Dictionary<string, int>? FixedSharesBasisPoints, List<NewPartner?>? Partners);
public sealed record NewContribution(string? Partner, string? Kind, string? Description, long? Cents, decimal? Quantity, string? Unit, long? UnitCostCents, decimal? Hours, long? RateCents);
public sealed record StatusChange(string? Status);
public sealed record PackagingRequest(decimal? BrewedLitres, List<PackagingLine?>? Lines);

public sealed record CollabPartnerView(string Key, string Name, string Role, string? Brewery, string Takes, string? Location, long ContributedCents);
public sealed record CollabBrewView(string Code, string Name, string HostBrewery, string HostLocation, DateOnly BrewDate, decimal PlannedVolumeLitres,
    string Status, string Agreement, IReadOnlyDictionary<string, int>? FixedSharesBasisPoints, string LotCode, IReadOnlyList<RecipeItem> Recipe,
    IReadOnlyList<CollabPartnerView> Partners, IReadOnlyList<ContributionView> Contributions, PackagingResult? Packaging);
public sealed record ContributionView(long Id, string Partner, string Kind, string Description, long ValueCents);
public sealed record PackagingPosted(string Code, PackagingResult Packaging, IReadOnlyList<Allotment> Split, IReadOnlyList<PlannedMovement> Movements);
public sealed record SettlementView(string Code, PackagingResult Packaging, IReadOnlyList<Allotment> Split, SettlementResult Settlement);

/// <summary>
/// Collaboration brews: the lead plans and runs them; brewers of partner breweries read theirs. The
/// rules (lifecycle, split, settlement) are Collab.Brew's; this file stores the facts and posts the
/// packaged output into the ledger.
/// </summary>
public static class CollabApi
{
    public static RouteGroupBuilder MapCollabApi(this RouteGroupBuilder api)
    {
        var brews = api.MapGroup("collab-brews").WithTags("Collab brews").RequireAuthorization(Policies.People);
        brews.MapGet("", List).WithName("ListCollabBrews").WithSummary("Collab brews (a brewer sees those its brewery is a partner of)");
        brews.MapGet("{code}", Get).WithName("GetCollabBrew");
        brews.MapGet("{code}/settlement", GetSettlement).WithName("GetCollabSettlement").WithSummary("The split of the output and who owes whom");
        brews.MapPost("", Create).WithName("CreateCollabBrew").RequireAuthorization(Policies.Lead);
        brews.MapPost("{code}/contributions", AddContribution).WithName("AddCollabContribution").RequireAuthorization(Policies.Lead);
        brews.MapPost("{code}/status", ChangeStatus).WithName("ChangeCollabStatus").WithSummary("Move along planned → brewed → fermenting → packaged → released → closed").RequireAuthorization(Policies.Lead);
        brews.MapPost("{code}/packaging", Package).WithName("PackageCollabBrew")
            .WithSummary("Record the packaging run: production at the host and transfers to each partner, once").RequireAuthorization(Policies.Lead);
        return api;
    }

    private static async Task<Ok<List<CollabBrewView>>> List(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var command = db.CreateCommand("""
            SELECT b.code FROM collab_brews b
            WHERE $1::bigint IS NULL OR EXISTS (SELECT 1 FROM collab_partners p WHERE p.brew_id = b.id AND p.brewery_id = $1)
            ORDER BY b.brew_date DESC, b.code
            """);
        command.Parameters.Add(new() { Value = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var views = new List<CollabBrewView>();
        foreach (var code in await command.ListAsync(r => r.GetString(0), ct)) views.Add((await CollabStore.LoadAsync(db, code, ct))!.View());
        return TypedResults.Ok(views);
    }

    private static async Task<Results<Ok<CollabBrewView>, ProblemHttpResult>> Get(string code, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var brew = await VisibleAsync(code, http, db, ct);
        return brew is null ? Problems.NotFound("code", $"collab brew {code}") : TypedResults.Ok(brew.View());
    }

    private static async Task<Results<Ok<SettlementView>, ProblemHttpResult>> GetSettlement(string code, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var brew = await VisibleAsync(code, http, db, ct);
        if (brew is null) return Problems.NotFound("code", $"collab brew {code}");
        if (brew.Packaging is null) return Problems.Conflict("Not packaged yet", $"{code} is {brew.Status}: the settlement follows the packaging run");
        var split = OutputSplit.Split(brew.Partners, brew.Agreement, brew.Contributions, brew.Packaging);
        return TypedResults.Ok(new SettlementView(code, brew.Packaging, split, Settlement.Compute(brew.Partners, brew.Contributions, split)));
    }

    private static async Task<IResult> Create(NewCollabBrew body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Code is not null && Patterns.Slug().IsMatch(body.Code), "code", Patterns.MustBeSlug)
            .Require(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "is required (at most 200 characters)")
            .Require(body.HostBrewery is not null, "hostBrewery", "is required (a brewery slug)")
            .Require(body.HostLocation is not null, "hostLocation", "is required (a location code)")
            .Require(body.BrewDate is not null, "brewDate", "is required")
            .Require(body.PlannedVolumeLitres is > 0 and <= 100_000, "plannedVolumeLitres", "must be within 0..100000 L")
            .Require(body.Agreement is "proportional" or "equal" or "fixed", "agreement", "must be proportional, equal or fixed")
            .Require(body.Partners is { Count: > 0 and <= 30 }, "partners", "must list 1 to 30 partners");
        for (var i = 0; body.Partners is not null && i < body.Partners.Count; i++)
        {
            var p = body.Partners[i];
            v.Require(p?.Key is not null && Patterns.Slug().IsMatch(p.Key), $"partners[{i}].key", Patterns.MustBeSlug)
             .Require(!string.IsNullOrWhiteSpace(p?.Name) && p.Name.Length <= 200, $"partners[{i}].name", "is required (at most 200 characters)")
             .Require(p?.Role is "co_brewer" or "ingredient_supplier" or "designer" or "other", $"partners[{i}].role", "must be co_brewer, ingredient_supplier, designer or other")
             .Require(p?.Takes is "beer" or "cash", $"partners[{i}].takes", "must be beer or cash")
             .Require(p?.Takes != "beer" || p.Location is not null, $"partners[{i}].location", "is required for a partner taking beer");
        }
        if (!v.IsValid) return v.Problem();
        var partners = body.Partners!.Select(p => p!).ToList();
        if (partners.Select(p => p.Key).Distinct().Count() != partners.Count) return Problems.Invalid("partners", "keys must be distinct");
        SharingAgreement agreement = body.Agreement switch
        {
            "proportional" => new SharingAgreement.ProportionalToContribution(),
            "equal" => new SharingAgreement.EqualShares(),
            _ => new SharingAgreement.FixedPercentages(body.FixedSharesBasisPoints ?? []),
        };
        if (agreement.Problem(partners.Select(p => new Partner(p.Key!, p.Name!, PartnerRole.Other, false, new ShareTaking.InCash())).ToList()) is { } problem)
            return Problems.Invalid("fixedSharesBasisPoints", problem);

        var hostBrewery = await Lookup.BreweryIdAsync(db, body.HostBrewery!, ct);
        if (hostBrewery is null) return Problems.NotFound("hostBrewery", $"brewery {body.HostBrewery}");
        var hostLocation = await Lookup.LocationIdAsync(db, body.HostLocation!, ct);
        if (hostLocation is null) return Problems.NotFound("hostLocation", $"location {body.HostLocation}");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO collab_brews (code, name, host_brewery_id, host_location_id, brew_date, planned_volume_l, recipe, agreement_kind, fixed_shares_bp, lot_code)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10) ON CONFLICT (code) DO NOTHING RETURNING id
            """, connection, tx))
        {
            insert.Parameters.Add(new() { Value = body.Code });
            insert.Parameters.Add(new() { Value = body.Name!.Trim() });
            insert.Parameters.Add(new() { Value = hostBrewery.Value });
            insert.Parameters.Add(new() { Value = hostLocation.Value });
            insert.Parameters.Add(new() { Value = body.BrewDate!.Value });
            insert.Parameters.Add(new() { Value = body.PlannedVolumeLitres!.Value });
            insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(body.Recipe ?? [], Json.Options) });
            insert.Parameters.Add(new() { Value = body.Agreement });
            insert.Parameters.Add(new() { Value = body.Agreement == "fixed" ? JsonSerializer.Serialize(body.FixedSharesBasisPoints) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = $"{body.Code!.ToUpperInvariant()}-{body.BrewDate:yyyyMMdd}" });
            if (await insert.ExecuteScalarAsync(ct) is not long brewId) return Problems.Conflict("Collab brew exists", $"code '{body.Code}' is taken");
            for (var i = 0; i < partners.Count; i++)
            {
                var p = partners[i];
                long? breweryId = null, locationId = null;
                if (p.Brewery is not null && (breweryId = await Lookup.BreweryIdAsync(connection, p.Brewery, ct)) is null) return Problems.NotFound($"partners[{i}].brewery", $"brewery {p.Brewery}");
                if (p.Location is not null && (locationId = await Lookup.LocationIdAsync(connection, p.Location, ct)) is null) return Problems.NotFound($"partners[{i}].location", $"location {p.Location}");
                await using var partner = new NpgsqlCommand("INSERT INTO collab_partners (brew_id, key, name, role, brewery_id, takes, location_id) VALUES ($1, $2, $3, $4, $5, $6, $7)", connection, tx);
                partner.Parameters.Add(new() { Value = brewId });
                partner.Parameters.Add(new() { Value = p.Key });
                partner.Parameters.Add(new() { Value = p.Name!.Trim() });
                partner.Parameters.Add(new() { Value = p.Role });
                partner.Parameters.Add(new() { Value = (object?)breweryId ?? DBNull.Value });
                partner.Parameters.Add(new() { Value = p.Takes });
                partner.Parameters.Add(new() { Value = p.Takes == "beer" ? locationId!.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
                await partner.ExecuteNonQueryAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/collab-brews/{body.Code}", (await CollabStore.LoadAsync(connection, body.Code!, ct))!.View());
    }

    private static async Task<IResult> AddContribution(string code, NewContribution body, NpgsqlDataSource db, CancellationToken ct)
    {
        var brew = await CollabStore.LoadAsync(db, code, ct);
        if (brew is null) return Problems.NotFound("code", $"collab brew {code}");
        var v = new Validator()
            .Require(body.Partner is not null && brew.Partners.Any(p => p.Key == body.Partner), "partner", "must be a partner of the brew")
            .Require(!string.IsNullOrWhiteSpace(body.Description) && body.Description.Length <= 500, "description", "is required (at most 500 characters)")
            .Require(body.Kind is "cash" or "ingredient" or "labour" or "host_fee" or "design", "kind", "must be cash, ingredient, labour, host_fee or design");
        switch (body.Kind)
        {
            case "cash" or "host_fee" or "design": v.Require(body.Cents is >= 0 and <= 100_000_000, "cents", "is required, 0..100000000"); break;
            case "ingredient":
                v.Require(body.Quantity is > 0 and <= 1_000_000, "quantity", "is required, more than 0")
                 .Require(!string.IsNullOrWhiteSpace(body.Unit) && body.Unit.Length <= 20, "unit", "is required (kg, L, units …; at most 20 characters)")
                 .Require(body.UnitCostCents is >= 0 and <= 10_000_000, "unitCostCents", "is required, 0..10000000");
                break;
            case "labour":
                v.Require(body.Hours is > 0 and <= 10_000, "hours", "is required, more than 0")
                 .Require(body.RateCents is >= 0 and <= 1_000_000, "rateCents", "is required, 0..1000000");
                break;
        }
        if (!v.IsValid) return v.Problem();
        if (brew.Status is BrewStatus.Released or BrewStatus.Closed)
            return Problems.Conflict("Brew settled", $"{code} is {Lifecycle.Name(brew.Status)}: contributions are closed");
        await using var command = db.CreateCommand("""
            INSERT INTO collab_contributions (brew_id, partner_key, kind, description, cents, quantity, unit, unit_cost_cents, hours, rate_cents)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
            """);
        command.Parameters.Add(new() { Value = brew.Id });
        command.Parameters.Add(new() { Value = body.Partner });
        command.Parameters.Add(new() { Value = body.Kind });
        command.Parameters.Add(new() { Value = body.Description!.Trim() });
        command.Parameters.Add(new() { Value = (object?)body.Cents ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = (object?)body.Quantity ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
        command.Parameters.Add(new() { Value = (object?)body.Unit ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)body.UnitCostCents ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = (object?)body.Hours ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
        command.Parameters.Add(new() { Value = (object?)body.RateCents ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var id = (long)(await command.ExecuteScalarAsync(ct))!;
        var saved = (await CollabStore.LoadAsync(db, code, ct))!;
        return TypedResults.Created($"/api/v1/collab-brews/{code}", saved.View().Contributions.Single(c => c.Id == id));
    }

    private static async Task<IResult> ChangeStatus(string code, StatusChange body, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Lifecycle.TryParse(body.Status, out var to)) return Problems.Invalid("status", "must be planned, brewed, fermenting, packaged, released or closed");
        if (to == BrewStatus.Packaged) return Problems.Invalid("status", "a brew becomes packaged by its packaging run (POST …/packaging)");
        var brew = await CollabStore.LoadAsync(db, code, ct);
        if (brew is null) return Problems.NotFound("code", $"collab brew {code}");
        try { Lifecycle.Move(brew.Status, to); }
        catch (InvalidTransitionException e) { return Problems.Conflict("Invalid transition", e.Message, new Dictionary<string, object?> { ["field"] = "status" }); }
        // Compare-and-set on the old status: two people moving the same brew at once cannot both win.
        await using var command = db.CreateCommand("UPDATE collab_brews SET status = $3 WHERE code = $1 AND status = $2");
        command.Parameters.Add(new() { Value = code });
        command.Parameters.Add(new() { Value = Lifecycle.Name(brew.Status) });
        command.Parameters.Add(new() { Value = Lifecycle.Name(to) });
        if (await command.ExecuteNonQueryAsync(ct) == 0) return Problems.Conflict("Changed meanwhile", $"{code} changed status meanwhile; reload and try again");
        return TypedResults.Ok((await CollabStore.LoadAsync(db, code, ct))!.View());
    }

    private static async Task<IResult> Package(string code, PackagingRequest body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.BrewedLitres is > 0 and <= 100_000, "brewedLitres", "is required, more than 0")
            .Require(body.Lines is { Count: > 0 and <= 20 }, "lines", "must list 1 to 20 SKUs");
        for (var i = 0; body.Lines is not null && i < body.Lines.Count; i++)
        {
            var line = body.Lines[i];
            v.Require(line?.Sku is not null && Patterns.Sku().IsMatch(line.Sku), $"lines[{i}].sku", Patterns.MustBeSku)
             .Require(line?.Format is not null && PackageFormats.All.Contains(line.Format), $"lines[{i}].format", $"must be one of {string.Join(", ", PackageFormats.All)}")
             .Require(line?.Litres is >= 0, $"lines[{i}].litres", "is required, 0 or more");
        }
        if (!v.IsValid) return v.Problem();

        // Once per brew: a replay (same run) returns the first answer and moves nothing; another run is a 422.
        return await Idempotency.RunAsync(db, "collab-packaging", code, body, async (c, tx, token) =>
        {
            var brew = await CollabStore.LoadAsync(c, code, token) ?? throw new DomainProblem(Problems.NotFound("code", $"collab brew {code}"));
            if (!Lifecycle.IsAllowed(brew.Status, BrewStatus.Packaged))
                throw new DomainProblem(Problems.Conflict("Invalid transition", $"{code} is {Lifecycle.Name(brew.Status)}: only a fermenting brew is packaged"));
            PackagingResult packaging;
            IReadOnlyList<Allotment> split;
            try
            {
                packaging = Packaging.Run(brew.PlannedLitres, body.BrewedLitres!.Value, body.Lines!.Select(l => l!).ToList());
                split = OutputSplit.Split(brew.Partners, brew.Agreement, brew.Contributions, packaging);
            }
            catch (Exception e) when (e is ArgumentException or CollabRuleException)
            {
                throw new DomainProblem(Problems.Unprocessable("lines", e.Message));
            }
            var plan = LedgerPlan.For(brew.HostLocation, brew.LotCode, brew.Partners, packaging, split);
            await CollabStore.SavePackagingAsync(c, tx, brew, body, packaging, token);
            foreach (var m in plan)
            {
                var from = m.FromLocation is null ? (long?)null : await Lookup.LocationIdAsync(c, m.FromLocation, token);
                var to = await Lookup.LocationIdAsync(c, m.ToLocation, token);
                await Ledger.PostAsync(c, tx, new MovementToPost(m.Kind, m.Sku, m.LotCode, m.Units, from, to, DateTimeOffset.UtcNow,
                    $"collab:{code}", $"collab brew {brew.Name}"), allowShortfall: false, token);
            }
            return (StatusCodes.Status201Created, new PackagingPosted(code, packaging, split, plan));
        }, ct);
    }

    /// <summary>The brew, if the caller may see it: the lead sees all, a brewer those its brewery is a partner of.</summary>
    private static async Task<CollabBrew?> VisibleAsync(string code, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var brew = await CollabStore.LoadAsync(db, code, ct);
        var caller = Caller.From(http.User);
        return brew is not null && (caller.IsLead || brew.PartnerBreweryIds.Contains(caller.BreweryId ?? -1)) ? brew : null;
    }
}
