using System.Text.Json;
using Collab.Brew;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Collab;

/// <summary>A collab brew as stored, turned into Collab.Brew's types.</summary>
public sealed record CollabBrew(
    long Id, string Code, string Name, long HostBreweryId, string HostBrewery, string HostLocation, DateOnly BrewDate, decimal PlannedLitres,
    BrewStatus Status, string AgreementKind, Dictionary<string, int>? FixedShares, string LotCode, IReadOnlyList<RecipeItem> Recipe,
    IReadOnlyList<Partner> Partners, IReadOnlyList<CollabPartnerView> PartnerViews, IReadOnlyList<(long Id, string Kind, Contribution Contribution)> StoredContributions,
    PackagingResult? Packaging)
{
    public SharingAgreement Agreement => AgreementKind switch
    {
        "proportional" => new SharingAgreement.ProportionalToContribution(),
        "equal" => new SharingAgreement.EqualShares(),
        _ => new SharingAgreement.FixedPercentages(FixedShares ?? []),
    };

    public IReadOnlyList<Contribution> Contributions => StoredContributions.Select(c => c.Contribution).ToList();

    public IReadOnlySet<long> PartnerBreweryIds { get; init; } = new HashSet<long>();

    /// <summary>Each member brewery partner's brewery, by partner key.</summary>
    public IReadOnlyDictionary<string, long> PartnerBreweries { get; init; } = new Dictionary<string, long>();

    /// <summary>The host's key among the partners (null when the host brews for the others without a share).</summary>
    public string? HostKey => PartnerBreweries.Where(p => p.Value == HostBreweryId).Select(p => p.Key).FirstOrDefault();

    public CollabBrewView View() => new(Code, Name, HostBrewery, HostLocation, BrewDate, PlannedLitres, Lifecycle.Name(Status), AgreementKind, FixedShares, LotCode, Recipe,
        PartnerViews.Select(p => p with { ContributedCents = Contributions.Where(c => c.PartnerKey == p.Key).Sum(c => c.ValueCents) }).ToList(),
        StoredContributions.Select(c => new ContributionView(c.Id, c.Contribution.PartnerKey, c.Kind, c.Contribution.Description, c.Contribution.ValueCents)).ToList(),
        Packaging);
}

