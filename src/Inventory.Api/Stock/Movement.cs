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

    public static readonly string[] All = [Production, Transfer, Sale, Loss, CountAdjustment, Return];

    /// <summary>Null when the ends are right for the kind, else what is wrong.</summary>
    public static string? CheckEnds(string kind, bool hasFrom, bool hasTo) => kind switch
    {
        Production when hasFrom || !hasTo => "a production has a 'to' location and no 'from'",
        Transfer or Return when !hasFrom || !hasTo => $"a {kind} has both 'from' and 'to' locations",
        Sale or Loss when !hasFrom || hasTo => $"a {kind} has a 'from' location and no 'to'",
        CountAdjustment when hasFrom == hasTo => "a count_adjustment has either 'from' (fewer) or 'to' (more)",
        _ when !All.Contains(kind) => $"kind must be one of {string.Join(", ", All)}",
        _ => null,
    };
}

/// <summary>A movement to post: units of one SKU between locations.</summary>
public sealed record MovementToPost(
    string Kind, string Sku, string? LotCode, int Units, long? FromLocationId, long? ToLocationId,
    DateTimeOffset OccurredAt, string Actor, string? Reason, string? DeviceId = null, long? UnitPriceCents = null);

/// <summary>A ledger row as posted (one per lot touched).</summary>
public sealed record PostedMovement(long Id, string Kind, string Sku, string LotCode, int Units, long? FromLocationId, long? ToLocationId,
    DateTimeOffset OccurredAt, int Shortfall);
