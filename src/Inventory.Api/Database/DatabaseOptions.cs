using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api;

/// <summary>Settings of the database, validated at start.</summary>
public sealed class DatabaseOptions
{
    public const int DefaultPoolSize = 8;

    public string? ConnectionString { get; set; }

    /// <summary>Whether a connection string chooses its own pool size (under any of Npgsql's spellings).</summary>
    public static bool SetsPoolSize(string connectionString) => Sets(connectionString, "MaximumPoolSize", "MaxPoolSize");

    /// <summary>Whether a connection string chooses its own auto-prepare (0 turns it off).</summary>
    public static bool SetsAutoPrepare(string connectionString) => Sets(connectionString, "MaxAutoPrepare");

    private static bool Sets(string connectionString, params string[] spellings) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal))
            .Any(k => spellings.Contains(k, StringComparer.OrdinalIgnoreCase));
}

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ConnectionString)) return ValidateOptionsResult.Fail("ConnectionStrings__Inventory is required (a PostgreSQL connection string)");
        try { _ = new NpgsqlConnectionStringBuilder(o.ConnectionString); }
        catch (ArgumentException e) { return ValidateOptionsResult.Fail($"ConnectionStrings__Inventory is not a valid connection string: {e.Message}"); }
        return ValidateOptionsResult.Success;
    }
}