public static class CollabStore
{
    public static async Task<CollabBrew?> LoadAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, code, ct);
    }

    public static async Task<CollabBrew?> LoadAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        await using var brewCommand = new NpgsqlCommand("""
            SELECT b.id, b.code, b.name, b.host_brewery_id, hb.slug, hl.code, b.brew_date, b.planned_volume_l, b.status, b.agreement_kind,
                   b.fixed_shares_bp::text, b.lot_code, b.recipe::text, b.packaging::text
            FROM collab_brews b JOIN breweries hb ON hb.id = b.host_brewery_id JOIN locations hl ON hl.id = b.host_location_id
            WHERE b.code = $1
            """, connection);
        brewCommand.Parameters.Add(new() { Value = code });
        var rows = await brewCommand.ListAsync(r => (Id: r.GetInt64(0), Code: r.GetString(1), Name: r.GetString(2), HostBreweryId: r.GetInt64(3), HostBrewery: r.GetString(4),
            HostLocation: r.GetString(5), BrewDate: r.GetFieldValue<DateOnly>(6), Planned: r.GetDecimal(7), Status: r.GetString(8), Agreement: r.GetString(9),
            Fixed: r.IsDBNull(10) ? null : r.GetString(10), Lot: r.GetString(11), Recipe: r.GetString(12), Packaging: r.IsDBNull(13) ? null : r.GetString(13)), ct);
        if (rows.Count == 0) return null;
        var b = rows[0];

        await using var partnerCommand = new NpgsqlCommand("""
            SELECT p.key, p.name, p.role, br.slug, p.takes, l.code, p.brewery_id
            FROM collab_partners p LEFT JOIN breweries br ON br.id = p.brewery_id LEFT JOIN locations l ON l.id = p.location_id
            WHERE p.brew_id = $1 ORDER BY p.key
            """, connection);
        partnerCommand.Parameters.Add(new() { Value = b.Id });
        var partnerRows = await partnerCommand.ListAsync(r => (Key: r.GetString(0), Name: r.GetString(1), Role: r.GetString(2), Brewery: r.IsDBNull(3) ? null : r.GetString(3),
            Takes: r.GetString(4), Location: r.IsDBNull(5) ? null : r.GetString(5), BreweryId: r.IsDBNull(6) ? (long?)null : r.GetInt64(6)), ct);
        var partners = partnerRows.Select(p => new Partner(p.Key, p.Name, Role(p.Role), p.Brewery is not null,
            p.Takes == "beer" ? new ShareTaking.InBeer(p.Location!) : new ShareTaking.InCash())).ToList();

        await using var contributionCommand = new NpgsqlCommand("""
            SELECT id, partner_key, kind, description, cents, quantity, unit, unit_cost_cents, hours, rate_cents
            FROM collab_contributions WHERE brew_id = $1 ORDER BY id
            """, connection);
        contributionCommand.Parameters.Add(new() { Value = b.Id });
        var contributions = await contributionCommand.ListAsync(r =>
        {
            var (partner, kind, description) = (r.GetString(1), r.GetString(2), r.GetString(3));
            Contribution c = kind switch
            {
                "cash" => new Contribution.Cash(partner, description, r.GetInt64(4)),
                "host_fee" => new Contribution.HostFee(partner, description, r.GetInt64(4)),
                "design" => new Contribution.Design(partner, description, r.GetInt64(4)),
                "ingredient" => new Contribution.Ingredient(partner, description, r.GetDecimal(5), r.GetString(6), r.GetInt64(7)),
                _ => new Contribution.Labour(partner, description, r.GetDecimal(8), r.GetInt64(9)),
            };
            return (r.GetInt64(0), kind, c);
        }, ct);

        PackagingResult? packaging = null;
        if (b.Packaging is not null)
        {
            var request = JsonSerializer.Deserialize<PackagingRequest>(b.Packaging, Json.Options)!;
            packaging = Packaging.Run(b.Planned, request.BrewedLitres!.Value, request.Lines!.Select(l => l!).ToList());
        }
        Lifecycle.TryParse(b.Status, out var status);
        return new CollabBrew(b.Id, b.Code, b.Name, b.HostBreweryId, b.HostBrewery, b.HostLocation, b.BrewDate, b.Planned, status, b.Agreement,
            b.Fixed is null ? null : JsonSerializer.Deserialize<Dictionary<string, int>>(b.Fixed), b.Lot,
            JsonSerializer.Deserialize<List<RecipeItem>>(b.Recipe, Json.Options) ?? [], partners,
            partnerRows.Select(p => new CollabPartnerView(p.Key, p.Name, p.Role, p.Brewery, p.Takes, p.Location, 0)).ToList(), contributions, packaging)
        {
            PartnerBreweryIds = partnerRows.Where(p => p.BreweryId is not null).Select(p => p.BreweryId!.Value).Append(b.HostBreweryId).ToHashSet(),
            PartnerBreweries = partnerRows.Where(p => p.BreweryId is not null).ToDictionary(p => p.Key, p => p.BreweryId!.Value),
        };
    }

    /// <summary>
    /// Registers the brew's SKUs as collab beers (when new): each packaged SKU as the host's, and each member partner's
    /// part as that brewery's own beer (<see cref="LedgerPlan.ShareSku"/>); then marks the brew packaged.
    /// </summary>
    public static async Task SavePackagingAsync(NpgsqlConnection c, NpgsqlTransaction tx, CollabBrew brew, PackagingRequest request, PackagingResult packaging,
        IReadOnlyList<Allotment> split, CancellationToken ct)
    {
        var formats = packaging.Skus.ToDictionary(s => s.Sku, s => s.Format, StringComparer.Ordinal);
        var parts = split.Select(a => (Sku: LedgerPlan.ShareSku(a.Sku, brew.Partners.Single(p => p.Key == a.PartnerKey), brew.HostKey ?? ""), Format: formats[a.Sku],
                Brewery: brew.PartnerBreweries.GetValueOrDefault(a.PartnerKey)))
            .Where(p => !formats.ContainsKey(p.Sku)); // a member partner's own SKU (the host's and others' parts are the packaged SKU)
        var owners = packaging.Skus.Select(s => (s.Sku, s.Format, Brewery: brew.HostBreweryId)).Concat(parts);
        foreach (var (sku, format, breweryId) in owners)
        {
            await using var beer = c.Command(tx, """
                INSERT INTO beers (sku, brewery_id, collab_brew_id, name, format, units_per_case) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (sku) DO NOTHING
                """,
                /* $1 */ sku,
                /* $2 */ breweryId,
                /* $3 */ brew.Id,
                /* $4 */ $"{brew.Name} ({format})",
                /* $5 */ format,
                /* $6 */ format.StartsWith("keg", StringComparison.Ordinal) ? 1 : 24);
            await beer.ExecuteNonQueryAsync(ct);
            // A SKU registered before (by another brew, or as a beer of the catalogue) must be this brewery's, in this format.
            await using var check = c.Command(tx, "SELECT format = $2 AND brewery_id = $3 FROM beers WHERE sku = $1", sku, format, breweryId);
            if (!(bool)(await check.ExecuteScalarAsync(ct))!)
                throw new DomainProblem(Problems.Unprocessable("lines", $"{sku} exists already as another beer"));
        }
        await using var update = c.Command(tx, "UPDATE collab_brews SET packaging = $2::jsonb, status = 'packaged' WHERE id = $1 AND status = 'fermenting'", brew.Id, JsonSerializer.Serialize(request, Json.Options));
        if (await update.ExecuteNonQueryAsync(ct) == 0) throw new DomainProblem(Problems.Conflict("Changed meanwhile", $"{brew.Code} changed status meanwhile"));
    }

    private static PartnerRole Role(string role) => role switch
    {
        "co_brewer" => PartnerRole.CoBrewer,
        "ingredient_supplier" => PartnerRole.IngredientSupplier,
        "designer" => PartnerRole.Designer,
        _ => PartnerRole.Other,
    };
}
