using System.Text.Json;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Money;

/// <summary>
/// A month's statement as issued, numbered and frozen: what the places paid by. From number 2 on, the correction it
/// makes to the one before (<see cref="MonthStatement.Difference"/>): what late facts changed, line by line.
/// </summary>
public sealed record IssuedMonthStatement(string Month, int Number, DateTimeOffset IssuedAt, string IssuedBy, MonthStatement Statement,
    MonthStatement? Correction);

/// <summary>
/// Issuing a month's statements (rule "Figures come from the facts, in event time"): the live statement is derived at
/// each read, so a sale that arrives after the venue paid changes it. What was paid by is issued once the month is
/// over, never changed; a later issue is a correction of what changed since (docs/ledger.md, "Money").
/// </summary>
public sealed class IssuedMonthStatements(NpgsqlDataSource db, TableCalendar calendar)
{
    /// <summary>Issues the month's next statement: a 409 while the month is not over, or when the facts say what the last one said.</summary>
    public async Task<IssuedMonthStatement> IssueAsync(StatementQuery month, Caller caller, CancellationToken ct)
    {
        var first = month.FirstDay(calendar.Today);
        var lastDay = first.AddMonths(1).AddDays(-1);
        if (calendar.Today <= lastDay)
            throw new DomainProblem(Problems.Conflict("Month not over", $"{first:yyyy-MM} ends on {lastDay:yyyy-MM-dd}: its statements are issued once it is over",
                new Dictionary<string, object?> { ["field"] = "month" }));
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // One issue at a time per month: two at once would both be number N + 1, and the later one's facts are read
        // after the earlier one is in, so each correction is against the statement issued just before it.
        await using (var hold = connection.Command(tx, "SELECT pg_advisory_xact_lock(hashtext('issued_month_statements'), $1)", first.Year * 12 + first.Month))
            await hold.ExecuteNonQueryAsync(ct);
        var now = await MoneyQueries.StatementAsync(connection, tx, first, caller, ct);
        var issued = await ListAsync(connection, tx, first, ct);
        MonthStatement? correction = null;
        if (issued.LastOrDefault() is { } last)
        {
            correction = MonthStatement.Difference(last.Statement, now);
            if (correction.Lines.Count == 0)
                throw new DomainProblem(Problems.Conflict("Nothing to correct", $"the facts of {now.Month} still say what statement {last.Number} says"));
        }
        var at = calendar.Now;
        await using var insert = connection.Command(tx, """
            INSERT INTO issued_month_statements (month, number, issued_at, issued_by, statement, correction) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
            """,
            /* $1 */ first,
            /* $2 */ issued.Count + 1,
            /* $3 */ at,
            /* $4 */ caller.Name,
            /* $5 */ JsonSerializer.Serialize(now, Json.Options),
            /* $6 */ Db.Typed(correction is null ? null : JsonSerializer.Serialize(correction, Json.Options), NpgsqlTypes.NpgsqlDbType.Text));
        await insert.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return new IssuedMonthStatement(now.Month, issued.Count + 1, at, caller.Name, now, correction);
    }

    /// <summary>The month's issued statements as the caller may read them (a brewer: <see cref="IssuedStatements.SeenBy"/>, its own lines only).</summary>
    public async Task<List<IssuedMonthStatement>> ListAsync(StatementQuery month, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var all = await ListAsync(connection, null, month.FirstDay(calendar.Today), ct);
        if (caller.OnlyBrewerySlug is not { } payee) return all;
        return IssuedStatements.SeenBy(all, i => i.Statement.Lines.Any(l => l.Payee == payee), i => i.Correction?.Lines.Any(l => l.Payee == payee) == true,
            i => i with { Statement = i.Statement.SeenBy(payee), Correction = i.Correction?.SeenBy(payee) });
    }

    private static async Task<List<IssuedMonthStatement>> ListAsync(NpgsqlConnection c, NpgsqlTransaction? tx, DateOnly first, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            SELECT number, issued_at, issued_by, statement::text, correction::text FROM issued_month_statements WHERE month = $1 ORDER BY number
            """, first);
        return await command.ListAsync(r => new IssuedMonthStatement(first.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), r.GetInt32(0),
            r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), JsonSerializer.Deserialize<MonthStatement>(r.GetString(3), Json.Options)!,
            r.IsDBNull(4) ? null : JsonSerializer.Deserialize<MonthStatement>(r.GetString(4), Json.Options)), ct);
    }
}
