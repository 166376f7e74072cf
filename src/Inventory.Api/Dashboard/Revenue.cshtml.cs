using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Sales;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// Revenue by channel over a period, as a brewery books it (docs/ledger.md, "Revenue"): units, the sales at the prices
/// as stated, and before taxes, each tax and the deposit; a brewer reads its own, the lead every brewery's.
/// </summary>
public sealed class RevenueModel(SalesQueries sales, TableCalendar calendar) : PageModel
{
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public IReadOnlyList<ChannelRevenue> Rows { get; private set; } = [];

    /// <summary>From the first of the month to today when no period is given; a period longer than the API's is cut to it.</summary>
    public async Task OnGetAsync(DateOnly? du, DateOnly? au, CancellationToken ct)
    {
        var today = calendar.Today;
        To = au ?? today;
        From = du is { } d && d <= To && To.DayNumber - d.DayNumber <= SalesPeriod.MaxDays ? d : new DateOnly(To.Year, To.Month, 1);
        Rows = await sales.RevenueAsync(Caller.From(User), From, To, ct);
    }
}
