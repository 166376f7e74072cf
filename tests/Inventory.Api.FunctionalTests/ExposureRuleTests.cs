using Inventory.Api.Stock;
using static Inventory.Api.Stock.ExposureRule;

namespace Inventory.Api.FunctionalTests;

/// <summary>The exposed-stock rule, in event time: what stood on the shelf for two hours of an excursion.</summary>
public sealed class ExposureRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 13, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);
    private static DateTimeOffset H(double hours) => T0.AddHours(hours);

    [Fact]
    public void An_excursion_shorter_than_the_limit_exposes_nothing_and_a_long_one_everything_that_stayed()
    {
        Assert.Equal(0, ExposedUnits(12, [], T0, H(1.9), TwoHours));
        Assert.Equal(12, ExposedUnits(12, [], T0, H(2), TwoHours));
        Assert.Equal(12, ExposedUnits(12, [], T0, H(6), TwoHours));
        Assert.False(LastedLongEnough(T0, H(1.5), H(10), TwoHours));
        Assert.True(LastedLongEnough(T0, null, H(2), TwoHours)); // still going, long enough already
        Assert.False(LastedLongEnough(T0, null, H(1), TwoHours));
    }

    [Fact]
    public void Units_sold_early_in_the_excursion_were_not_there_long_enough()
    {
        // 12 on the shelf; 5 sold after an hour of a three-hour excursion: 7 stood there for two hours or more.
        Assert.Equal(7, ExposedUnits(12, [new(H(1), -5)], T0, H(3), TwoHours));
        // Sold after two hours: all 12 had been there two hours by then.
        Assert.Equal(12, ExposedUnits(12, [new(H(2.5), -5)], T0, H(3), TwoHours));
    }

    [Fact]
    public void A_restock_during_the_excursion_is_exposed_only_if_it_stood_there_long_enough()
    {
        // The excursion spans a restock: 24 delivered after 30 minutes of a four-hour excursion stood 3 h 30.
        Assert.Equal(28, ExposedUnits(4, [new(H(0.5), +24)], T0, H(4), TwoHours));
        // Delivered an hour before the end: only the 4 already there were exposed.
        Assert.Equal(4, ExposedUnits(4, [new(H(3), +24)], T0, H(4), TwoHours));
        // A lot that was not there at all when it began, delivered just before the end: none.
        Assert.Equal(0, ExposedUnits(0, [new(H(3.5), +24)], T0, H(4), TwoHours));
    }

    [Fact]
    public void Changes_outside_the_excursion_or_out_of_order_do_not_count_differently()
    {
        Change[] changes = [new(H(2.5), -3), new(H(-1), +100), new(H(0.5), -2), new(H(9), -10)];
        // Recorded in any order (a movement posted late, a count that came hours after): the same answer.
        Assert.Equal(ExposedUnits(10, changes, T0, H(3), TwoHours), ExposedUnits(10, changes.Reverse(), T0, H(3), TwoHours));
        Assert.Equal(8, ExposedUnits(10, changes, T0, H(3), TwoHours));
        // Two changes at the same moment are one step.
        Assert.Equal(6, ExposedUnits(10, [new(H(0.5), -2), new(H(0.5), -2)], T0, H(3), TwoHours));
    }

    [Fact]
    public void A_shelf_emptied_then_refilled_exposes_the_best_unbroken_stretch()
    {
        // Emptied at 1 h, refilled with 6 at 1 h 30, excursion to 4 h: the 6 stood 2 h 30.
        Assert.Equal(6, ExposedUnits(12, [new(H(1), -12), new(H(1.5), +6)], T0, H(4), TwoHours));
        // Emptied at 1 h, refilled at 2 h 30: nothing stood two hours unbroken.
        Assert.Equal(0, ExposedUnits(12, [new(H(1), -12), new(H(2.5), +6)], T0, H(4), TwoHours));
        // A shortfall (the ledger below zero) is never negative exposure.
        Assert.Equal(0, ExposedUnits(0, [new(H(0.1), -3)], T0, H(4), TwoHours));
    }

    [Fact]
    public void A_sale_booked_in_no_lot_before_its_lot_arrived_comes_off_the_oldest_lot_not_on_top_of_the_beer()
    {
        // 21 cans of the beer stood through the excursion; the ledger holds them as 22 of lot A and -1 in no lot (a sale
        // derived before the delivery of lot A was known). Lot A's 22 would expose a can that was sold.
        var lots = ExposedByLot([new("", -1, []), new("2026-10-A", 22, [])], T0, H(3), TwoHours);
        Assert.Equal(21, lots.Values.Sum());
        Assert.Equal(21, lots["2026-10-A"]);
        // Two real lots and one sale in no lot: the oldest gives the unit back.
        lots = ExposedByLot([new("", -1, []), new("2026-10-A", 5, []), new("2026-10-B", 10, [new(H(2.5), -3)])], T0, H(3), TwoHours);
        Assert.Equal((0, 4, 10), (lots[""], lots["2026-10-A"], lots["2026-10-B"]));
        // Nothing out of order: each lot its own.
        lots = ExposedByLot([new("2026-10-A", 5, [new(H(0.5), -2)]), new("2026-10-B", 10, [])], T0, H(3), TwoHours);
        Assert.Equal((3, 10), (lots["2026-10-A"], lots["2026-10-B"]));
    }
}
