using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Table;

/// <summary>The Table's membership histories, as every feature that asks "was it a member then" reads them.</summary>
public sealed class MembershipQueries(NpgsqlDataSource db, TableCalendar calendar)
{
    private const string Histories = "SELECT brewery_id, status, effective_on FROM membership_events ORDER BY effective_on";

    /// <summary>Each brewery's membership events, oldest first, by brewery id.</summary>
    public Task<Dictionary<long, List<MembershipEvent>>> HistoriesAsync(CancellationToken ct) => ReadAsync(db.CreateCommand(Histories), ct);

    /// <summary>The same on the connection of a transaction in progress.</summary>
    public static Task<Dictionary<long, List<MembershipEvent>>> HistoriesAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ReadAsync(new NpgsqlCommand(Histories, connection), ct);

    /// <summary>The slugs of the breweries that are members of the Table on a day.</summary>
    public async Task<HashSet<string>> MembersOnAsync(DateOnly day, CancellationToken ct)
    {
        var histories = await HistoriesAsync(ct);
        await using var slugs = db.CreateCommand("SELECT id, slug FROM breweries");
        return (await slugs.ListAsync(r => (Id: r.GetInt64(0), Slug: r.GetString(1)), ct))
            .Where(b => Membership.IsMemberOn(histories.GetValueOrDefault(b.Id) ?? [], day)).Select(b => b.Slug).ToHashSet();
    }

    /// <summary>Every brewery with its status today and its whole history.</summary>
    public async Task<List<MemberView>> MembersAsync(CancellationToken ct)
    {
        var histories = await HistoriesAsync(ct);
        var today = calendar.Today;
        await using var breweries = db.CreateCommand("SELECT id, slug, name, region FROM breweries ORDER BY name");
        return await breweries.ListAsync(r =>
        {
            var history = histories.GetValueOrDefault(r.GetInt64(0)) ?? [];
            return new MemberView(r.GetString(1), r.GetString(2), r.GetString(3), Membership.StatusOn(history, today), history);
        }, ct);
    }

    public async Task<List<Rule>> RulesAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, text, adopted_on FROM admission_rules ORDER BY adopted_on, id");
        return await command.ListAsync(r => new Rule(r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)), ct);
    }

    private static async Task<Dictionary<long, List<MembershipEvent>>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var _ = command;
        return (await command.ListAsync(r => (Brewery: r.GetInt64(0), Event: new MembershipEvent(r.GetString(1), r.GetFieldValue<DateOnly>(2))), ct))
            .GroupBy(x => x.Brewery).ToDictionary(g => g.Key, g => g.Select(x => x.Event).ToList());
    }
}
