namespace Collab.Brew.UnitTests;

public sealed class SplitAndSettlementProperties
{
    /// <summary>A random brew: 1-8 partners (at least one taking beer), contributions, and a packaging run.</summary>
    private static readonly Gen<(Partner[] Partners, Contribution[] Contributions, PackagingResult Packaging, SharingAgreement Agreement)> Brews =
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, 2]).Select(t =>
        {
            var (count, seed, kind) = t;
            var random = new Random(seed);
            var partners = Enumerable.Range(0, count).Select(i => new Partner($"p{i}", $"Partner {i}", (PartnerRole)(i % 4), i % 2 == 0,
                i == 0 || random.Next(4) > 0 ? new ShareTaking.InBeer($"loc-{i}") : new ShareTaking.InCash())).ToArray();
            var contributions = partners.SelectMany(p => Enumerable.Range(0, random.Next(0, 4)).Select(j => (Contribution)(random.Next(3) switch
            {
                0 => new Contribution.Cash(p.Key, $"cash {j}", random.Next(0, 200_000)),
                1 => new Contribution.Ingredient(p.Key, $"ingredient {j}", random.Next(1, 500) / 4m, "kg", random.Next(50, 5_000)),
                _ => new Contribution.Labour(p.Key, $"labour {j}", random.Next(1, 80) / 2m, random.Next(1_500, 6_000)),
            }))).Append(new Contribution.HostFee("p0", "host fee", random.Next(1, 150_000))).ToArray();
            var packaging = Packaging.Run(1_000m, 950m, [new PackagingLine("SKU-CAN", "can_473", random.Next(100, 700)), new PackagingLine("SKU-KEG", "keg_20l", random.Next(0, 240))]);
            SharingAgreement agreement = kind switch
            {
                0 => new SharingAgreement.ProportionalToContribution(),
                1 => new SharingAgreement.EqualShares(),
                _ => new SharingAgreement.FixedPercentages(FixedShares(partners, random)),
            };
            return (partners, contributions, packaging, agreement);
        });

    private static Dictionary<string, int> FixedShares(Partner[] partners, Random random)
    {
        // p0 always takes beer and always holds at least 5 %: the beer takers have a share to split.
        var shares = partners.ToDictionary(p => p.Key, _ => 0);
        shares["p0"] = 500;
        for (var left = 9_500; left > 0; left -= 500) shares[partners[random.Next(partners.Length)].Key] += 500;
        return shares;
    }

    [Fact]
    public void Every_packaged_unit_goes_to_exactly_one_beer_taker() =>
        Brews.Sample(b =>
        {
            var split = OutputSplit.Split(b.Partners, b.Agreement, b.Contributions, b.Packaging);
            return b.Packaging.Skus.All(s => split.Where(a => a.Sku == s.Sku).Sum(a => a.Units) == s.Units)
                && split.All(a => a.Units > 0 && b.Partners.Single(p => p.Key == a.PartnerKey).Takes is ShareTaking.InBeer);
        });

    [Fact]
    public void The_settlement_balances_to_zero_to_the_cent_and_its_transfers_clear_every_balance() =>
        Brews.Sample(b =>
        {
            var settlement = Settlement.Compute(b.Partners, b.Contributions, OutputSplit.Split(b.Partners, b.Agreement, b.Contributions, b.Packaging));
            if (settlement.Accounts.Sum(a => a.BalanceCents) != 0) return false;
            if (settlement.Accounts.Sum(a => a.BeerValueCents) != settlement.TotalCostCents) return false;
            var after = settlement.Accounts.ToDictionary(a => a.PartnerKey, a => a.BalanceCents);
            foreach (var t in settlement.Transfers) { if (t.Cents <= 0) return false; after[t.To] -= t.Cents; after[t.From] += t.Cents; }
            return after.Values.All(v => v == 0)
                && settlement.Transfers.Count <= Math.Max(0, settlement.Accounts.Count(a => a.BalanceCents != 0) - 1);
        });

    [Fact]
    public void The_same_brew_always_settles_the_same_way() =>
        Brews.Sample(b =>
        {
            var first = Settlement.Compute(b.Partners, b.Contributions, OutputSplit.Split(b.Partners, b.Agreement, b.Contributions, b.Packaging));
            var second = Settlement.Compute(b.Partners, b.Contributions, OutputSplit.Split(b.Partners, b.Agreement, b.Contributions, b.Packaging));
            return first.Transfers.SequenceEqual(second.Transfers) && first.Accounts.SequenceEqual(second.Accounts);
        });

    [Fact]
    public void Under_proportional_sharing_a_larger_contribution_never_takes_less_beer() =>
        Brews.Where(b => b.Agreement is SharingAgreement.ProportionalToContribution).Sample(b =>
        {
            var split = OutputSplit.Split(b.Partners, b.Agreement, b.Contributions, b.Packaging);
            var takers = b.Partners.Where(p => p.Takes is ShareTaking.InBeer).Select(p => p.Key).ToList();
            long Value(string k) => b.Contributions.Where(c => c.PartnerKey == k).Sum(c => c.ValueCents);
            long Units(string k, string sku) => split.Where(a => a.PartnerKey == k && a.Sku == sku).Sum(a => a.Units);
            return b.Packaging.Skus.All(s => takers.All(i => takers.All(j => Value(i) <= Value(j) || Units(i, s.Sku) >= Units(j, s.Sku))));
        });

    [Fact]
    public void Fewest_transfers_uses_groups_that_settle_among_themselves()
    {
        // a owes 10 to b, c owes 7 to d: two transfers, never three.
        var transfers = Settlement.FewestTransfers([("a", -10), ("b", 10), ("c", -7), ("d", 7)]);
        Assert.Equal([new Transfer("a", "b", 10), new Transfer("c", "d", 7)], transfers);
        Assert.Empty(Settlement.FewestTransfers([("a", 0), ("b", 0)]));
        Assert.Throws<ArgumentException>(() => Settlement.FewestTransfers([("a", 1)]));
    }
}

