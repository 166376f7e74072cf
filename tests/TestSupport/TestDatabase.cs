using Npgsql;

namespace FrigoCoop.TestSupport;

/// <summary>A PostgreSQL database of its own for one test class, dropped when the class is done.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private TestDatabase(string name, string adminConnectionString, string connectionString)
    {
        Name = name;
        _adminConnectionString = adminConnectionString;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string purpose)
    {
        var admin = new NpgsqlConnectionStringBuilder(LocalServices.Current.PostgresConnectionString);
        var name = $"test_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}"[..40];
        try
        {
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            // A database name cannot be a parameter; this one is made of [a-z0-9_] only.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            throw LocalServices.NotRunning("PostgreSQL", e);
        }
        var own = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name };
        return new TestDatabase(name, admin.ConnectionString, own.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        // An autovacuum worker (a superuser's backend, which this role may not terminate) can be busy in the
        // database for a moment: the drop is tried again until it is done.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }
}
