using System.Diagnostics;
using FirmwareSim.Devices;
using FirmwareSim.Scenarios;

namespace FirmwareSim.Running;

/// <summary>What a run did, for the closing line and for the end-to-end tests.</summary>
public sealed record RunSummary(string Scenario, int Devices, long Published, long Refused, long DroppedFromBuffers, int UnitsSold, TimeSpan Simulated, TimeSpan Real,
    IReadOnlyDictionary<string, double?> LastTempC, IReadOnlyDictionary<string, int> UnitsSoldByDevice);

/// <summary>
/// Runs a scenario's devices through simulated time, accelerated: each 10-second step of every
/// device happens, then the runner waits until the wall clock catches up with step / speed.
/// </summary>
public sealed class FleetRunner(Scenario scenario, BrokerSettings broker, double speed, string? stateDirectory, int seed, Action<string> progress)
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    public async Task<RunSummary> RunAsync(DateTimeOffset? startOverride, CancellationToken ct)
    {
        var start = startOverride ?? scenario.Start ?? DateTimeOffset.UtcNow;
        var devices = scenario.Devices.Select(d => new SimulatedDevice(d, scenario.Happenings, stateDirectory, seed)).ToList();
        var links = scenario.Devices.Select(d => new DeviceLink(d, broker)).ToList();
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromHours(scenario.DurationHours);
        try
        {
            await Task.WhenAll(links.Select(l => l.ConnectAsync(ct)));
            var lastReport = TimeSpan.Zero;
            for (var elapsed = TimeSpan.Zero; elapsed < duration && !ct.IsCancellationRequested; elapsed += Step)
            {
                var now = start + elapsed;
                await Task.WhenAll(devices.Select((device, i) => StepAsync(device, links[i], now, elapsed, devices, ct)));
                var due = TimeSpan.FromTicks((long)((elapsed + Step).Ticks / speed));
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(1) || elapsed + Step >= duration)
                {
                    lastReport = clock.Elapsed;
                    progress($"{scenario.Name}: {now:yyyy-MM-dd HH:mm} ({(elapsed + Step) / duration:P0}) published {links.Sum(l => l.Published)}, " +
                             $"buffered {links.Sum(l => l.Buffered)}, sold {devices.Sum(d => d.UnitsSold)} units");
                }
            }
            // The network comes back for everyone at the end: buffers are flushed.
            foreach (var link in links) await link.ConnectAsync(ct);
            await Task.WhenAll(links.Select(l => l.SendAsync([], networkUp: true, ct)));
            return new RunSummary(scenario.Name, devices.Count, links.Sum(l => l.Published), links.Sum(l => l.Refused),
                links.Sum(l => l.DroppedFromBuffer), devices.Sum(d => d.UnitsSold), duration, clock.Elapsed,
                devices.ToDictionary(d => d.Spec.Id, d => d.LastReportedTempC), devices.ToDictionary(d => d.Spec.Id, d => d.UnitsSold));
        }
        finally
        {
            foreach (var link in links) await link.DisposeAsync();
        }
    }

    private async Task StepAsync(SimulatedDevice device, DeviceLink link, DateTimeOffset now, TimeSpan elapsed,
        IReadOnlyList<SimulatedDevice> all, CancellationToken ct)
    {
        var offline = device.Offline(elapsed);
        if (offline && link.Connected) await link.DropAsync();
        if (!offline && !link.Connected) await link.ConnectAsync(ct);
        var messages = device.Advance(now, elapsed, Step);
        if (device.HasMisbehaviourAt(elapsed - Step, elapsed, out _))
        {
            var other = all.First(d => d != device).Spec.Id;
            foreach (var bad in device.Misbehave(now, other)) await link.PublishNowAsync(bad, ct);
        }
        await link.SendAsync(messages, networkUp: !offline, ct);
        if (device.HasAt("hostile", elapsed - Step, elapsed, out _))
            await HostileDevice.AttackAsync(device, link, broker, all.First(d => d != device).Spec.Id, now, ct);
    }
}
