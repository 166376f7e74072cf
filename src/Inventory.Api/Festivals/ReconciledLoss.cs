using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <summary>
/// A reconciled kiosk's loss is what its facts leave unexplained: sent − sold − returned − found missing by its counts
/// (never below zero). A fact dated before the reconciliation but learnt of after it — a kiosk's buffered sale, a
/// stop's sales typed late, a count held by an outage — changes that, and the difference is posted dated at the
/// reconciliation: a loss reversed (the units were sold, or a count found them missing) or more loss. So a unit is
/// never both a loss and a sale, nor both a loss and missing (docs/ledger.md, "Settlements").
/// </summary>
public static class ReconciledLoss
{
    public const string Actor = "festival-reconciliation";

    /// <summary>
    /// Keeps the reconciliation's loss of one SKU at a kiosk equal to what its facts leave unexplained (the place is
    /// locked by the caller): the reconciliation's own loss, and each correction after it. Returns the change posted.
    /// </summary>
    public static async Task<int> KeepAsync(NpgsqlConnection c, NpgsqlTransaction tx, long location, string sku, CancellationToken ct)
    {
        await using var command = c.Command(tx, $"""
            SELECT f.reconciled_at, f.name, k.code,
                   coalesce(sum(m.units) FILTER (WHERE m.to_location_id = $1 AND m.kind IN ('{MovementKinds.Transfer}', '{MovementKinds.Production}', '{MovementKinds.CountAdjustment}')), 0)
                   - coalesce(sum(m.units) FILTER (WHERE m.from_location_id = $1 AND m.kind IN ('{MovementKinds.Sale}', '{MovementKinds.Return}', '{MovementKinds.CountAdjustment}')), 0)
                   + coalesce(sum(m.units) FILTER (WHERE m.to_location_id = $1 AND m.kind = '{MovementKinds.SaleReversal}'), 0)
                   - coalesce(sum(m.units) FILTER (WHERE m.from_location_id = $1 AND m.kind = '{MovementKinds.Loss}' AND m.actor <> '{Actor}'), 0),
                   coalesce(sum(m.units) FILTER (WHERE m.from_location_id = $1 AND m.kind = '{MovementKinds.Loss}' AND m.actor = '{Actor}'), 0)
                   - coalesce(sum(m.units) FILTER (WHERE m.to_location_id = $1 AND m.kind = '{MovementKinds.LossReversal}' AND m.actor = '{Actor}'), 0)
            FROM kiosks k JOIN festivals f ON f.id = k.festival_id
            LEFT JOIN movements m ON m.sku = $2 AND (m.to_location_id = $1 OR m.from_location_id = $1)
            WHERE k.location_id = $1 AND f.reconciled_at IS NOT NULL
            GROUP BY f.reconciled_at, f.name, k.code
            """, location, sku);
        var rows = await command.ListAsync(r => (At: r.GetFieldValue<DateTimeOffset>(0), Festival: r.GetString(1), Kiosk: r.GetString(2),
            Unexplained: r.GetInt64(3), Lost: r.GetInt64(4)), ct);
        if (rows.Count == 0) return 0; // not a kiosk, or not reconciled yet: the reconciliation will count it
        var (at, festival, kiosk, unexplained, lost) = rows[0];
        var change = Math.Max(0, unexplained) - lost;
        if (change == 0) return 0;
        var movement = change > 0
            ? new MovementToPost(MovementKinds.Loss, sku, null, (int)change, location, null, at, Actor, $"left at {kiosk} after {festival}")
            : new MovementToPost(MovementKinds.LossReversal, sku, null, (int)-change, null, location, at, Actor, "sold or found missing after all: a fact learnt of after the reconciliation");
        await Ledger.PostAsync(c, tx, movement, allowShortfall: true, ct);
        return (int)change;
    }
}
