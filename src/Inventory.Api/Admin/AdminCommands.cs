using Inventory.Api.Auth;
using Inventory.Api.Database;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Admin;

/// <summary>
/// <c>Inventory.Api admin …</c>: non-interactive commands for operators and scripts. Each applies
/// pending migrations first, so it works on an empty database.
/// </summary>
public static class AdminCommands
{
    private const string Usage = """
        usage: Inventory.Api admin <command>
          migrate                                   apply pending database migrations
          create-key --role <lead|brewer|gateway> --name <name> [--brewery <slug>] [--replace]
                                                    create an API key; the key is the last line printed (shown once);
                                                    --replace revokes the live keys of the same name
          list-keys                                 every API key: prefix, name, role, brewery, created, revoked
          revoke-key --prefix <12 hex digits>       revoke a key (frigo_<prefix>_…)
          create-user --username <u> --name <display name> --role <lead|brewer> [--brewery <slug>]
                      (--password-stdin | --password <p>)
                                                    create or update a person's account
          disable-user --username <u>               refuse a person's sign-in and end all their sessions at once
          enable-user --username <u>                let a disabled person sign in again
          demo-data                                 load the Table's demo world (idempotent)
        settings: ConnectionStrings__Inventory
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help") { Console.WriteLine(Usage); return args.Length == 0 ? 2 : 0; }
        var builder = Host.CreateApplicationBuilder(args[1..]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddInventoryData();
        using var host = builder.Build();
        var services = host.Services;
        var options = Options(args[1..]);
        try
        {
            await host.StartAsync(); // validates the settings
            var migrated = await services.GetRequiredService<Migrator>().MigrateAsync();
            var accounts = services.GetRequiredService<Accounts>();
            switch (args[0])
            {
                case "migrate":
                    Console.WriteLine($"applied {migrated} migration(s)");
                    return 0;
                case "create-key":
                    var key = await accounts.CreateApiKeyAsync(Required(options, "name"), Required(options, "role"), options.GetValueOrDefault("brewery"),
                        replace: options.ContainsKey("replace"));
                    Console.WriteLine($"API key for {options["name"]} ({options["role"]}), shown once:");
                    Console.WriteLine(key);
                    return 0;
                case "list-keys":
                    Console.WriteLine("prefix\tname\trole\tbrewery\tcreated\trevoked");
                    foreach (var row in await accounts.ListApiKeysAsync())
                        Console.WriteLine($"{row.Prefix}\t{row.Name}\t{row.Role}\t{row.Brewery ?? "-"}\t{row.CreatedAt:u}\t{(row.RevokedAt is { } at ? at.ToString("u") : "live")}");
                    return 0;
                case "revoke-key":
                    var prefix = Required(options, "prefix");
                    if (!await accounts.RevokeApiKeyAsync(prefix)) { Console.Error.WriteLine($"admin revoke-key: no live key with prefix {prefix}"); return 1; }
                    Console.WriteLine($"key {prefix} revoked");
                    return 0;
                case "create-user":
                    var password = options.ContainsKey("password-stdin") ? Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? "" : Required(options, "password");
                    await accounts.CreateUserAsync(Required(options, "username").ToLowerInvariant(), Required(options, "name"), password,
                        Required(options, "role"), options.GetValueOrDefault("brewery"));
                    Console.WriteLine($"user {options["username"]} saved");
                    return 0;
                case "disable-user" or "enable-user":
                    var who = Required(options, "username").ToLowerInvariant();
                    if (!await accounts.SetDisabledAsync(who, disabled: args[0] == "disable-user")) { Console.Error.WriteLine($"admin {args[0]}: no user {who}"); return 1; }
                    Console.WriteLine(args[0] == "disable-user" ? $"user {who} disabled, sessions ended" : $"user {who} enabled");
                    return 0;
                case "demo-data":
                    await DemoData.LoadAsync(services);
                    Console.WriteLine("demo data loaded");
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown admin command '{args[0]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"admin {args[0]}: {e.Message}");
            return 2;
        }
        catch (OptionsValidationException e)
        {
            Console.Error.WriteLine($"admin {args[0]}: {e.Message}");
            return 2;
        }
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"--{name} is required");

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var name = args[i][2..];
            options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
        }
        return options;
    }
}
