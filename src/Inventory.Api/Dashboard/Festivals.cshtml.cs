using Inventory.Api.Festivals;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Inventory.Api.Dashboard;

/// <summary>The lead's festival plans: kiosks, devices on them, and the allocation per kiosk.</summary>
public sealed class FestivalsModel(NpgsqlDataSource db) : PageModel
{
    public IReadOnlyList<FestivalView> Festivals { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT code FROM festivals ORDER BY starts_on DESC");
        var festivals = new List<FestivalView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        var codes = new List<string>();
        while (await reader.ReadAsync(ct)) codes.Add(reader.GetString(0));
        foreach (var code in codes) festivals.Add((await FestivalsApi.LoadAsync(db, code, ct))!);
        Festivals = festivals;
    }
}