public sealed class EdgeCaseTests
{
    private static readonly PackagingResult Run = Packaging.Run(500m, 500m, [new PackagingLine("SKU-CAN", "can_355", 355m)]); // 1000 cans

    [Fact]
    public void A_one_partner_brew_takes_all_the_beer_and_owes_nothing()
    {
        Partner[] solo = [new("solo", "Solo", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("solo-brasserie"))];
        Contribution[] paid = [new Contribution.Cash("solo", "everything", 250_000)];
        var split = OutputSplit.Split(solo, new SharingAgreement.EqualShares(), paid, Run);
        var settlement = Settlement.Compute(solo, paid, split);
        Assert.Equal(1000, Assert.Single(split).Units);
        Assert.Empty(settlement.Transfers);
        Assert.Equal(250m, settlement.Accounts[0].CostPerUnitCents);
    }

    [Fact]
    public void A_partner_with_no_contribution_gets_no_beer_under_proportional_sharing_but_its_equal_share_otherwise()
    {
        Partner[] partners = [new("a", "A", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("la")), new("b", "B", PartnerRole.Other, false, new ShareTaking.InBeer("lb"))];
        Contribution[] onlyA = [new Contribution.Cash("a", "all", 100_000)];
        Assert.DoesNotContain(OutputSplit.Split(partners, new SharingAgreement.ProportionalToContribution(), onlyA, Run), x => x.PartnerKey == "b");
        var equal = OutputSplit.Split(partners, new SharingAgreement.EqualShares(), onlyA, Run);
        Assert.Equal(500, equal.Single(x => x.PartnerKey == "b").Units);
        var settlement = Settlement.Compute(partners, onlyA, equal);
        Assert.Equal([new Transfer("b", "a", 50_000)], settlement.Transfers);
    }

    [Fact]
    public void An_all_cash_brew_is_refused_someone_must_take_the_beer()
    {
        Partner[] partners = [new("a", "A", PartnerRole.CoBrewer, true, new ShareTaking.InCash()), new("b", "B", PartnerRole.Designer, false, new ShareTaking.InCash())];
        var error = Assert.Throws<CollabRuleException>(() => OutputSplit.Split(partners, new SharingAgreement.EqualShares(), [new Contribution.Cash("a", "x", 1)], Run));
        Assert.Contains("take its share in beer", error.Message);
    }

    [Fact]
    public void An_all_beer_brew_settles_among_the_brewers_only()
    {
        Partner[] partners = [new("a", "A", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("la")), new("b", "B", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("lb"))];
        Contribution[] contributions = [new Contribution.Cash("a", "malt", 30_000), new Contribution.Cash("b", "hops", 10_000)];
        var settlement = Settlement.Compute(partners, contributions, OutputSplit.Split(partners, new SharingAgreement.EqualShares(), contributions, Run));
        Assert.Equal([new Transfer("b", "a", 10_000)], settlement.Transfers);
    }

    [Theory]
    [InlineData(9_000, "must sum to 100 %")]
    [InlineData(10_000, null)]
    public void Fixed_percentages_must_sum_to_100(int total, string? problem)
    {
        Partner[] partners = [new("a", "A", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("la")), new("b", "B", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("lb"))];
        var agreement = new SharingAgreement.FixedPercentages(new Dictionary<string, int> { ["a"] = total - 3_000, ["b"] = 3_000 });
        if (problem is null) Assert.Null(agreement.Problem(partners));
        else Assert.Contains(problem, agreement.Problem(partners));
        var stranger = new SharingAgreement.FixedPercentages(new Dictionary<string, int> { ["a"] = 5_000, ["zed"] = 5_000 });
        Assert.Contains("zed", stranger.Problem(partners));
    }

    [Fact]
    public void Packaging_more_than_was_brewed_or_an_unknown_format_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Packaging.Run(100m, 100m, [new PackagingLine("X", "can_473", 120m)]));
        Assert.Throws<ArgumentException>(() => Packaging.Run(100m, 100m, [new PackagingLine("X", "growler", 10m)]));
        Assert.Throws<ArgumentException>(() => Packaging.Run(100m, 100m, [new PackagingLine("X", "can_473", 10m), new PackagingLine("X", "can_355", 10m)]));
    }

    [Fact]
    public void A_contribution_from_someone_who_is_not_a_partner_is_refused()
    {
        Partner[] partners = [new("a", "A", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("la"))];
        Assert.Throws<CollabRuleException>(() => OutputSplit.Split(partners, new SharingAgreement.EqualShares(), [new Contribution.Cash("ghost", "x", 5)], Run));
    }
}
