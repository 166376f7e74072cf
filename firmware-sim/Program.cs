using System.CommandLine;
using System.Text.Json;
using FirmwareSim.Devices;
using FirmwareSim.Load;
using FirmwareSim.Running;
using FirmwareSim.Scenarios;
using FirmwareSim.Season;

// firmware-sim: simulated COOP fridges and festival kiosks speaking telemetry contract v1, and the
// load generator of the ingestion benchmarks. Broker settings come from the environment, as the
// gateway's do: Mqtt__Host, Mqtt__Port, Simulator__DevicePasswords (a file of id:password lines) and Simulator__DevicePort (the devices' listener), Simulator__Username/Password.

var scenarioArgument = new Argument<FileInfo>("scenario") { Description = "A scenario file (firmware-sim/scenarios/*.json)" };
var speedOption = new Option<double>("--speed") { Description = "Simulated seconds per real second (600 runs a 10-hour day in a minute)", DefaultValueFactory = _ => 60 };
var startOption = new Option<DateTimeOffset?>("--start") { Description = "Simulated start time (default: the scenario's, else now)" };
var nowOption = new Option<bool>("--now") { Description = "Replay the scenario's day at its time of day, ending before now, so that every ts is in the recent past (what a gateway accepts)" };
var stateOption = new Option<DirectoryInfo?>("--state") { Description = "Folder keeping each device's seq across restarts (default: .local/simulator)" };
var seedOption = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same day", DefaultValueFactory = _ => 2026 };
var loopOption = new Option<bool>("--loop") { Description = "Run the scenario again and again until stopped" };
var liveOption = new Option<bool>("--live") { Description = "Live demo: start now at real speed (--speed 1), again and again until stopped" };
var summaryOption = new Option<FileInfo?>("--summary") { Description = "Write the run's summary as JSON to this file" };

var run = new Command("run", "Run a scenario: devices, faults and the day's traffic, in accelerated time")
{
    scenarioArgument, speedOption, startOption, nowOption, liveOption, stateOption, seedOption, loopOption, summaryOption,
};
run.SetAction(Guarded(async (parse, ct) =>
{
    var scenario = Scenario.Load(parse.GetValue(scenarioArgument)!.FullName);
    var state = parse.GetValue(stateOption)?.FullName ?? Path.Combine(Environment.GetEnvironmentVariable("FRIGO_DATA_DIR") ?? ".local", "simulator");
    var live = parse.GetValue(liveOption);
    var runner = new FleetRunner(scenario, BrokerSettings.FromEnvironment(sharedAccount: false), live ? 1 : parse.GetValue(speedOption), state, parse.GetValue(seedOption), Progress.Line);
    do
    {
        var start = live ? DateTimeOffset.UtcNow : parse.GetValue(nowOption) ? scenario.RecentStart(DateTimeOffset.UtcNow) : parse.GetValue(startOption);
        var summary = await runner.RunAsync(start, ct);
        Progress.Done($"{summary.Scenario}: {summary.Devices} devices, {summary.Published} published, {summary.Refused} refused by the broker, " +
                      $"{summary.UnitsSold} units sold, {summary.Simulated.TotalHours:0.#} h simulated in {summary.Real.TotalSeconds:0.#} s");
        if (parse.GetValue(summaryOption) is { } file) await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(summary), ct);
    } while ((live || parse.GetValue(loopOption)) && !ct.IsCancellationRequested);
    return 0;
}));

