using System.Reflection;
using Npgsql;

namespace Inventory.Api.Database;

/// <summary>
/// Applies the numbered SQL files of Database/Migrations (embedded in the assembly) in order, each
/// in one transaction with its row in <c>schema_migrations</c>. An advisory lock makes concurrent
/// starts (several API replicas) take turns.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    private const long LockId = 0x4652_4947_4F; // "FRIGO"

    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, null, "SELECT pg_advisory_lock($1)", cancellationToken, LockId);
        try
        {
            await Execute(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);
            var applied = new HashSet<int>();
            await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetInt32(0));

            var count = 0;
            foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Execute(connection, transaction, sql, cancellationToken);
                await Execute(connection, transaction, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", cancellationToken, version, name);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", version, name);
                count++;
            }
            await KeepSalesDaysInTheTablesZoneAsync(connection, cancellationToken);
            return count;
        }
        finally
        {
            await Execute(connection, null, "SELECT pg_advisory_unlock($1)", CancellationToken.None, LockId);
        }
    }

    /// <summary>
    /// The sales rollup's days are the Table's (migration 0024): its connections run in the Table's zone, and when that
    /// setting changed since the rollup was built, the rollup is built again in the new zone, in one transaction.
    /// </summary>
    private async Task KeepSalesDaysInTheTablesZoneAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var update = new NpgsqlCommand(
            "UPDATE table_zone SET zone = current_setting('TimeZone') WHERE zone <> current_setting('TimeZone') RETURNING zone", connection, transaction);
        if (await update.ExecuteScalarAsync(ct) is string zone)
        {
            await Execute(connection, transaction, "SELECT rebuild_sales_by_day()", ct);
            logger.LogInformation("Sales rollup rebuilt in the Table's zone {Zone}", zone);
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static IReadOnlyList<(int, string, string)> LoadMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Inventory.Api.Database.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (int.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }
}
