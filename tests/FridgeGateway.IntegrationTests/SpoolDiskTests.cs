using System.Diagnostics;
using FrigoCoop.TestSupport;

namespace FridgeGateway.IntegrationTests;

/// <summary>
/// The spool on a disk that fills up (DESIGN rules 1, 3 and 7), on a real size-capped file system: a
/// tmpfs of 256 KiB mounted for the test (root, as scripts/test runs in CI).
/// </summary>
public sealed class SpoolDiskTests
{
    [Fact]
    public async Task With_the_spool_disk_full_the_gateway_holds_acknowledgements_corrupts_nothing_and_everything_lands_once_room_returns()
    {
        var mount = Directory.CreateTempSubdirectory("spool-tmpfs-").FullName;
        Mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", mount);
        try
        {
            await using var h = await GatewayHarness.StartAsync(new() { ["Spool__Directory"] = mount });
            var device = h.Device("fridge", 1);
            const int messages = 4000;
            h.InfluxGate.Close();

            var start = DateTimeOffset.UtcNow.AddMinutes(-30);
            for (var seq = 0; seq < messages; seq++)
                await h.PublishAsync($"coop/v1/fridges/{device}/telemetry", GatewayHarness.Reading(seq, start.AddMilliseconds(seq * 100), 4));

            // ~600 KB of line protocol cannot fit: the gateway says so and holds what it could not make durable.
            var (_, body) = await Eventually.Returns(() => h.GetAsync("/readyz"), r => r.Body.Contains("spool disk full", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "/readyz to say the spool's disk is full; gateway output:\n" + h.Gateway.Output);
            Assert.Contains("influx", body, StringComparison.Ordinal);
            Assert.Equal(200, (await h.GetAsync("/healthz")).Status); // holding on purpose is not stuck

            // Room returns; the gateway is killed and restarted on the same spool: its records read back whole.
            Mount("-o", "remount,size=64m", mount);
            await h.Gateway.KillAsync();
            await h.RestartAsync();
            h.InfluxGate.Open();

            await h.WaitForCountAsync("fridge_reading", device, messages, TimeSpan.FromSeconds(60));
            Assert.Equal(messages, await h.CountAsync("fridge_reading", device));
            await Eventually.Returns(h.SpooledBytesAsync, b => b == 0, TimeSpan.FromSeconds(30), "the spool to be replayed");
            Assert.DoesNotContain("torn or corrupt", h.Gateway.Output, StringComparison.Ordinal);
        }
        finally
        {
            Mount("-u", mount);
            Directory.Delete(mount, recursive: true);
        }
    }

    /// <summary><c>mount ARGS</c> (or <c>umount DIR</c> with -u); a failure says what the test needs.</summary>
    private static void Mount(params string[] arguments)
    {
        var unmount = arguments[0] == "-u";
        var start = new ProcessStartInfo(unmount ? "umount" : "mount") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in unmount ? arguments[1..] : arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({error.Trim()}): this test mounts a size-capped tmpfs and needs root, as scripts/test has in CI");
    }
}
