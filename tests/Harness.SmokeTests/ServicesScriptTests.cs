using System.Diagnostics;
using FrigoCoop.TestSupport;
using Npgsql;

namespace Harness.SmokeTests;

/// <summary>
/// The README's first command as a newcomer meets it: <c>scripts/services</c> from a fresh copy of the
/// repository placed under a mode-700 folder (as root's home is on Debian), beside the services this
/// test run already uses (its ports shifted by <c>FRIGO_PORT_OFFSET</c>), the SMTP relay included: up, status, down, up again
/// with the data kept, up once more after its data folder was removed (a fresh clone at the same path), then purge
/// leaves nothing behind.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServicesScriptTests
{
    private const string PortOffset = "100";

    [Fact]
    public async Task A_checkout_under_a_private_folder_starts_stops_restarts_and_purges_its_services()
    {
        var privateFolder = Directory.CreateTempSubdirectory("frigo-private-");
        File.SetUnixFileMode(privateFolder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var checkout = Path.Combine(privateFolder.FullName, "frigo-coop");
        CopyTrackedFiles(LocalServices.RepositoryRoot, checkout);
        string? serviceHome = null;
        try
        {
            var up = await Services(checkout, "up");
            Assert.True(up.ExitCode == 0, $"scripts/services up failed in a mode-700 folder:\n{up.Output}");

            var settings = ParseEnv((await Services(checkout, "env")).Output);
            serviceHome = settings["FRIGO_SERVICE_HOME"];
            Assert.Equal(Path.Combine(checkout, ".local"), settings["FRIGO_DATA_DIR"]);
            Assert.NotEqual(LocalServices.Current.PostgresConnectionString, settings["ConnectionStrings__Inventory"]);

            var status = await Services(checkout, "status");
            Assert.Equal(0, status.ExitCode);
            Assert.Contains("postgresql  running", status.Output);
            Assert.Contains("mosquitto   running", status.Output);
            Assert.Contains("influxdb    running", status.Output);
            Assert.Contains("smtp4dev    running", status.Output);

            await using (var db = NpgsqlDataSource.Create(settings["ConnectionStrings__Inventory"]))
            await using (var create = db.CreateCommand("CREATE TABLE kept_across_restarts (id int); INSERT INTO kept_across_restarts VALUES (42)"))
                await create.ExecuteNonQueryAsync();

            Assert.Equal(0, (await Services(checkout, "down")).ExitCode);
            var stopped = await Services(checkout, "status");
            Assert.Equal(3, stopped.ExitCode);
            Assert.Contains("postgresql  stopped", stopped.Output);
            Assert.Contains("mosquitto   stopped", stopped.Output);
            Assert.Contains("smtp4dev    stopped", stopped.Output);

            var again = await Services(checkout, "up");
            Assert.True(again.ExitCode == 0, $"scripts/services up (second time) failed:\n{again.Output}");
            await using (var db = NpgsqlDataSource.Create(settings["ConnectionStrings__Inventory"]))
            await using (var read = db.CreateCommand("SELECT id FROM kept_across_restarts"))
                Assert.Equal(42, await read.ExecuteScalarAsync());

            // A fresh clone where this one was (or its data folder removed): new secrets beside the service
            // home of the old ones, which must start afresh instead of refusing the new broker admin.
            Assert.Equal(0, (await Services(checkout, "down")).ExitCode);
            Directory.Delete(Path.Combine(checkout, ".local"), recursive: true);
            var anew = await Services(checkout, "up");
            Assert.True(anew.ExitCode == 0, $"scripts/services up after the data folder was removed failed:\n{anew.Output}");
            settings = ParseEnv((await Services(checkout, "env")).Output);
            Assert.Equal(serviceHome, settings["FRIGO_SERVICE_HOME"]);
            await using (var db = NpgsqlDataSource.Create(settings["ConnectionStrings__Inventory"]))
            await using (var read = db.CreateCommand("SELECT to_regclass('kept_across_restarts') IS NULL"))
                Assert.Equal(true, await read.ExecuteScalarAsync());
        }
        finally
        {
            var purge = await Services(checkout, "purge");
            Directory.Delete(privateFolder.FullName, recursive: true);
            Assert.True(purge.ExitCode == 0, $"scripts/services purge failed:\n{purge.Output}");
        }
        Assert.False(Directory.Exists(serviceHome), $"purge left {serviceHome} behind");
    }

    private static async Task<(int ExitCode, string Output)> Services(string checkout, string command)
    {
        var start = new ProcessStartInfo(Path.Combine(checkout, "scripts", "services"), command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = checkout,
        };
        // The test run's own settings (eval "$(scripts/services env)") must not leak into the copy.
        start.Environment.Remove("FRIGO_DATA_DIR");
        start.Environment["FRIGO_PORT_OFFSET"] = PortOffset;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>What a fresh clone of the working tree holds: the files git tracks, as they are now.</summary>
    private static void CopyTrackedFiles(string repository, string destination)
    {
        var list = new ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = repository, RedirectStandardOutput = true };
        using var git = Process.Start(list)!;
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.True(git.ExitCode == 0 && files.Length > 0, "git ls-files failed: the services script's test copies the repository's tracked files");
        foreach (var file in files)
        {
            var source = Path.Combine(repository, file);
            if (!File.Exists(source)) continue; // deleted in the working tree, not yet committed
            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
    }

    private static Dictionary<string, string> ParseEnv(string exports) =>
        exports.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line)
            .Where(body => body.Contains('='))
            .ToDictionary(body => body[..body.IndexOf('=')], body => body[(body.IndexOf('=') + 1)..].Trim('\''));
}
