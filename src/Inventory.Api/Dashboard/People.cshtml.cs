using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>The lead's people and keys: who can sign in (disable, enable), the API keys (create one, shown once; revoke).</summary>
public sealed class PeopleModel(Accounts accounts, CatalogueQueries catalogue) : PageModel
{
    public IReadOnlyList<Person> People { get; private set; } = [];
    public IReadOnlyList<Accounts.ApiKeyRow> Keys { get; private set; } = [];
    public IReadOnlyList<Brewery> Breweries { get; private set; } = [];
    public string? Me { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Me = User.Identity?.Name;
        People = await accounts.ListPeopleAsync(ct);
        Keys = (await accounts.ListApiKeysAsync(ct)).OrderBy(k => k.RevokedAt is not null).ThenByDescending(k => k.CreatedAt).ToList();
        Breweries = await catalogue.BreweriesAsync(ct);
    }
}