var devicesOption = new Option<int>("--devices") { Description = "Simulated devices", DefaultValueFactory = _ => 1000 };
var rateOption = new Option<double>("--rate") { Description = "Messages per second per device", DefaultValueFactory = _ => 1 };
var countOption = new Option<long?>("--count") { Description = "Stop after this many messages" };
var durationOption = new Option<TimeSpan?>("--duration") { Description = "Stop after this long (e.g. 00:10:00)" };
var connectionsOption = new Option<int>("--connections") { Description = "MQTT connections the devices share", DefaultValueFactory = _ => 50 };
var windowOption = new Option<int>("--window") { Description = "Unacknowledged publishes per connection", DefaultValueFactory = _ => 20 };
var prefixOption = new Option<string>("--prefix") { Description = "Device id prefix", DefaultValueFactory = _ => "fridge-load" };
var doorOpenEveryOption = new Option<int>("--door-open-every") { Description = "Every n-th reading of a device with its door open (0: never)", DefaultValueFactory = _ => 0 };
doorOpenEveryOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 0) result.AddError("--door-open-every must be 0 (never) or more");
});
var load = new Command("load", "Load mode: N devices × rate, report the achieved rate and PUBACK latency")
{
    devicesOption, rateOption, countOption, durationOption, connectionsOption, windowOption, prefixOption, summaryOption, doorOpenEveryOption,
};
load.SetAction(Guarded(async (parse, ct) =>
{
    if (parse.GetValue(countOption) is null && parse.GetValue(durationOption) is null)
    {
        Console.Error.WriteLine("load: give --count or --duration");
        return 2;
    }
    var generator = new LoadGenerator(BrokerSettings.FromEnvironment(sharedAccount: true), parse.GetValue(devicesOption), parse.GetValue(rateOption),
        parse.GetValue(connectionsOption), parse.GetValue(windowOption), parse.GetValue(prefixOption)!, Progress.Line, parse.GetValue(doorOpenEveryOption));
    var summary = await generator.RunAsync(parse.GetValue(countOption), parse.GetValue(durationOption), ct);
    Progress.Done(JsonSerializer.Serialize(summary));
    if (parse.GetValue(summaryOption) is { } file) await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(summary), ct);
    return summary.Refused == 0 ? 0 : 1;
}));

var seasonArgument = new Argument<FileInfo>("season") { Description = "A season file (firmware-sim/seasons/*.json)" };
var truthOption = new Option<DirectoryInfo>("--truth") { Description = "Folder for the ground truth: truth.jsonl (every true event) and totals.json", Required = true };
var season = new Command("season", "Plan a season (docs/season.md) and write its ground truth; scripts/season plays it through the platform")
{
    seasonArgument, seedOption, truthOption,
};
season.SetAction(Guarded(async (parse, ct) =>
{
    var plan = SeasonPlan.Generate(SeasonFile.Load(parse.GetValue(seasonArgument)!.FullName), parse.GetValue(seedOption));
    var totals = SeasonTotals.Of(plan);
    await GroundTruthFiles.WriteAsync(plan, totals, parse.GetValue(truthOption)!.FullName, ct);
    Progress.Done($"{plan.Season.Name}: {plan.Messages.Count} device messages, {plan.Actions.Count} people's actions, {plan.Truth.Count} true events, " +
                  $"{totals.Revenue.Sum(r => r.Units)} units sold for {totals.Revenue.Sum(r => r.RevenueCents) / 100m:0.00} $");
    return 0;
}));

var root = new RootCommand("firmware-sim: simulated COOP fridges and festival kiosks (telemetry contract v1), and the load generator")
{
    run, load, season,
};
return await root.Parse(args).InvokeAsync();

// A wrong setting or scenario is a clear message and exit code 2, not a stack trace.
static Func<ParseResult, CancellationToken, Task<int>> Guarded(Func<ParseResult, CancellationToken, Task<int>> action) => async (parse, ct) =>
{
    try
    {
        return await action(parse, ct);
    }
    catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FileNotFoundException or ArgumentException
                                  or MQTTnet.Exceptions.MqttCommunicationException)
    {
        Console.Error.WriteLine($"firmware-sim: {e.Message}");
        return 2;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        return 130;
    }
};

/// <summary>A live progress line on a terminal; plain lines when the output is a file or a pipe.</summary>
internal static class Progress
{
    private static DateTime _lastPlain = DateTime.MinValue;

    public static void Line(string text)
    {
        if (!Console.IsOutputRedirected) { Console.Write($"\r{text,-120}"); return; }
        if (DateTime.UtcNow - _lastPlain < TimeSpan.FromSeconds(10)) return;
        _lastPlain = DateTime.UtcNow;
        Console.WriteLine(text);
    }

    public static void Done(string text)
    {
        if (!Console.IsOutputRedirected) Console.WriteLine();
        Console.WriteLine(text);
    }
}
