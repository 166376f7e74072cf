using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Catalogue;

/// <summary>What the ledger needs to know of a beer: whose it is and its case size.</summary>
/// <param name="RetiredOn">The day its brewery stopped making it (null: it is made).</param>
public sealed record BeerFacts(long? BreweryId, int UnitsPerCase, DateOnly? RetiredOn = null);

/// <summary>The facts of a beer that the stock rules decide on.</summary>
public sealed class BeerQueries(NpgsqlDataSource db)
{
    private const string Facts = """
        SELECT b.brewery_id, b.units_per_case, b.retired_on FROM beers b WHERE b.sku = $1
        """;

    public Task<BeerFacts?> FactsAsync(string sku, CancellationToken ct) => ReadAsync(db.CreateCommand(Facts), sku, ct);

    /// <summary>The same inside a transaction: on its connection, never a second one from the pool while holding the first.</summary>
    public Task<BeerFacts?> FactsAsync(NpgsqlConnection connection, string sku, CancellationToken ct) => ReadAsync(new NpgsqlCommand(Facts, connection), sku, ct);

    /// <summary>The SKUs whose figures a caller may see (rule "Each brewery sees its own"): a brewer its brewery's; null for the lead (everything).</summary>
    public async Task<HashSet<string>?> VisibleSkusAsync(Caller caller, CancellationToken ct)
    {
        if (caller.IsLead) return null;
        if (caller.BreweryId is not { } brewery) return [];
        await using var command = db.Command($"SELECT b.sku FROM beers b WHERE {Visibility.BeerOf("$1")}", brewery);
        return (await command.ListAsync(r => r.GetString(0), ct)).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<BeerFacts?> ReadAsync(NpgsqlCommand command, string sku, CancellationToken ct)
    {
        await using var _ = command;
        command.Parameters.Add(new NpgsqlParameter { Value = sku });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new BeerFacts(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2));
    }
}
