using Inventory.Api.Auth;
using Inventory.Api.Festivals;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Inventory.Api.Dashboard;

/// <summary>Printable pick lists, one page per brewery (a brewer sees its own).</summary>
public sealed class ListesModel(NpgsqlDataSource db) : PageModel
{
    public FestivalView? Festival { get; private set; }
    public IReadOnlyList<PickList> Lists { get; private set; } = [];

    public async Task OnGetAsync(string code, CancellationToken ct)
    {
        Festival = await FestivalsApi.LoadAsync(db, code, ct);
        if (Festival is null) return;
        var mine = Caller.From(User).IsLead ? null : User.FindFirst(Roles.BrewerySlugClaim)?.Value ?? "";
        Lists = await FestivalsApi.PickListsAsync(db, Festival, mine, ct);
    }
}
