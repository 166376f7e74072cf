namespace Collab.Brew;

/// <summary>How output and cost are split among the partners.</summary>
public abstract record SharingAgreement
{
    private SharingAgreement() { }

    /// <summary>In proportion to the value each partner contributed.</summary>
    public sealed record ProportionalToContribution : SharingAgreement;

    /// <summary>Equal shares for every partner.</summary>
    public sealed record EqualShares : SharingAgreement;

    /// <summary>Fixed shares in basis points (1/100 of a percent) that sum to 10,000.</summary>
    public sealed record FixedPercentages(IReadOnlyDictionary<string, int> BasisPoints) : SharingAgreement;

    /// <summary>The weight of each partner under this agreement.</summary>
    public IReadOnlyList<(string Key, long Weight)> Weights(IReadOnlyList<Partner> partners, IReadOnlyList<Contribution> contributions) => this switch
    {
        ProportionalToContribution => partners.Select(p => (p.Key, contributions.Where(c => c.PartnerKey == p.Key).Sum(c => c.ValueCents))).ToList(),
        EqualShares => partners.Select(p => (p.Key, 1L)).ToList(),
        FixedPercentages f => partners.Select(p => (p.Key, (long)f.BasisPoints.GetValueOrDefault(p.Key))).ToList(),
        _ => throw new InvalidOperationException("unknown agreement"),
    };

    /// <summary>Null when the agreement fits the partners, else what is wrong.</summary>
    public string? Problem(IReadOnlyList<Partner> partners)
    {
        if (this is not FixedPercentages f) return null;
        var unknown = f.BasisPoints.Keys.Where(k => partners.All(p => p.Key != k)).ToList();
        if (unknown.Count > 0) return $"fixed shares name partners that are not in the brew: {string.Join(", ", unknown)}";
        if (f.BasisPoints.Values.Any(v => v < 0)) return "fixed shares must not be negative";
        var sum = f.BasisPoints.Values.Sum();
        return sum == 10_000 ? null : $"fixed shares must sum to 100 % (10000 basis points), not {sum}";
    }
}
