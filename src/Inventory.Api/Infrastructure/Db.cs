using Npgsql;

namespace Inventory.Api.Infrastructure;

public static class Db
{
    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(read(reader));
        return list;
    }
}

/// <summary>Ids of the things requests name by slug or code.</summary>
public static class Lookup
{
    public static Task<long?> BreweryIdAsync(NpgsqlDataSource db, string slug, CancellationToken ct) => IdAsync(db, "SELECT id FROM breweries WHERE slug = $1", slug, ct);
    public static Task<long?> LocationIdAsync(NpgsqlDataSource db, string code, CancellationToken ct) => IdAsync(db, "SELECT id FROM locations WHERE code = $1", code, ct);

    private static async Task<long?> IdAsync(NpgsqlDataSource db, string sql, string value, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new() { Value = value });
        return await command.ExecuteScalarAsync(ct) as long?;
    }
}
