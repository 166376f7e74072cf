using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FrigoCoop.TestSupport;

/// <summary>
/// One of the project's programs run as a real process (so a test can SIGKILL it), from the build
/// output of its project. Its output is kept for the failure message.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AppProcess(string project, string assembly, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        Project = project;
        Assembly = assembly;
        Environment = new Dictionary<string, string>(environment);
        Arguments = arguments;
    }

    public string Project { get; }
    public string Assembly { get; }
    public Dictionary<string, string> Environment { get; }
    public string[] Arguments { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process?.HasExited ?? true;

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The dll of a project of this repository, built with the same configuration as the tests.</summary>
    public static string BuildOutput(string projectFolder, string assemblyName)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(LocalServices.RepositoryRoot, projectFolder, "bin", configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is not built: build the solution first (dotnet build FrigoCoop.slnx)");
        return path;
    }

    public static AppProcess Start(string projectFolder, string assemblyName, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var app = new AppProcess(projectFolder, assemblyName, environment, arguments);
        app.Restart();
        return app;
    }

    public void Restart()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("still running");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(BuildOutput(Project, Assembly))!,
        };
        start.ArgumentList.Add(BuildOutput(Project, Assembly));
        foreach (var argument in Arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
