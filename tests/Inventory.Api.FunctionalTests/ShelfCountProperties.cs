using CsCheck;
using Inventory.Api.Stock;

namespace Inventory.Api.FunctionalTests;

/// <summary>The arithmetic of a fridge's sell-through from its counts, over any sequence of deliveries and counts.</summary>
public sealed class ShelfCountProperties
{
    /// <summary>A delivery (positive units) or a count (the units found on the shelf, 0 or more), in order.</summary>
    private static readonly Gen<(bool IsCount, int Units)[]> Histories =
        Gen.Select(Gen.Bool, Gen.Int[0, 60]).Array[0, 40];

    [Fact]
    public void Sold_plus_what_is_on_the_shelf_less_what_was_found_is_what_was_delivered() =>
        Histories.Sample(history =>
        {
            int expected = 0, delivered = 0, sold = 0, found = 0;
            foreach (var (isCount, units) in history)
            {
                if (!isCount) { delivered += units; expected += units; continue; }
                var outcome = ShelfCount.Compare(expected, units);
                sold += outcome.Sold;
                found += outcome.Found;
                expected = units; // after a count, the ledger holds what was counted
            }
            return sold + expected - found == delivered;
        });

    [Fact]
    public void A_count_is_either_sales_or_found_stock_never_both_and_never_negative() =>
        Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 10_000]).Sample((expected, counted) =>
        {
            var outcome = ShelfCount.Compare(expected, counted);
            return outcome.Sold >= 0 && outcome.Found >= 0 && (outcome.Sold == 0 || outcome.Found == 0)
                && counted == expected - outcome.Sold + outcome.Found;
        });

    [Theory]
    [InlineData(24, 20, 4, 0)]
    [InlineData(10, 12, 0, 2)]
    [InlineData(0, 3, 0, 3)]
    [InlineData(7, 7, 0, 0)]
    [InlineData(7, 0, 7, 0)]
    public void Examples(int expected, int counted, int sold, int found) =>
        Assert.Equal(new ShelfCountOutcome(sold, found), ShelfCount.Compare(expected, counted));
}
