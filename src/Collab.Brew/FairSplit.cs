namespace Collab.Brew;

/// <summary>
/// Splits a whole number (units of beer, cents) among parties in proportion to their weights so that
/// the parts always sum exactly to the whole: the largest remainder method (Hamilton).
/// </summary>
/// <remarks>
/// Each party first gets the whole part of its exact quota; the units left over go one each to the
/// largest fractional remainders. Ties are broken by the stated rule: the larger weight first, then
/// the party key in ordinal order. Exact rational arithmetic (no floating point), so the same input
/// always gives the same split.
/// </remarks>
public static class FairSplit
{
    /// <summary>Splits <paramref name="total"/> by <paramref name="weights"/> (non-negative, not all zero).</summary>
    /// <returns>The part of each key, in the order given; the parts sum to <paramref name="total"/>.</returns>
    public static IReadOnlyList<(string Key, long Part)> LargestRemainder(long total, IReadOnlyList<(string Key, long Weight)> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (weights.Count == 0) throw new ArgumentException("nothing to split among", nameof(weights));
        if (weights.Any(w => w.Weight < 0)) throw new ArgumentException("weights must not be negative", nameof(weights));
        if (weights.Select(w => w.Key).Distinct(StringComparer.Ordinal).Count() != weights.Count) throw new ArgumentException("keys must be distinct", nameof(weights));
        var sum = weights.Aggregate(Int128.Zero, (s, w) => s + w.Weight);
        if (sum == 0) throw new ArgumentException("the weights must not all be zero", nameof(weights));

        var parts = new long[weights.Count];
        var remainders = new Int128[weights.Count];
        long given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (Int128)total * weights[i].Weight; // quota = exact / sum
            parts[i] = (long)(exact / sum);
            remainders[i] = exact % sum;
            given += parts[i];
        }
        var order = Enumerable.Range(0, weights.Count)
            .OrderByDescending(i => remainders[i])
            .ThenByDescending(i => weights[i].Weight)
            .ThenBy(i => weights[i].Key, StringComparer.Ordinal)
            .ToList();
        for (var k = 0; given < total; k++, given++) parts[order[k]]++;
        return weights.Select((w, i) => (w.Key, parts[i])).ToList();
    }
}
