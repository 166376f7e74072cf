using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Sales;
using Npgsql;

namespace Inventory.Api.Money;

/// <summary>The money settings and the months' statements of the places that sell the members' beer.</summary>
public sealed class MoneyQueries(NpgsqlDataSource db, TableCalendar calendar)
{
    /// <summary>Every period of every setting (the lead's and everyone's: taxes and deposits are public).</summary>
    public async Task<List<MoneySetting>> SettingsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await SettingsAsync(connection, null, ct);
    }

    /// <summary>The same on the connection of a transaction in progress (a festival's settlement as it is issued).</summary>
    public static async Task<List<MoneySetting>> SettingsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.Command(transaction, "SELECT id, name, value, valid_from, valid_to, set_by FROM money_settings ORDER BY name, valid_from");
        return await command.ListAsync(Read, ct);
    }

    /// <summary>
    /// A month's statements as the caller may read them: the lead every place and payee; a brewer only what is owed to
    /// its own brewery (rule "Each brewery sees its own": no place total over other breweries' lines).
    /// </summary>
    public async Task<MonthStatement> StatementAsync(StatementQuery month, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await StatementAsync(connection, null, month.FirstDay(calendar.Today), caller, ct);
    }

    /// <summary>The same on the connection of a transaction in progress (a month's statements as they are issued).</summary>
    public static async Task<MonthStatement> StatementAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateOnly first, Caller caller,
        CancellationToken ct)
    {
        // The rollup's days are the Table's, and it keeps each day's units per price (migrations 0024, 0029): a month is
        // some thirty rows a place and beer, where the lines were every sale (docs/benchmarks.md, "A summer").
        await using var command = connection.Command(transaction, $"""
            SELECT l.code, l.name, {SalesQueries.ChannelOfPlace}, coalesce(br.slug, 'table'), d.sku, b.format, d.unit_price_cents,
                   d.day, sum(d.units)::bigint
            FROM {SalesQueries.SalesByDay} JOIN locations l ON l.id = d.location_id JOIN beers b ON b.sku = d.sku LEFT JOIN breweries br ON br.id = b.brewery_id
            WHERE l.kind IN ('{LocationKinds.CoopFridge}', '{LocationKinds.GroceryStore}') AND d.day BETWEEN $1 AND $2
              AND ($3::bigint IS NULL OR b.brewery_id = $3)
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            """, first, first.AddMonths(1).AddDays(-1), Visibility.OnlyBrewery(caller));
        var sold = await command.ListAsync(r => new SoldOnDay(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.GetString(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.GetFieldValue<DateOnly>(7), r.GetInt64(8)), ct);
        return MonthStatement.Of(first, sold, new MoneyRules(await SettingsAsync(connection, transaction, ct)));
    }

    internal static MoneySetting Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<DateOnly>(3),
        r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4), r.GetString(5));
}

/// <summary>Setting money's rules: the lead only, from a day on.</summary>
public sealed class MoneyCommands(NpgsqlDataSource db)
{
    /// <summary>A setting from a day: the one in force that day, begun before it, ends the day before; a later one is a 409.</summary>
    public async Task<MoneySetting> SetAsync(NewMoneySetting body, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var supersede = connection.Command(tx, """
                UPDATE money_settings SET valid_to = $2::date - 1
                WHERE name = $1 AND valid_from < $2 AND daterange(valid_from, valid_to, '[]') @> $2::date
                """, body.Name, body.ValidFrom!.Value);
            await supersede.ExecuteNonQueryAsync(ct);
            await using var insert = connection.Command(tx, """
                INSERT INTO money_settings (name, value, valid_from, set_by) VALUES ($1, $2, $3, $4)
                RETURNING id, name, value, valid_from, valid_to, set_by
                """, body.Name, body.Value!.Value, body.ValidFrom.Value, caller.Name);
            var setting = (await insert.ListAsync(MoneyQueries.Read, ct))[0];
            await tx.CommitAsync(ct);
            return setting;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Setting period overlaps",
                $"{body.Name} already has a value from {body.ValidFrom:yyyy-MM-dd} or later: a setting is changed from its latest day on",
                new Dictionary<string, object?> { ["field"] = "validFrom" }));
        }
    }
}
