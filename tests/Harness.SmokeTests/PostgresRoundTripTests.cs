using FrigoCoop.TestSupport;
using Npgsql;

namespace Harness.SmokeTests;

public sealed class PostgresRoundTripTests
{
    [Fact]
    public async Task A_row_inserted_into_a_fresh_database_is_read_back()
    {
        await using var database = await TestDatabase.CreateAsync("smoke");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        await using (var create = dataSource.CreateCommand("CREATE TABLE fridge (id text PRIMARY KEY, temp_c numeric NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        await using (var insert = dataSource.CreateCommand("INSERT INTO fridge (id, temp_c) VALUES ($1, $2)"))
        {
            insert.Parameters.Add(new() { Value = "fridge-stfut-01" });
            insert.Parameters.Add(new() { Value = 3.6m });
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = dataSource.CreateCommand("SELECT temp_c FROM fridge WHERE id = $1");
        select.Parameters.Add(new() { Value = "fridge-stfut-01" });
        Assert.Equal(3.6m, await select.ExecuteScalarAsync());
    }
}
