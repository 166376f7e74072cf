using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// A shelf count that disagrees with what the shelf should hold, when that is a discrepancy for a person to review
/// (a COOP fridge's missing units are its sales, not one): recorded as its count is derived, and reviewed by the fact
/// that explains it when that fact arrives later (<see cref="ShelfLedger"/>).
/// </summary>
public static class ShelfDiscrepancies
{
    /// <summary>Why a count disagrees with what the shelf should hold, when it is a discrepancy (a fridge's sales are not).</summary>
    public static string? Reason(CountOutcome outcome, bool sellsThrough) =>
        outcome.Found > 0 ? (sellsThrough && outcome.Expected <= 0 ? $"{outcome.Found} on the shelf, none delivered here"
                              : $"{outcome.Found} more on the shelf than {(sellsThrough ? "delivered" : "the ledger")}")
        : !sellsThrough && outcome.Gone > 0 ? $"{outcome.Gone} fewer on the shelf than the ledger"
        : null;

    /// <summary>A count's difference that a later-known fact explains (the delivery it missed arrived) is reviewed by that fact.</summary>
    public static async Task CloseAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, DateTimeOffset countedAt, long locationId, string sku,
        CancellationToken ct)
    {
        await using var close = c.Command(tx, """
            UPDATE stock_discrepancies SET reviewed_at = now(), reviewed_by = 'explained by a later-known fact'
            WHERE location_id = $1 AND sku = $2 AND device_id = $3 AND occurred_at = $4 AND reviewed_at IS NULL
            """, locationId, sku, deviceId, countedAt.UtcDateTime);
        await close.ExecuteNonQueryAsync(ct);
    }

    public static async Task RecordAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, DateTimeOffset countedAt, long locationId, string sku,
        CountOutcome outcome, bool sellsThrough, CancellationToken ct)
    {
        if (Reason(outcome, sellsThrough) is not { } reason) return;
        await using var discrepancy = c.Command(tx, """
            INSERT INTO stock_discrepancies (device_id, location_id, sku, ledger_units, counted_units, occurred_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            /* $1 */ deviceId,
            /* $2 */ locationId,
            /* $3 */ sku,
            /* $4 */ outcome.Expected,
            /* $5 */ outcome.Counted,
            /* $6 */ countedAt.UtcDateTime,
            /* $7 */ reason);
        await discrepancy.ExecuteNonQueryAsync(ct);
    }
}
