using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <summary>After the event: what each kiosk sent back, and what is neither sold nor sent back, as loss.</summary>
public sealed partial class FestivalCommands
{
    /// <summary>After the event: returns posted, and what is neither sold nor sent back posted as loss; once per festival.</summary>
    public async Task<IResult> ReconcileAsync(string code, Reconciliation body, CancellationToken ct)
    {
        var festival = await festivals.GetAsync(code, ct);
        return await Idempotency.RunAsync(db, "festival-reconciliation", code, body,
            async (c, tx, token) => (StatusCodes.Status201Created, await ReconcileInAsync(c, tx, festival, body.Returns ?? [], token)), ct);
    }

    /// <summary>
    /// What the reconciliation would post, by the very same code, in a transaction rolled back: the lines (sent, sold,
    /// returned, lost) a lead reads before posting; nothing is kept. A festival reconciled already is a 409.
    /// </summary>
    public async Task<List<ReconciledLine>> PreviewReconciliationAsync(string code, Reconciliation body, CancellationToken ct)
    {
        var festival = await festivals.GetAsync(code, ct);
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var done = c.Command(tx, "SELECT reconciled_at IS NOT NULL FROM festivals WHERE code = $1", code))
            if (await done.ExecuteScalarAsync(ct) is true)
                throw new DomainProblem(Problems.Conflict("Reconciled already", $"{festival.Name} is reconciled already: its results are on its page"));
        var lines = await ReconcileInAsync(c, tx, festival, body.Returns ?? [], ct);
        await tx.RollbackAsync(ct);
        return lines;
    }

    private async Task<List<ReconciledLine>> ReconcileInAsync(NpgsqlConnection c, NpgsqlTransaction tx, FestivalView festival, List<ReturnLine?> returns, CancellationToken token)
    {
        // A kiosk's sale and the reconciliation never interleave: the kiosks (and where their beer goes back) are held
        // before the flows are read, so a sale either is in them or, arriving after, finds the loss to give back.
        var places = new List<long>();
        foreach (var code in festival.Kiosks.Select(k => k.Location).Concat(returns.Select(r => r?.To).OfType<string>()))
            if (await Lookup.LocationIdAsync(c, code, token) is { } id) places.Add(id);
        await ShelfLedger.LockPlacesAsync(c, tx, places, token);
        var at = time.GetUtcNow();
        for (var i = 0; i < returns.Count; i++)
        {
            var r = returns[i]!;
            var kiosk = festival.Kiosks.SingleOrDefault(k => k.Code == r.Kiosk) ?? throw new DomainProblem(Problems.NotFound($"returns[{i}].kiosk", $"kiosk {r.Kiosk}"));
            var from = await Lookup.LocationIdAsync(c, kiosk.Location, token);
            var to = await Lookup.LocationIdAsync(c, r.To!, token) ?? throw new DomainProblem(Problems.NotFound($"returns[{i}].to", $"location {r.To}"));
            await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Return, r.Sku!, null, r.Units!.Value, from, to, at, "festival-reconciliation", $"return after {festival.Name}"), allowShortfall: false, token);
        }
        // From now on a fact learnt of late at one of its kiosks keeps the loss equal to what the facts leave unexplained.
        await using (var reconciled = c.Command(tx, "UPDATE festivals SET reconciled_at = $2 WHERE code = $1", festival.Code, at.UtcDateTime))
            await reconciled.ExecuteNonQueryAsync(token);
        var lines = new List<ReconciledLine>();
        foreach (var flow in await FestivalQueries.FlowsAsync(c, tx, festival.Code, token))
        {
            // What is neither sold, sent back nor found missing by a count was lost (drunk by volunteers, broken, warm).
            var kioskId = await Lookup.LocationIdAsync(c, festival.Kiosks.Single(k => k.Code == flow.Kiosk).Location, token);
            var loss = await ReconciledLoss.KeepAsync(c, tx, kioskId!.Value, flow.Sku, token);
            lines.Add(new ReconciledLine(flow.Kiosk, flow.Sku, flow.Sent, flow.Sold, flow.Returned, loss));
        }
        return lines;
    }

    /// <summary>Whether any movement ever brought this SKU to the place (a stop sells only what was sent there).</summary>
    private static async Task<bool> SentToAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long location, CancellationToken ct)
    {
        await using var command = c.Command(tx, "SELECT EXISTS (SELECT 1 FROM movements WHERE sku = $1 AND to_location_id = $2)", sku, location);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
