using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace FrigoCoop.TestSupport;

/// <summary>
/// A private smtp4dev (the real SMTP server of the services script, launched from the path it exports) on
/// ports of its own, which a test can stop and start again: an outage of the mail relay. What it received
/// is read through its web API.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    private readonly string _launcher = LocalServices.Current["Smtp4dev__Launcher"];
    private readonly string? _folder;
    private readonly HttpClient _web;
    private Process? _process;

    private MailServer(Uri? web = null)
    {
        if (web is null)
        {
            (SmtpPort, WebPort, ImapPort, Pop3Port) = (AppProcess.FreePort(), AppProcess.FreePort(), AppProcess.FreePort(), AppProcess.FreePort());
            _folder = Directory.CreateTempSubdirectory("smtp4dev-").FullName;
        }
        _web = new HttpClient { BaseAddress = web ?? new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The services script's own smtp4dev (what the platform's apps send through), to read only.</summary>
    public static MailServer OfServices() => new(new Uri(LocalServices.Current["Smtp4dev__Url"]));

    public int SmtpPort { get; }
    public int WebPort { get; }
    private int ImapPort { get; }
    private int Pop3Port { get; }

    public static async Task<MailServer> StartAsync()
    {
        var server = new MailServer();
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        if (_folder is null) throw new InvalidOperationException("the services' smtp4dev is started by scripts/services, not by a test");
        if (!File.Exists(_launcher)) throw new InvalidOperationException($"smtp4dev is not installed at {_launcher}: run scripts/services up");
        var start = new ProcessStartInfo(_launcher) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { $"--urls=http://127.0.0.1:{WebPort}", $"--smtpport={SmtpPort}", $"--imapport={ImapPort}", $"--pop3port={Pop3Port}",
                     "--bindaddress=127.0.0.1", "--hostname=localhost", "--db=", "--nousersettings", $"--baseappdatapath={_folder}" })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.Holds(async () =>
        {
            if (_process.HasExited) throw new GiveUpException($"smtp4dev exited with {_process.ExitCode}");
            try { return (await _web.GetAsync("api/messages")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(60), $"smtp4dev on SMTP port {SmtpPort}");
    }

    /// <summary>The relay goes away (what it received is lost with it: it keeps mail in memory).</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public sealed record Mail(string Id, IReadOnlyList<string> To, string Subject, string Text);

    /// <summary>The mail received, to one address when given.</summary>
    public async Task<List<Mail>> MessagesAsync(string? to = null)
    {
        var page = await _web.GetFromJsonAsync<JsonElement>("api/messages?pageSize=1000");
        var mails = new List<Mail>();
        foreach (var m in page.GetProperty("results").EnumerateArray())
        {
            var recipients = m.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList();
            if (to is not null && !recipients.Contains(to, StringComparer.OrdinalIgnoreCase)) continue;
            var id = m.GetProperty("id").GetString()!;
            mails.Add(new Mail(id, recipients, m.GetProperty("subject").GetString()!, await _web.GetStringAsync($"api/messages/{id}/plaintext")));
        }
        return mails;
    }

    /// <summary>
    /// Confirms an address as its owner would: waits for the confirmation mail sent to it, posts the code it carries
    /// through <paramref name="api"/> (anybody's client: the code is the proof), and deletes that mail, so that what a
    /// test reads there next is the notifications.
    /// </summary>
    public async Task ConfirmAsync(HttpClient api, string address)
    {
        var mails = await Eventually.Returns(() => MessagesAsync(address), found => found.Any(IsConfirmation), TimeSpan.FromSeconds(30), $"the confirmation mail to {address}");
        var mail = mails.Last(IsConfirmation);
        var code = System.Text.RegularExpressions.Regex.Match(mail.Text, "[0-9a-f]{64}").Value;
        var confirmed = await api.PostAsJsonAsync("/api/v1/notifications/email-verification", new { token = code });
        if (!confirmed.IsSuccessStatusCode) throw new InvalidOperationException($"confirming {address}: {(int)confirmed.StatusCode} {await confirmed.Content.ReadAsStringAsync()}");
        (await _web.DeleteAsync($"api/messages/{mail.Id}")).EnsureSuccessStatusCode();
    }

    public static bool IsConfirmation(Mail mail) => mail.Subject.Contains("Confirmez votre adresse", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _web.Dispose();
        if (_folder is not null) try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
