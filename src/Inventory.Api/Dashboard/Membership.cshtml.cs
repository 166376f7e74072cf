using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Table;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>The Table's membership: each brewery's status and its history, the admission rules; the lead changes a status and records a rule.</summary>
public sealed class MembershipModel(MembershipQueries membership, TableCalendar calendar) : PageModel
{
    public IReadOnlyList<MemberView> Members { get; private set; } = [];
    public IReadOnlyList<Rule> Rules { get; private set; } = [];
    public bool IsLead { get; private set; }
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        IsLead = Caller.From(User).IsLead;
        Today = calendar.Today;
        Members = (await membership.MembersAsync(ct)).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        Rules = await membership.RulesAsync(ct);
    }
}
