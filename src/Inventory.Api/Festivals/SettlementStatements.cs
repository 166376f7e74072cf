using System.Text.Json;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Festivals;

/// <summary>
/// Issued settlements, frozen (rule "Figures come from the facts, in event time"): the first issue of a festival's settlement is statement 1; a later
/// issue, after facts changed it (a kiosk's buffered sale arriving after the money was paid), is a correction
/// statement with what changed and the transfers that settle only that. An issued statement never changes.
/// </summary>
public sealed class SettlementStatements(NpgsqlDataSource db, FestivalQueries festivals)
{
    /// <summary>Issues the next statement, or a 409 when the facts say what the last one said.</summary>
    public async Task<IssuedStatement> IssueAsync(string code, string issuedBy, CancellationToken ct)
    {
        var festival = await festivals.GetAsync(code, ct);
        FestivalCommands.RefuseIfCancelled(festival); // nothing was sold there: nothing to pay by
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // One issue at a time per festival: two at once would both be number N + 1.
        await using (var hold = connection.Command(tx, "SELECT id FROM festivals WHERE code = $1 FOR UPDATE", code))
            await hold.ExecuteNonQueryAsync(ct);
        var issued = await ListAsync(connection, tx, code, ct);
        var now = await FestivalQueries.SettlementAsync(connection, tx, festival, onlyBrewery: null, ct);
        StatementCorrection? correction = null;
        if (issued.LastOrDefault() is { } last)
        {
            correction = KioskSettlement.Correct(last.Settlement, now);
            if (correction.Changes.Count == 0)
                throw new DomainProblem(Problems.Conflict("Nothing to correct", $"the facts of {code} still say what statement {last.Number} says"));
        }
        var number = issued.Count + 1;
        await using var insert = connection.Command(tx, """
            INSERT INTO settlement_statements (festival_id, number, issued_by, settlement, correction)
            SELECT id, $2, $3, $4::jsonb, $5::jsonb FROM festivals WHERE code = $1
            RETURNING issued_at
            """,
            /* $1 */ code,
            /* $2 */ number,
            /* $3 */ issuedBy,
            /* $4 */ JsonSerializer.Serialize(now, Json.Options),
            /* $5 */ Db.Typed(correction is null ? null : JsonSerializer.Serialize(correction, Json.Options), NpgsqlTypes.NpgsqlDbType.Text));
        var at = (DateTime)(await insert.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return new IssuedStatement(code, number, new DateTimeOffset(at, TimeSpan.Zero), issuedBy, now, correction);
    }

    /// <summary>The festival's issued statements, in order, as the caller may see them (a brewer: those with a line of its own, its own lines).</summary>
    public async Task<List<IssuedStatement>> ListAsync(string code, string? onlyBrewery, CancellationToken ct)
    {
        await festivals.GetAsync(code, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        return KioskSettlement.SeenBy(await ListAsync(connection, null, code, ct), onlyBrewery);
    }

    private static async Task<List<IssuedStatement>> ListAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string code, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            SELECT s.number, s.issued_at, s.issued_by, s.settlement::text, s.correction::text
            FROM settlement_statements s JOIN festivals f ON f.id = s.festival_id WHERE f.code = $1 ORDER BY s.number
            """, code);
        return await command.ListAsync(r => new IssuedStatement(code, r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2),
            JsonSerializer.Deserialize<FestivalSettlement>(r.GetString(3), Json.Options)!,
            r.IsDBNull(4) ? null : JsonSerializer.Deserialize<StatementCorrection>(r.GetString(4), Json.Options)), ct);
    }
}
