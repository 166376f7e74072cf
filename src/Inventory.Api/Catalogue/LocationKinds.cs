namespace Inventory.Api.Catalogue;

/// <summary>
/// The kinds of place the ledger knows, in one list (the database's CHECK on <c>locations.kind</c>, from
/// migration 0006, holds the same; <c>LocationKindsTests</c> compares them).
/// </summary>
public static class LocationKinds
{
    public const string Brewery = "brewery";
    public const string Warehouse = "warehouse";
    public const string CoopFridge = "coop_fridge";
    public const string FestivalKiosk = "festival_kiosk";
    public const string GroceryStore = "grocery_store";
    public const string TourStop = "tour_stop";

    public static readonly string[] All = [Brewery, Warehouse, CoopFridge, FestivalKiosk, GroceryStore, TourStop];

    /// <summary>Places shared by the Table, whose contents every member may see (a brewery's and a warehouse's are its own).</summary>
    public static readonly string[] Shared = [CoopFridge, FestivalKiosk, GroceryStore, TourStop];

    /// <summary><see cref="Shared"/> as an SQL list for <c>kind IN …</c>: constants of this class, never input.</summary>
    public static readonly string SharedSql = "(" + string.Join(", ", Shared.Select(kind => $"'{kind}'")) + ")";
}
