using Inventory.Api.Auth;
using Inventory.Api.Festivals;
using Inventory.Api.Infrastructure;
using Inventory.Api.Money;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// A month's statements (docs/ledger.md, "Money"): what each fridge venue and grocery store owes each brewery, taxes and
/// deposits included, and what each brewery is owed; a brewer sees what is owed to its own brewery only.
/// </summary>
public sealed class StatementsModel(MoneyQueries money, IssuedMonthStatements issued, FestivalQueries festivals, TableCalendar calendar) : PageModel
{
    /// <summary>The month's festivals and tours the caller takes part in (the lead: all), for their pick lists and settlements.</summary>
    public IReadOnlyList<FestivalView> Festivals { get; private set; } = [];
    public MonthStatement Statement { get; private set; } = null!;
    /// <summary>The month's issued statements the caller may read (what the venues paid by, then the corrections).</summary>
    public List<IssuedMonthStatement> Issued { get; private set; } = [];
    public bool IsLead { get; private set; }
    /// <summary>The month asked for was not one (<c>2026-13</c>): the current month is shown, and the page says so.</summary>
    public bool MonthRefused { get; private set; }

    public async Task OnGetAsync(string? mois, CancellationToken ct)
    {
        var query = new StatementQuery(string.IsNullOrEmpty(mois) ? null : mois, null);
        var check = new Validator();
        query.Validate(check);
        MonthRefused = !check.IsValid;
        if (MonthRefused) query = new StatementQuery(null, null);
        var caller = Caller.From(User);
        Statement = await money.StatementAsync(query, caller, ct);
        Issued = await issued.ListAsync(query with { Month = Statement.Month }, caller, ct);
        IsLead = caller.IsLead;
        Festivals = (await festivals.AllAsync(ct))
            .Where(f => f.StartsOn <= Statement.To && f.EndsOn >= Statement.From && f.Cancelled is null)
            .Where(f => caller.OnlyBrewerySlug is not { } own || f.Breweries.Contains(own) || f.Kiosks.Any(k => k.HostBrewery == own))
            .OrderBy(f => f.StartsOn).ThenBy(f => f.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>Statements are issued once the month is over in Québec.</summary>
    public bool MonthOver => calendar.Today > Statement.To;

    /// <summary>The month before and after, for the links beside the picker.</summary>
    public (string Before, string After) Around => (Statement.From.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        Statement.From.AddMonths(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));

    public DateOnly Today => calendar.Today;
}
