using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Table;

/// <summary>The Table's decisions: a brewery's status from a date on, and the admission rules it adopts.</summary>
public sealed class MembershipCommands(NpgsqlDataSource db, MembershipQueries membership)
{
    public async Task<MemberView> ChangeStatusAsync(string brewery, StatusChange body, CancellationToken ct)
    {
        var id = await Lookup.BreweryIdAsync(db, brewery, ct) ?? throw new DomainProblem(Problems.NotFound("brewery", $"brewery {brewery}"));
        await using (var insert = db.Command("""
            INSERT INTO membership_events (brewery_id, status, effective_on, decided_on, note) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (brewery_id, effective_on) DO UPDATE SET status = EXCLUDED.status, decided_on = EXCLUDED.decided_on, note = EXCLUDED.note
            """,
            /* $1 */ id,
            /* $2 */ body.Status,
            /* $3 */ body.EffectiveOn!.Value,
            /* $4 */ Db.Typed(body.DecidedOn, NpgsqlTypes.NpgsqlDbType.Date),
            /* $5 */ Db.Typed(body.Note, NpgsqlTypes.NpgsqlDbType.Text)))
            await insert.ExecuteNonQueryAsync(ct);
        return (await membership.MembersAsync(ct)).Single(m => m.Brewery == brewery);
    }

    public async Task<Rule> AddRuleAsync(NewRule body, CancellationToken ct)
    {
        await using var command = db.Command("INSERT INTO admission_rules (text, adopted_on) VALUES ($1, $2) RETURNING id", body.Text!.Trim(), body.AdoptedOn!.Value);
        return new Rule((long)(await command.ExecuteScalarAsync(ct))!, body.Text.Trim(), body.AdoptedOn.Value);
    }
}
