using System.CommandLine;
using System.Diagnostics;
using FirmwareSim.Devices;
using FirmwareSim.Season;
using FrigoCoop.Client;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using SeasonDriver;

// season-driver: a season (firmware-sim/seasons) on the platform, exact against its ground truth (docs/season.md).
// scripts/season starts a fresh database, the API and two gateways, then runs this with:
// Season__ApiUrl, Season__LeadKey (a lead's API key), Season__GatewayUrls (comma-separated), and the broker's
// Mqtt__Host/Mqtt__Port/Simulator__DevicePasswords/Simulator__DevicePort (scripts/services env).
var seasonArgument = new Argument<FileInfo>("season") { Description = "A season file (firmware-sim/seasons/*.json)" };
var seedOption = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same season", DefaultValueFactory = _ => 2026 };
var truthOption = new Option<DirectoryInfo>("--truth") { Description = "Folder where the ground truth is written (truth.jsonl, totals.json)", Required = true };
var root = new RootCommand("Plays a season through the broker, the gateways and the API, and prints every difference from the ground truth")
{
    seasonArgument, seedOption, truthOption,
};
root.SetAction(async (parse, ct) =>
{
    string Setting(string key) => Environment.GetEnvironmentVariable(key) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"{key} is not set (scripts/season sets it)");
    var clock = Stopwatch.StartNew();
    var plan = SeasonPlan.Generate(SeasonFile.Load(parse.GetValue(seasonArgument)!.FullName), parse.GetValue(seedOption));
    var truth = SeasonTotals.Of(plan);
    await GroundTruthFiles.WriteAsync(plan, truth, parse.GetValue(truthOption)!.FullName, ct);

    var api = Setting("Season__ApiUrl");
    var lead = new FrigoCoopClient(new HttpClientRequestAdapter(new ApiKeyHeader(Setting("Season__LeadKey"))) { BaseUrl = api });
    await World.SetUpAsync(lead, plan.Season, ct);
    await World.SetUpFestivalsAsync(lead, plan.Season, ct);
    await World.SetUpGroceryAsync(lead, plan.Season, ct);
    await World.SetUpCollabBrewsAsync(lead, plan.Season, ct);
    Console.WriteLine($"season {plan.Season.Name}: world set up ({plan.Season.Breweries.Count} breweries, {plan.Season.Fridges.Count} fridges, {plan.Season.Festivals.Count} festivals) in {clock.Elapsed.TotalSeconds:0.0} s");

    await using var deadLetters = await DeadLetters.ListenAsync(Setting("Mqtt__Host"), int.Parse(Setting("Mqtt__Port"), System.Globalization.CultureInfo.InvariantCulture),
        Setting("Mqtt__Username"), Setting("Mqtt__Password"), ct);
    await using var seasonClock = await SeasonClock.ConnectAsync(Setting("Mqtt__Host"), int.Parse(Setting("Mqtt__Port"), System.Globalization.CultureInfo.InvariantCulture),
        Setting("Mqtt__Username"), Setting("Mqtt__Password"), ct);
    var player = new Player(plan, BrokerSettings.FromEnvironment(sharedAccount: false), seasonClock, lead, Console.WriteLine);
    var played = await player.PlayAsync(ct);
    var gateways = Setting("Season__GatewayUrls").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    await Gateways.DrainedAsync(gateways, played, Console.WriteLine, ct);
    var simulated = TimeSpan.FromDays(plan.Season.Days);
    Console.WriteLine($"season {plan.Season.Name}: {played} device messages and {plan.Actions.Count} actions played and forwarded in {clock.Elapsed.TotalSeconds:0.0} s " +
                      $"({simulated / clock.Elapsed:0}× real time)");

    var differences = player.Refused.Concat(await Comparison.DifferencesAsync(lead, plan, truth, ct)).ToList();
    // A refused device message of the season is a difference; the gateway's own alerts about devices the season has
    // no place for (the broker's other demo devices going offline) are not the season's: reported, not counted.
    var devices = plan.Season.Fridges.Select(f => f.Device).Concat(plan.Season.Festivals.SelectMany(f => f.Kiosks).Select(k => k.Device).OfType<string>())
        .ToHashSet(StringComparer.Ordinal);
    foreach (var (topic, reason) in deadLetters.Heard)
    {
        var device = topic.Split('/') is { Length: > 3 } parts ? parts[3] : "";
        if (devices.Contains(device) && !topic.StartsWith("coop/v1/alerts/", StringComparison.Ordinal)) differences.Add($"dead letter {topic}: {reason}");
        else Console.WriteLine($"note: dead letter {topic}: {reason}");
    }
    foreach (var difference in differences) Console.WriteLine(difference);
    Console.WriteLine($"differences: {differences.Count}");
    return differences.Count == 0 ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();

/// <summary>The lead's API key on every request (the API is on the loopback here; Kiota's own provider sends keys over HTTPS only).</summary>
internal sealed class ApiKeyHeader(string key) : IAuthenticationProvider
{
    /// <summary>
    /// The simulated instant of the person's action being played, if any: sent as <c>X-Acting-At</c>, so that what the
    /// API dates "now" (a reconciliation, a round's tick) is dated in the season (the API's acting clock, docs/season.md).
    /// </summary>
    public static readonly AsyncLocal<DateTimeOffset?> ActingAt = new();

    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        request.Headers.Add("X-Api-Key", key);
        if (ActingAt.Value is { } at) request.Headers.Add("X-Acting-At", at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }
}
