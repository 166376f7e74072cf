using Collab.Brew;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Collab;

/// <summary>Collab brews as a caller may see them: the lead sees all, a brewer those its brewery is a partner of.</summary>
public sealed class CollabQueries(NpgsqlDataSource db)
{
    public async Task<List<CollabBrew>> VisibleAsync(Caller caller, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT b.code FROM collab_brews b
            WHERE $1::bigint IS NULL OR EXISTS (SELECT 1 FROM collab_partners p WHERE p.brew_id = b.id AND p.brewery_id = $1)
            ORDER BY b.brew_date DESC, b.code
            """, Visibility.OnlyBrewery(caller));
        var brews = new List<CollabBrew>();
        foreach (var code in await command.ListAsync(r => r.GetString(0), ct)) brews.Add((await CollabStore.LoadAsync(db, code, ct))!);
        return brews;
    }

    /// <summary>The brew if the caller may see it; a 404 otherwise (another brewery's brew is not said to exist).</summary>
    public async Task<CollabBrew> GetVisibleAsync(string code, Caller caller, CancellationToken ct)
    {
        var brew = await CollabStore.LoadAsync(db, code, ct);
        return brew is not null && (caller.IsLead || brew.PartnerBreweryIds.Contains(caller.BreweryId ?? -1))
            ? brew
            : throw new DomainProblem(Problems.NotFound("code", $"collab brew {code}"));
    }

    /// <summary>The split of a packaged brew's output and who owes whom; null before the packaging run.</summary>
    public static SettlementView? Settlement(CollabBrew brew)
    {
        if (brew.Packaging is null) return null;
        var split = OutputSplit.Split(brew.Partners, brew.Agreement, brew.Contributions, brew.Packaging);
        return new SettlementView(brew.Code, brew.Packaging, split, global::Collab.Brew.Settlement.Compute(brew.Partners, brew.Contributions, split));
    }
}
