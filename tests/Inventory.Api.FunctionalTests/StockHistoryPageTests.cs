using System.Text.RegularExpressions;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The movement history on <c>/stock</c> beyond the last twenty: filtered by beer, place, kind and days, paged as the
/// API pages it, a brewer's own beers only; the levels as they stood at the end of a past day; every kind of movement
/// (with its lot) from the form.
/// </summary>
public sealed partial class StockHistoryPageTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [GeneratedRegex("<table id=\"history\".*?</table>", RegexOptions.Singleline)]
    private static partial Regex HistoryTable();

    [GeneratedRegex("<tr><td data-label=\"Quand\">")]
    private static partial Regex HistoryRow();

    [GeneratedRegex("id=\"older\" href=\"([^\"]+)\"")]
    private static partial Regex OlderLink();

    private static int Rows(string page) => HistoryRow().Matches(HistoryTable().Match(page).Value).Count;

    [Fact]
    public async Task A_brewer_pages_through_its_filtered_history_and_reads_its_levels_as_they_stood()
    {
        var lot = $"LOT-{Guid.NewGuid():N}"[..12];
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-BLONDE-355", units = 100, to = "stfut-brasserie", lot, occurredAt = DateTimeOffset.UtcNow.AddDays(-3) }));
        for (var i = 0; i < 25; i++)
            await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-BLONDE-355", units = 1, from = "stfut-brasserie", to = "frigo-coop-02", reason = $"page {i}" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "AUBE-IPA-473", units = 5, to = "aube-brasserie" }));

        // Transfers to the Épicerie's fridge: twenty, then the five older ones on the next page, and no third page.
        var first = await api.StFut.GetStringAsync("/stock?biere=STFUT-BLONDE-355&lieu=frigo-coop-02&sorte=transfer");
        Assert.Equal(20, Rows(first));
        Assert.Contains("page 24", first);
        var older = System.Net.WebUtility.HtmlDecode(OlderLink().Match(first).Groups[1].Value);
        Assert.Contains("sorte=transfer", older);
        var second = await api.StFut.GetStringAsync(older);
        Assert.Equal(5, Rows(second));
        Assert.Contains("page 0", second);
        Assert.DoesNotContain("page 24", second);
        Assert.DoesNotContain("id=\"older\"", second);

        // Another brewery's movements never show, whatever the filters say; days cut at Québec midnight.
        Assert.DoesNotContain("AUBE-IPA-473</span>", HistoryTable().Match(await api.StFut.GetStringAsync("/stock?lieu=aube-brasserie")).Value);
        var productions = await api.StFut.GetStringAsync($"/stock?sorte=production&du={DateTime.UtcNow.AddDays(-4):yyyy-MM-dd}&au={DateTime.UtcNow.AddDays(-2):yyyy-MM-dd}");
        Assert.Contains(lot, productions);
        Assert.Equal(0, Rows(await api.StFut.GetStringAsync($"/stock?sorte=production&du={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}&au={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}")));

        // Two days ago the brewery held the hundred cans: none had gone to the fridge yet.
        var asOf = await api.StFut.GetStringAsync($"/stock?le={DateTime.UtcNow.AddDays(-2):yyyy-MM-dd}");
        var levels = Regex.Match(asOf, "<table id=\"levels\".*?</table>", RegexOptions.Singleline).Value;
        Assert.DoesNotContain("Frigo COOP — Épicerie Solidaire", levels);
        Assert.Contains("Saint-Fût, la brasserie", levels);
    }

    [Fact]
    public async Task The_movement_form_offers_every_kind_a_person_records_and_a_lot()
    {
        var page = await api.StFut.GetStringAsync("/stock");
        var form = Regex.Match(page, "<form id=\"movement\".*?</form>", RegexOptions.Singleline).Value;
        foreach (var kind in new[] { "production", "transfer", "sale", "loss", "count_adjustment", "return" })
            Assert.Contains($"<option value=\"{kind}\">", form);
        Assert.Contains("name=\"lot\"", form);
    }
}
