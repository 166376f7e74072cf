using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Inventory.Api.Stock;
using Inventory.Api.Table;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <summary>After the event: what each kiosk sent back, and what is neither sold nor sent back, as loss.</summary>
public sealed partial class FestivalCommands
{
    /// <summary>After the event: returns posted, and what is neither sold nor sent back posted as loss; once per festival.</summary>
    public async Task<IResult> ReconcileAsync(string code, Reconciliation body, CancellationToken ct)
    {
        var festival = await festivals.GetAsync(code, ct);
        var returns = body.Returns ?? [];
        return await Idempotency.RunAsync(db, "festival-reconciliation", code, body, async (c, tx, token) =>
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
            var lines = new List<ReconciledLine>();
            foreach (var flow in await FestivalQueries.FlowsAsync(c, tx, code, token))
            {
                // What is neither sold nor sent back was lost (drunk by volunteers, broken, warm): posted as loss.
                var loss = flow.Sent - flow.Sold - flow.Returned - flow.CountedOut;
                if (loss > 0)
                {
                    var kioskId = await Lookup.LocationIdAsync(c, festival.Kiosks.Single(k => k.Code == flow.Kiosk).Location, token);
                    await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Loss, flow.Sku, null, loss, kioskId, null, at, ReconciliationActor,
                        $"left at {flow.Kiosk} after {festival.Name}"), allowShortfall: true, token);
                }
                lines.Add(new ReconciledLine(flow.Kiosk, flow.Sku, flow.Sent, flow.Sold, flow.Returned, Math.Max(0, loss)));
            }
            return (StatusCodes.Status201Created, lines);
        }, ct);
    }

    private const string ReconciliationActor = "festival-reconciliation";

    /// <summary>
    /// A sale at a kiosk dated before its festival's reconciliation, learnt of after it (a kiosk's buffered sale, a
    /// stop's sales typed late): the reconciliation had posted those units as lost. As much of that loss as the sale
    /// explains is reversed, dated at the loss, so that a unit is never both a loss and a sale (docs/ledger.md).
    /// </summary>
    public static async Task GiveBackReconciledLossAsync(NpgsqlConnection c, NpgsqlTransaction tx, long location, string sku, int sold, DateTimeOffset soldAt,
        CancellationToken ct)
    {
        await using var lost = c.Command(tx, $"""
            SELECT coalesce(sum(CASE kind WHEN '{MovementKinds.Loss}' THEN units ELSE -units END), 0)::int, max(occurred_at)
            FROM movements
            WHERE sku = $2 AND actor = '{ReconciliationActor}' AND occurred_at >= $3
              AND ((kind = '{MovementKinds.Loss}' AND from_location_id = $1) OR (kind = '{MovementKinds.LossReversal}' AND to_location_id = $1))
            """, location, sku, soldAt.UtcDateTime);
        var (units, at) = (await lost.ListAsync(r => (r.GetInt32(0), r.IsDBNull(1) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(1)), ct))[0];
        if (units <= 0 || at is null) return;
        await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.LossReversal, sku, null, Math.Min(units, sold), null, location, at.Value, ReconciliationActor,
            "sold after all: a sale learnt of after the reconciliation"), allowShortfall: true, ct);
    }

    /// <summary>Whether any movement ever brought this SKU to the place (a stop sells only what was sent there).</summary>
    private static async Task<bool> SentToAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long location, CancellationToken ct)
    {
        await using var command = c.Command(tx, "SELECT EXISTS (SELECT 1 FROM movements WHERE sku = $1 AND to_location_id = $2)", sku, location);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
