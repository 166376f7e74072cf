using System.Globalization;
using Inventory.Api.Auth;
using Inventory.Api.Collab;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Collab brews: status, partners, the split of the output and the settlement (a brewer sees its brewery's).</summary>
public sealed class BrassinsModel(CollabQueries collab) : PageModel
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
        Brews = (await collab.VisibleAsync(Caller.From(User), ct)).Select(brew => (brew.View(), CollabQueries.Settlement(brew))).ToList();
    }
}
