using System.Text.Json;
using Collab.Brew;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.Collab;

/// <summary>
/// Running collab brews (the lead): planning one with its partners, recording contributions, moving it
/// along its lifecycle, and the packaging run that posts the output into the ledger. The rules
/// (lifecycle, split, settlement) are Collab.Brew's; this class stores the facts.
/// </summary>
public sealed class CollabCommands(NpgsqlDataSource db, TimeProvider time)
{
    public async Task<CollabBrewView> CreateAsync(NewCollabBrew body, CancellationToken ct)
    {
        var hostBrewery = await Lookup.BreweryIdAsync(db, body.HostBrewery!, ct) ?? throw new DomainProblem(Problems.NotFound("hostBrewery", $"brewery {body.HostBrewery}"));
        var hostLocation = await Lookup.LocationIdAsync(db, body.HostLocation!, ct) ?? throw new DomainProblem(Problems.NotFound("hostLocation", $"location {body.HostLocation}"));

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = connection.Command(tx, """
            INSERT INTO collab_brews (code, name, host_brewery_id, host_location_id, brew_date, planned_volume_l, recipe, agreement_kind, fixed_shares_bp, lot_code)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10) ON CONFLICT (code) DO NOTHING RETURNING id
            """,
            /* $1 */ body.Code,
            /* $2 */ body.Name!.Trim(),
            /* $3 */ hostBrewery,
            /* $4 */ hostLocation,
            /* $5 */ body.BrewDate!.Value,
            /* $6 */ body.PlannedVolumeLitres!.Value,
            /* $7 */ JsonSerializer.Serialize(body.Recipe ?? [], Json.Options),
            /* $8 */ body.Agreement,
            /* $9 */ Db.Typed(body.Agreement == "fixed" ? JsonSerializer.Serialize(body.FixedSharesBasisPoints) : null, NpgsqlTypes.NpgsqlDbType.Text),
            /* $10 */ $"{body.Code!.ToUpperInvariant()}-{body.BrewDate:yyyyMMdd}"))
        {
            if (await insert.ExecuteScalarAsync(ct) is not long brewId) throw new DomainProblem(Problems.Conflict("Collab brew exists", $"code '{body.Code}' is taken"));
            for (var i = 0; i < body.Partners!.Count; i++)
            {
                var p = body.Partners[i]!;
                long? breweryId = null, locationId = null;
                if (p.Brewery is not null && (breweryId = await Lookup.BreweryIdAsync(connection, p.Brewery, ct)) is null)
                    throw new DomainProblem(Problems.NotFound($"partners[{i}].brewery", $"brewery {p.Brewery}"));
                if (p.Location is not null && (locationId = await Lookup.LocationIdAsync(connection, p.Location, ct)) is null)
                    throw new DomainProblem(Problems.NotFound($"partners[{i}].location", $"location {p.Location}"));
                await using var partner = connection.Command(tx, "INSERT INTO collab_partners (brew_id, key, name, role, brewery_id, takes, location_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    /* $1 */ brewId,
                    /* $2 */ p.Key,
                    /* $3 */ p.Name!.Trim(),
                    /* $4 */ p.Role,
                    /* $5 */ Db.Typed(breweryId, NpgsqlTypes.NpgsqlDbType.Bigint),
                    /* $6 */ p.Takes,
                    /* $7 */ Db.Typed(p.Takes == "beer" ? locationId : null, NpgsqlTypes.NpgsqlDbType.Bigint));
                await partner.ExecuteNonQueryAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
        return (await CollabStore.LoadAsync(connection, body.Code!, ct))!.View();
    }

    public async Task<ContributionView> AddContributionAsync(string code, NewContribution body, CancellationToken ct)
    {
        var brew = await CollabStore.LoadAsync(db, code, ct) ?? throw new DomainProblem(Problems.NotFound("code", $"collab brew {code}"));
        if (!brew.Partners.Any(p => p.Key == body.Partner)) throw new DomainProblem(Problems.Invalid("partner", "must be a partner of the brew"));
        if (brew.Status >= BrewStatus.Packaged) throw ContributionsClosed(code, brew.Status);
        // Only while the brew is not packaged, checked in the insert itself: a packaging in progress holds the brew's
        // row, so a contribution racing it waits and then finds it packaged, never slipping in after the split.
        await using var command = db.Command("""
            INSERT INTO collab_contributions (brew_id, partner_key, kind, description, cents, quantity, unit, unit_cost_cents, hours, rate_cents)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM collab_brews
            WHERE id = $1 AND status IN ('planned', 'brewed', 'fermenting') FOR SHARE
            RETURNING id
            """,
            /* $1 */ brew.Id,
            /* $2 */ body.Partner,
            /* $3 */ body.Kind,
            /* $4 */ body.Description!.Trim(),
            /* $5 */ Db.Typed(body.Cents, NpgsqlTypes.NpgsqlDbType.Bigint),
            /* $6 */ Db.Typed(body.Quantity, NpgsqlTypes.NpgsqlDbType.Numeric),
            /* $7 */ Db.Typed(body.Unit, NpgsqlTypes.NpgsqlDbType.Text),
            /* $8 */ Db.Typed(body.UnitCostCents, NpgsqlTypes.NpgsqlDbType.Bigint),
            /* $9 */ Db.Typed(body.Hours, NpgsqlTypes.NpgsqlDbType.Numeric),
            /* $10 */ Db.Typed(body.RateCents, NpgsqlTypes.NpgsqlDbType.Bigint));
        if (await command.ExecuteScalarAsync(ct) is not long id) throw ContributionsClosed(code, BrewStatus.Packaged);
        return (await CollabStore.LoadAsync(db, code, ct))!.View().Contributions.Single(c => c.Id == id);
    }

    /// <summary>
    /// Contributions close at packaging: the output is split by them then, and the partners take their shares. A cost
    /// found later is settled between the partners outside the brew, never by re-splitting what they already took.
    /// </summary>
    private static DomainProblem ContributionsClosed(string code, BrewStatus status) =>
        new(Problems.Conflict("Contributions closed", $"{code} is {Lifecycle.Name(status)}: contributions closed at packaging, when the output was split"));

    public async Task<CollabBrewView> ChangeStatusAsync(string code, CollabStatusChange body, CancellationToken ct)
    {
        Lifecycle.TryParse(body.Status, out var to);
        var brew = await CollabStore.LoadAsync(db, code, ct) ?? throw new DomainProblem(Problems.NotFound("code", $"collab brew {code}"));
        try { Lifecycle.Move(brew.Status, to); }
        catch (InvalidTransitionException e) { throw new DomainProblem(Problems.Conflict("Invalid transition", e.Message, new Dictionary<string, object?> { ["field"] = "status" })); }
        // Compare-and-set on the old status: two people moving the same brew at once cannot both win.
        await using var command = db.Command("UPDATE collab_brews SET status = $3 WHERE code = $1 AND status = $2", code, Lifecycle.Name(brew.Status), Lifecycle.Name(to));
        if (await command.ExecuteNonQueryAsync(ct) == 0) throw new DomainProblem(Problems.Conflict("Changed meanwhile", $"{code} changed status meanwhile; reload and try again"));
        return (await CollabStore.LoadAsync(db, code, ct))!.View();
    }

    /// <summary>Once per brew: a replay (same run) returns the first answer and moves nothing; another run is a 422.</summary>
    public Task<IResult> PackageAsync(string code, PackagingRequest body, CancellationToken ct) =>
        Idempotency.RunAsync(db, "collab-packaging", code, body, async (c, tx, token) =>
        {
            // The brew's row is held until the split is posted: no contribution lands between reading them and splitting.
            await using (var hold = c.Command(tx, "SELECT 1 FROM collab_brews WHERE code = $1 FOR UPDATE", code))
                await hold.ExecuteNonQueryAsync(token);
            var brew = await CollabStore.LoadAsync(c, code, token) ?? throw new DomainProblem(Problems.NotFound("code", $"collab brew {code}"));
            if (!Lifecycle.IsAllowed(brew.Status, BrewStatus.Packaged))
                throw new DomainProblem(Problems.Conflict("Invalid transition", $"{code} is {Lifecycle.Name(brew.Status)}: only a fermenting brew is packaged"));
            PackagingResult packaging;
            IReadOnlyList<Allotment> split;
            IReadOnlyList<PlannedMovement> plan;
            try
            {
                packaging = Packaging.Run(brew.PlannedLitres, body.BrewedLitres!.Value, body.Lines!.Select(l => l!).ToList());
                split = OutputSplit.Split(brew.Partners, brew.Agreement, brew.Contributions, packaging);
                plan = LedgerPlan.For(brew.HostLocation, brew.HostKey ?? "", brew.LotCode, brew.Partners, packaging, split);
            }
            catch (Exception e) when (e is ArgumentException or CollabRuleException)
            {
                throw new DomainProblem(Problems.Unprocessable("lines", e.Message));
            }
            await CollabStore.SavePackagingAsync(c, tx, brew, body, packaging, split, token);
            var at = time.GetUtcNow();
            foreach (var m in plan)
            {
                var from = m.FromLocation is null ? (long?)null : await Lookup.LocationIdAsync(c, m.FromLocation, token);
                var to = await Lookup.LocationIdAsync(c, m.ToLocation, token);
                await Ledger.PostAsync(c, tx, new MovementToPost(m.Kind, m.Sku, m.LotCode, m.Units, from, to, at, $"collab:{code}", $"collab brew {brew.Name}"), allowShortfall: false, token);
            }
            return (StatusCodes.Status201Created, new PackagingPosted(code, packaging, split, plan));
        }, ct);
}
