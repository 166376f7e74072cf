namespace Inventory.Api.Stock;

/// <summary>What a shelf count of one SKU says against what should be on the shelf.</summary>
/// <param name="Sold">Units gone since what the ledger expected (a fridge's sales: nobody reports them otherwise).</param>
/// <param name="Found">Units on the shelf beyond what was delivered: a discrepancy to look into, never negative sales.</param>
public readonly record struct ShelfCountOutcome(int Sold, int Found);

/// <summary>
/// The arithmetic of a COOP fridge's sell-through (issue 17). A fridge reports no sales: between two
/// counts of a SKU, units sold = the previous count + the deliveries since − this count. The ledger at
/// the fridge holds exactly "previous count + deliveries since" (each count sets it to what was
/// counted), so a count is compared with the ledger as it stood when the device counted. What goes the
/// other way (more on the shelf than delivered) is kept apart as found stock. Over any sequence of
/// deliveries and counts: sold + on the shelf − found = delivered.
/// </summary>
public static class ShelfCount
{
    public static ShelfCountOutcome Compare(int expectedOnShelf, int counted) =>
        counted <= expectedOnShelf ? new ShelfCountOutcome(expectedOnShelf - counted, 0) : new ShelfCountOutcome(0, counted - expectedOnShelf);
}
