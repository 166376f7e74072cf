namespace Collab.Brew.UnitTests;

public sealed class FairSplitProperties
{
    private static readonly Gen<(long Total, (string, long)[] Weights)> Splits =
        Gen.Select(Gen.Long[0, 100_000], Gen.Long[0, 10_000].Array[1, 12])
            .Where(t => t.Item2.Any(w => w > 0))
            .Select(t => (t.Item1, t.Item2.Select((w, i) => ($"p{i:D2}", w)).ToArray()));

    [Fact]
    public void The_parts_always_sum_exactly_to_the_whole() =>
        Splits.Sample(s => FairSplit.LargestRemainder(s.Total, s.Weights).Sum(p => p.Part) == s.Total);

    [Fact]
    public void No_part_is_negative_and_a_zero_weight_gets_nothing() =>
        Splits.Sample(s => FairSplit.LargestRemainder(s.Total, s.Weights)
            .Zip(s.Weights).All(x => x.First.Part >= 0 && (x.Second.Item2 > 0 || x.First.Part == 0)));

    [Fact]
    public void Every_part_is_within_one_of_its_exact_quota() =>
        Splits.Sample(s =>
        {
            var sum = s.Weights.Sum(w => (decimal)w.Item2);
            return FairSplit.LargestRemainder(s.Total, s.Weights).Zip(s.Weights)
                .All(x => Math.Abs(x.First.Part - s.Total * x.Second.Item2 / sum) < 1);
        });

    [Fact]
    public void A_larger_weight_never_yields_a_smaller_part_than_a_smaller_weight() =>
        Splits.Sample(s =>
        {
            var parts = FairSplit.LargestRemainder(s.Total, s.Weights);
            for (var i = 0; i < parts.Count; i++)
                for (var j = 0; j < parts.Count; j++)
                    if (s.Weights[i].Item2 > s.Weights[j].Item2 && parts[i].Part < parts[j].Part) return false;
            return true;
        });

    [Fact]
    public void Raising_ones_own_weight_never_lowers_ones_own_part() =>
        Gen.Select(Splits, Gen.Long[1, 5_000], Gen.Int[0, 11]).Sample(t =>
        {
            var (s, more, who) = t;
            var i = who % s.Weights.Length;
            var raised = s.Weights.ToArray();
            raised[i] = (raised[i].Item1, raised[i].Item2 + more);
            return FairSplit.LargestRemainder(s.Total, raised)[i].Part >= FairSplit.LargestRemainder(s.Total, s.Weights)[i].Part;
        });

    [Fact]
    public void The_same_input_always_gives_the_same_split_whatever_the_order_of_the_parties() =>
        Splits.Sample(s =>
        {
            var forward = FairSplit.LargestRemainder(s.Total, s.Weights).ToDictionary(p => p.Key, p => p.Part);
            var backward = FairSplit.LargestRemainder(s.Total, s.Weights.Reverse().ToArray()).ToDictionary(p => p.Key, p => p.Part);
            return forward.All(p => backward[p.Key] == p.Value);
        });

    [Fact]
    public void Ties_go_to_the_larger_weight_then_to_the_first_key()
    {
        // 10 units over weights 1, 1, 1: quotas 3.33 each; one unit left over, all remainders equal: p00 by key.
        Assert.Equal([("p00", 4L), ("p01", 3L), ("p02", 3L)], FairSplit.LargestRemainder(10, [("p00", 1), ("p01", 1), ("p02", 1)]));
        // 5 units over 3, 3, 4 → quotas 1.5, 1.5, 2: one unit left, a and b tie on remainder and weight: a by key.
        Assert.Equal([("a", 2L), ("b", 1L), ("c", 2L)], FairSplit.LargestRemainder(5, [("a", 3), ("b", 3), ("c", 4)]));
        // 2 units over 1, 3 → quotas 0.5, 1.5: equal remainders, the larger weight takes the unit.
        Assert.Equal([("a", 0L), ("b", 2L)], FairSplit.LargestRemainder(2, [("a", 1), ("b", 3)]));
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => FairSplit.LargestRemainder(10, []));
        Assert.Throws<ArgumentException>(() => FairSplit.LargestRemainder(10, [("a", 0), ("b", 0)]));
        Assert.Throws<ArgumentException>(() => FairSplit.LargestRemainder(10, [("a", -1), ("b", 2)]));
        Assert.Throws<ArgumentException>(() => FairSplit.LargestRemainder(10, [("a", 1), ("a", 2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FairSplit.LargestRemainder(-1, [("a", 1)]));
    }
}
