namespace Inventory.Api.Stock;

/// <summary>The kinds of movement of the ledger and which ends each one has.</summary>
public static class MovementKinds
{
    public const string Production = "production";
    public const string Transfer = "transfer";
    public const string Sale = "sale";
    public const string Loss = "loss";
    public const string CountAdjustment = "count_adjustment";
    public const string Return = "return";

    /// <summary>Units a count had booked as sold that facts known later show never left: only a count's re-derivation posts it (never a person).</summary>
    public const string SaleReversal = "sale_reversal";

    /// <summary>Units a festival's reconciliation posted as lost that a later-known sale shows were sold: only that sale posts it.</summary>
    public const string LossReversal = "loss_reversal";

    /// <summary>The kinds a person or a script may post.</summary>
    public static readonly string[] All = [Production, Transfer, Sale, Loss, CountAdjustment, Return];

    /// <summary>Every kind the ledger holds (the history's filter): what may be posted, and what only a count derives.</summary>
    public static readonly string[] Recorded = [.. All, SaleReversal, LossReversal];

    /// <summary>Null when the ends are right for the kind, else the field that is wrong and why.</summary>
    public static (string Field, string Message)? CheckEnds(string kind, bool hasFrom, bool hasTo) => kind switch
    {
        Production when hasFrom => ("from", "a production has no 'from' location"),
        Production when !hasTo => ("to", "a production needs a 'to' location"),
        Transfer or Return when !hasFrom => ("from", $"a {kind} needs a 'from' location"),
        Transfer or Return when !hasTo => ("to", $"a {kind} needs a 'to' location"),
        Sale or Loss when !hasFrom => ("from", $"a {kind} needs a 'from' location"),
        Sale or Loss when hasTo => ("to", $"a {kind} has no 'to' location"),
        CountAdjustment when hasFrom == hasTo => (hasFrom ? "to" : "from", "a count_adjustment has either 'from' (fewer) or 'to' (more)"),
        _ when !All.Contains(kind) => ("kind", $"must be one of {string.Join(", ", All)}"),
        _ => null,
    };
}

/// <summary>A movement to post: units of one SKU between locations.</summary>
/// <param name="ShelfCountId">The shelf count that derived it (<see cref="ShelfLedger"/>); null for every other movement.</param>
public sealed record MovementToPost(
    string Kind, string Sku, string? LotCode, int Units, long? FromLocationId, long? ToLocationId,
    DateTimeOffset OccurredAt, string Actor, string? Reason, string? DeviceId = null, long? UnitPriceCents = null, long? ShelfCountId = null);

/// <summary>A ledger row as posted (one per lot touched).</summary>
public sealed record PostedMovement(long Id, string Kind, string Sku, string LotCode, int Units, long? FromLocationId, long? ToLocationId,
    DateTimeOffset OccurredAt, int Shortfall);
