using Inventory.Api.Infrastructure;
using Inventory.Api.Table;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>The funder report as a page that prints cleanly to PDF (the same figures as the API and its CSV).</summary>
public sealed class FunderReportModel(FunderReports reports, TableCalendar calendar) : PageModel
{
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public FunderReport? Report { get; private set; }

    public async Task OnGetAsync(DateOnly? du, DateOnly? au, CancellationToken ct)
    {
        var today = calendar.Today;
        To = au ?? today;
        From = du is { } d && d <= To ? d : new DateOnly(To.Year, 1, 1);
        Report = await reports.BuildAsync(From, To, ct);
    }
}
