using Npgsql;

namespace Inventory.Api.Infrastructure;

public static class Db
{
    /// <summary>A command whose parameters are the values given, in order (<c>$1</c>, <c>$2</c>, …): a null is SQL NULL, an <see cref="NpgsqlParameter"/> is taken as it is (a typed NULL: <see cref="Typed"/>).</summary>
    public static NpgsqlCommand Command(this NpgsqlDataSource db, string sql, params ReadOnlySpan<object?> values) => db.CreateCommand(sql).With(values);

    /// <summary>The same on a connection, inside a transaction if one is given.</summary>
    public static NpgsqlCommand Command(this NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params ReadOnlySpan<object?> values) =>
        new NpgsqlCommand(sql, connection, transaction).With(values);

    /// <summary>Appends positional parameters to a command.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, params ReadOnlySpan<object?> values)
    {
        foreach (var value in values) command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>A parameter of a stated type, for a value that may be null where PostgreSQL cannot infer the type (<c>$1 IS NULL</c>).</summary>
    public static NpgsqlParameter Typed(object? value, NpgsqlTypes.NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(read(reader));
        return list;
    }
}

/// <summary>
/// Ids of the things requests name by slug or code: from the pool, or on the connection of a transaction
/// in progress (a request never holds one pooled connection while waiting for another: with a small pool,
/// enough such requests at once would wait on each other until the pool's timeout).
/// </summary>
public static class Lookup
{
    private const string Brewery = "SELECT id FROM breweries WHERE slug = $1";
    private const string Location = "SELECT id FROM locations WHERE code = $1";

    public static Task<long?> BreweryIdAsync(NpgsqlDataSource db, string slug, CancellationToken ct) => IdAsync(db.CreateCommand(Brewery), slug, ct);
    public static Task<long?> BreweryIdAsync(NpgsqlConnection connection, string slug, CancellationToken ct) => IdAsync(new NpgsqlCommand(Brewery, connection), slug, ct);
    public static Task<long?> LocationIdAsync(NpgsqlDataSource db, string code, CancellationToken ct) => IdAsync(db.CreateCommand(Location), code, ct);
    public static Task<long?> LocationIdAsync(NpgsqlConnection connection, string code, CancellationToken ct) => IdAsync(new NpgsqlCommand(Location, connection), code, ct);

    /// <summary>A location, its kind and the brewery whose own place it is (null for shared places).</summary>
    public static async Task<(long Id, long? BreweryId, string Kind)?> LocationAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, brewery_id, kind FROM locations WHERE code = $1");
        command.Parameters.Add(new() { Value = code });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2));
    }

    private static async Task<long?> IdAsync(NpgsqlCommand command, string value, CancellationToken ct)
    {
        await using var _ = command;
        command.Parameters.Add(new() { Value = value });
        return await command.ExecuteScalarAsync(ct) as long?;
    }
}

/// <summary>
/// The WHERE clause of a query with optional filters, holding only the filters a request gave. Each
/// combination becomes its own statement text, which PostgreSQL keeps a generic plan for once the
/// statement is auto-prepared; one text of <c>($1 IS NULL OR col = $1)</c> for every combination is
/// planned again on every call instead (planning cost about three times the execution of "my stock").
/// </summary>
public sealed class SqlConditions(NpgsqlCommand command)
{
    private readonly List<string> conditions = [];

    /// <summary>A condition without a value.</summary>
    public SqlConditions Add(string condition)
    {
        conditions.Add(condition);
        return this;
    }

    /// <summary>A condition on a value, written with <c>{0}</c> where the parameter goes; left out when the value is null.</summary>
    public SqlConditions Add(string condition, object? value, NpgsqlTypes.NpgsqlDbType type)
    {
        if (value is null) return this;
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        conditions.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, condition, "$" + command.Parameters.Count));
        return this;
    }

    public override string ToString() => conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);
}
