namespace Collab.Brew.UnitTests;

/// <summary>
/// "L'épaule à la roue", brewed at Saint-Fût with two other member breweries, small fruits and
/// aromatics from ATAB, and a label by Coup d'griffe (numbers invented, plausible). docs/collab-brews.md
/// walks through the same numbers.
/// </summary>
public static class EpauleALaRoue
{
    public static readonly Partner[] Partners =
    [
        new("saint-fut", "Microbrasserie Saint-Fût (hôte)", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("saint-fut-brasserie")),
        new("du-quai", "Brasserie coopérative du Quai", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("du-quai-brasserie")),
        new("bocal", "Le Bocal coopératif", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("bocal-brasserie")),
        new("atab", "ATAB (coop de petits fruits)", PartnerRole.IngredientSupplier, false, new ShareTaking.InBeer("frigo-stfut-degustation")),
        new("coup-dgriffe", "Coup d'griffe (coop de design)", PartnerRole.Designer, false, new ShareTaking.InCash()),
    ];

    public static readonly Contribution[] Contributions =
    [
        new Contribution.HostFee("saint-fut", "brasserie, cuves et temps de cave", 120_000),
        new Contribution.Ingredient("saint-fut", "malt pâle", 180m, "kg", 185),
        new Contribution.Labour("saint-fut", "brassage et conditionnement", 14m, 3_200),
        new Contribution.Cash("du-quai", "houblons", 60_000),
        new Contribution.Labour("du-quai", "brassage", 6m, 3_200),
        new Contribution.Cash("bocal", "canettes et étiquettes", 95_000),
        new Contribution.Ingredient("atab", "camerises et argousier", 40m, "kg", 1_450),
        new Contribution.Ingredient("atab", "aromates (myrique baumier)", 1.5m, "kg", 4_800),
        new Contribution.Design("coup-dgriffe", "étiquette et identité", 80_000),
    ];

    public static PackagingResult Packaging => Brew.Packaging.Run(1_000m, 980m,
        [new PackagingLine("STFUT-EPAULE-473", "can_473", 600m), new PackagingLine("STFUT-EPAULE-KEG30", "keg_30l", 330m)]);
}

public sealed class WorkedExampleTests
{
    [Fact]
    public void Packaging_gives_whole_cans_and_kegs_and_counts_the_rest_as_loss()
    {
        var run = EpauleALaRoue.Packaging;
        Assert.Equal([1268, 11], run.Skus.Select(s => s.Units));
        Assert.Equal(929.764m, run.PackagedLitres);
        Assert.Equal(50.236m, run.LossLitres);
        Assert.Equal(93.0m, run.YieldPercent);
    }

    [Fact]
    public void The_output_goes_to_the_beer_takers_in_proportion_to_what_they_put_in()
    {
        var split = OutputSplit.Split(EpauleALaRoue.Partners, new SharingAgreement.ProportionalToContribution(), EpauleALaRoue.Contributions, EpauleALaRoue.Packaging);

        Assert.Equal(1268, split.Where(a => a.Sku == "STFUT-EPAULE-473").Sum(a => a.Units));
        Assert.Equal(11, split.Where(a => a.Sku == "STFUT-EPAULE-KEG30").Sum(a => a.Units));
        Assert.DoesNotContain(split, a => a.PartnerKey == "coup-dgriffe");
        var cans = split.Where(a => a.Sku == "STFUT-EPAULE-473").ToDictionary(a => a.PartnerKey, a => a.Units);
        Assert.True(cans["saint-fut"] > cans["bocal"] && cans["bocal"] > cans["du-quai"] && cans["du-quai"] > cans["atab"]);
    }

    [Fact]
    public void The_settlement_balances_to_zero_and_reimburses_the_designer()
    {
        var split = OutputSplit.Split(EpauleALaRoue.Partners, new SharingAgreement.ProportionalToContribution(), EpauleALaRoue.Contributions, EpauleALaRoue.Packaging);
        var settlement = Settlement.Compute(EpauleALaRoue.Partners, EpauleALaRoue.Contributions, split);

        // 198,100 (Saint-Fût) + 79,200 (du Quai) + 95,000 (Bocal) + 65,200 (ATAB) + 80,000 (Coup d'griffe)
        Assert.Equal(517_500, settlement.TotalCostCents);
        Assert.Equal(0, settlement.Accounts.Sum(a => a.BalanceCents));
        Assert.Equal(80_000, settlement.Accounts.Single(a => a.PartnerKey == "coup-dgriffe").BalanceCents);
        Assert.Equal(80_000, settlement.Transfers.Where(t => t.To == "coup-dgriffe").Sum(t => t.Cents));
        Assert.True(settlement.Transfers.Count <= settlement.Accounts.Count(a => a.BalanceCents != 0) - 1);
    }

    [Fact]
    public void Packaging_posts_production_at_the_host_and_transfers_to_the_partners_elsewhere()
    {
        var split = OutputSplit.Split(EpauleALaRoue.Partners, new SharingAgreement.ProportionalToContribution(), EpauleALaRoue.Contributions, EpauleALaRoue.Packaging);
        var plan = LedgerPlan.For("saint-fut-brasserie", "saint-fut", "EPAULE-2026-07", EpauleALaRoue.Partners, EpauleALaRoue.Packaging, split);

        Assert.DoesNotContain(plan, m => m.Kind == "transfer" && m.ToLocation == "saint-fut-brasserie");
        foreach (var sku in new[] { "STFUT-EPAULE-473", "STFUT-EPAULE-KEG30" })
        {
            // The host's part and ATAB's (not a member brewery) under the packaged SKU; du Quai's and le Bocal's each under its own.
            Assert.Equal(split.Where(a => a.Sku == sku && a.PartnerKey is "saint-fut" or "atab").Sum(a => a.Units), plan.Single(m => m.Kind == "production" && m.Sku == sku).Units);
            Assert.Equal(split.Single(a => a.Sku == sku && a.PartnerKey == "atab").Units, plan.Single(m => m.Kind == "transfer" && m.Sku == sku).Units);
            foreach (var (partner, suffix, place) in new[] { ("du-quai", "DU-QUAI", "du-quai-brasserie"), ("bocal", "BOCAL", "bocal-brasserie") })
            {
                var units = split.Single(a => a.Sku == sku && a.PartnerKey == partner).Units;
                Assert.Equal(units, plan.Single(m => m.Kind == "production" && m.Sku == $"{sku}-{suffix}").Units);
                Assert.Equal(new PlannedMovement("transfer", $"{sku}-{suffix}", units, "saint-fut-brasserie", place, "EPAULE-2026-07"),
                    plan.Single(m => m.Kind == "transfer" && m.Sku == $"{sku}-{suffix}"));
            }
        }
        Assert.Equal(1268 + 11, plan.Where(m => m.Kind == "production").Sum(m => m.Units));
    }

    [Fact]
    public void A_partners_SKU_too_long_for_the_inventory_is_refused_before_anything_is_posted()
    {
        var partner = new Partner("brasserie-cooperative-du-vieux-quai", "Vieux-Quai", PartnerRole.CoBrewer, true, new ShareTaking.InBeer("x"));
        Assert.Equal("STFUT-EPAULE-473", LedgerPlan.ShareSku("STFUT-EPAULE-473", partner, "brasserie-cooperative-du-vieux-quai"));
        var e = Assert.Throws<CollabRuleException>(() => LedgerPlan.ShareSku("STFUT-EPAULE-473", partner, "saint-fut"));
        Assert.Contains("longer than 40", e.Message);
    }
}
