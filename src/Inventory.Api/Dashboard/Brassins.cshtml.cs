using System.Globalization;
using Collab.Brew;
using Inventory.Api.Auth;
using Inventory.Api.Collab;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Inventory.Api.Dashboard;

/// <summary>Collab brews: status, partners, the split of the output and the settlement (a brewer sees its brewery's).</summary>
public sealed class BrassinsModel(NpgsqlDataSource db) : PageModel
{
    public IReadOnlyList<(CollabBrewView Brew, SettlementView? Settlement)> Brews { get; private set; } = [];

    // The app runs with invariant globalization (no ICU on small images): Québec's money formats by hand.
    private static readonly NumberFormatInfo QuebecMoney = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "\u00a0", NegativeSign = "−" };

    /// <summary>1 234,56 $ in French, $1,234.56 in English (Canadian usage).</summary>
    public static string Money(long cents, bool english = false) => english
        ? (cents < 0 ? "−$" : "$") + (Math.Abs(cents) / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture)
        : (cents / 100m).ToString("#,##0.00", QuebecMoney) + "\u00a0$";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        await using var codes = db.CreateCommand("SELECT code FROM collab_brews ORDER BY brew_date DESC");
        var brews = new List<(CollabBrewView, SettlementView?)>();
        foreach (var code in await codes.ListAsync(r => r.GetString(0), ct))
        {
            var brew = (await CollabStore.LoadAsync(db, code, ct))!;
            if (!caller.IsLead && !brew.PartnerBreweryIds.Contains(caller.BreweryId ?? -1)) continue;
            SettlementView? settlement = null;
            if (brew.Packaging is not null)
            {
                var split = OutputSplit.Split(brew.Partners, brew.Agreement, brew.Contributions, brew.Packaging);
                settlement = new SettlementView(code, brew.Packaging, split, Settlement.Compute(brew.Partners, brew.Contributions, split));
            }
            brews.Add((brew.View(), settlement));
        }
        Brews = brews;
    }
}
