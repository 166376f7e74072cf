using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// Runs a command once per <c>Idempotency-Key</c>: the key is claimed in the same transaction as the
/// work, so a replay returns the first answer, the same key with another body is 422, and a command
/// that failed leaves no key behind. Deadlocks and serialization failures are retried.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public delegate Task<(int Status, object Body)> Work(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <param name="otherRequest">The answer to the same key with another body, when the key is not the caller's own
    /// (422 naming the header otherwise).</param>
    public static async Task<IResult> RunAsync(NpgsqlDataSource db, string scope, string? key, object request, Work work, CancellationToken ct, IResult? otherRequest = null)
    {
        if (key is { Length: 0 or > 200 }) return Problems.Invalid(Header, "must be 1 to 200 characters");
        var requestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), Json.Options));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(db, scope, key, requestHash, work, otherRequest, ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 5)
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
            catch (DomainProblem problem)
            {
                return problem.Result;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
            {
                // A level or a sum would leave its column's range: bad input, never a 500 that a client
                // (the gateway's spool) would retry forever.
                return Problems.Unprocessable("units", "the stock level it would make is out of range");
            }
        }
    }

    private static async Task<IResult> RunOnceAsync(NpgsqlDataSource db, string scope, string? key, byte[] requestHash, Work work, IResult? otherRequest, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (key is not null)
        {
            // A concurrent request with the same key waits here on the unique index until the first commits.
            await using var claim = connection.Command(transaction, """
                INSERT INTO idempotency_keys (scope, key, request_hash, status_code) VALUES ($1, $2, $3, 0)
                ON CONFLICT DO NOTHING
                """, scope, key, requestHash);
            if (await claim.ExecuteNonQueryAsync(ct) == 0) return await ReplayAsync(connection, transaction, scope, key, requestHash, otherRequest, ct);
        }

        var (status, body) = await work(connection, transaction, ct);
        var json = JsonSerializer.Serialize(body, body.GetType(), Json.Options);
        if (key is not null)
        {
            await using var store = connection.Command(transaction, "UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2", scope, key, status, json);
            await store.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return Results.Text(json, "application/json", Encoding.UTF8, status);
    }

    private static async Task<IResult> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, string key, byte[] requestHash, IResult? otherRequest,
        CancellationToken ct)
    {
        await using var select = connection.Command(transaction, "SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2", scope, key);
        await using var reader = await select.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (!((byte[])reader[0]).AsSpan().SequenceEqual(requestHash))
            return otherRequest ?? Problems.Unprocessable(Header, $"key '{key}' was already used for a different request");
        return new ReplayResult(reader.GetInt32(1), reader.GetString(2));
    }

    private sealed class ReplayResult(int status, string json) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            return Results.Text(json, "application/json", Encoding.UTF8, status).ExecuteAsync(httpContext);
        }
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
