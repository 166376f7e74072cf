namespace Collab.Brew;

/// <summary>The package formats of Québec craft beer, with their volume.</summary>
public static class PackageFormats
{
    private static readonly Dictionary<string, int> Millilitres = new(StringComparer.Ordinal)
    {
        ["can_473"] = 473, ["can_355"] = 355, ["bottle_341"] = 341, ["bottle_500"] = 500,
        ["keg_20l"] = 20_000, ["keg_30l"] = 30_000, ["keg_50l"] = 50_000,
    };

    public static IEnumerable<string> All => Millilitres.Keys;

    public static int MillilitresOf(string format) =>
        Millilitres.TryGetValue(format, out var ml) ? ml : throw new ArgumentException($"unknown format '{format}' (one of {string.Join(", ", All)})", nameof(format));
}

/// <summary>Volume packaged into one SKU of the brew.</summary>
public sealed record PackagingLine(string Sku, string Format, decimal Litres);

/// <summary>Whole units of one SKU out of a packaging run.</summary>
public sealed record PackagedSku(string Sku, string Format, int Units, int MillilitresPerUnit)
{
    public long Millilitres => (long)Units * MillilitresPerUnit;
}

/// <summary>What a packaging run gave: units per SKU, litres lost, yield against the plan.</summary>
public sealed record PackagingResult(IReadOnlyList<PackagedSku> Skus, decimal BrewedLitres, decimal PackagedLitres, decimal LossLitres, decimal YieldPercent)
{
    public long PackagedMillilitres => Skus.Sum(s => s.Millilitres);
}

/// <summary>Turns litres packaged per SKU into whole units, loss and yield.</summary>
public static class Packaging
{
    /// <summary>
    /// Units are whole: what is left in a line below one unit's volume (the end of a keg line, a
    /// half-filled can) is loss, with whatever did not reach packaging at all.
    /// </summary>
    public static PackagingResult Run(decimal plannedLitres, decimal brewedLitres, IReadOnlyList<PackagingLine> lines)
    {
        if (plannedLitres <= 0) throw new ArgumentException("the planned volume must be more than 0 L", nameof(plannedLitres));
        if (brewedLitres <= 0) throw new ArgumentException("the brewed volume must be more than 0 L", nameof(brewedLitres));
        if (lines.Count == 0) throw new ArgumentException("a packaging run packages at least one SKU", nameof(lines));
        if (lines.Any(l => l.Litres < 0)) throw new ArgumentException("packaged litres must not be negative", nameof(lines));
        if (lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Count() != lines.Count) throw new ArgumentException("each SKU appears once in a packaging run", nameof(lines));
        var into = lines.Sum(l => l.Litres);
        if (into > brewedLitres) throw new ArgumentException($"{into} L packaged is more than the {brewedLitres} L brewed", nameof(lines));

        var skus = lines.Select(l =>
        {
            var ml = PackageFormats.MillilitresOf(l.Format);
            return new PackagedSku(l.Sku, l.Format, (int)decimal.Floor(l.Litres * 1000 / ml), ml);
        }).ToList();
        var packaged = skus.Sum(s => s.Millilitres) / 1000m;
        return new PackagingResult(skus, brewedLitres, packaged, brewedLitres - packaged, Math.Round(packaged / plannedLitres * 100, 1));
    }
}
