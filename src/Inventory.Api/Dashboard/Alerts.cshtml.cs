using Inventory.Api.Alerts;
using Inventory.Api.Auth;
using Inventory.Api.Localisation;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

/// <summary>
/// The alerts as people act on them: the open ones with who took them in hand (and a form to do so where
/// the person may), then the recent history with durations and peaks.
/// </summary>
public sealed class AlertsModel(AlertQueries alerts) : PageModel
{
    public IReadOnlyList<AlertView> Open { get; private set; } = [];
    public IReadOnlyList<AlertView> Recent { get; private set; } = [];
    /// <summary>The open alerts this person may acknowledge: all for the lead, where its beer stands for a brewer.</summary>
    public IReadOnlySet<long> MayAcknowledge { get; private set; } = new HashSet<long>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        Open = await alerts.ListAsync(new AlertFilter(true, null, 200), ct);
        Recent = (await alerts.ListAsync(new AlertFilter(null, null, 60), ct)).Where(a => a.ClearedAt is not null).Take(30).ToList();
        MayAcknowledge = caller.IsLead ? Open.Select(a => a.Id).ToHashSet()
            : await alerts.ConcerningAsync(Open.Select(a => a.Id).ToList(), caller.OnlyBreweryId!.Value, ct);
    }

    /// <summary>A duration as people say it: 45 min, 2 h 05, 3 j 4 h.</summary>
    public static string Duration(double? minutes, IStringLocalizer<PageText> L)
    {
        if (minutes is not { } m) return "—";
        var span = TimeSpan.FromMinutes(m);
        return span.TotalHours < 1 ? $"{span.TotalMinutes:0} min"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours} h {span.Minutes:00}"
            : L["{0} j {1} h", (int)span.TotalDays, span.Hours];
    }
}
