using System.Net;
using System.Security.Cryptography;
using System.Text;
using Inventory.Api.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>The API with a private smtp4dev as its mail relay (a real SMTP server this fixture can stop), mail sent at once (no digest wait).</summary>
public sealed class NotifyingInventoryApi : InventoryApi
{
    public MailServer Mail { get; private set; } = null!;

    protected override string PoolSettings => $"Maximum Pool Size={DatabaseOptions.DefaultPoolSize}";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Smtp:Security"] = "none",
        ["Notifications:DigestWindow"] = "00:00:00",
        ["Notifications:AllowPrivateWebhooks"] = "true",
        ["Notifications:DashboardUrl"] = "http://dashboard.test",
        // Each test subscribes its people at addresses of its own: far more than a person's three a day.
        ["Notifications:ConfirmationMailsPerDay"] = "1000",
    };

    public override async Task InitializeAsync()
    {
        Mail = await MailServer.StartAsync();
        await base.InitializeAsync();
    }

    /// <summary>A COOP fridge with a device in it, both new.</summary>
    public async Task<(string Device, string Location)> PlacedFridgeAsync()
    {
        var (device, location) = ($"fridge-{Guid.NewGuid():N}"[..19], $"frigo-{Guid.NewGuid():N}"[..18]);
        await Created(Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = $"Frigo {location}", kind = "coop_fridge", region = "Estrie" }));
        Assert.Equal(HttpStatusCode.OK, (await Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location })).StatusCode);
        return (device, location);
    }

    /// <summary>An alert transition as the gateway posts it, with its own key unless another is given.</summary>
    public async Task<HttpResponseMessage> AlertAsync(string device, string type, string state, DateTimeOffset startedAt, DateTimeOffset at, double? peak = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/alerts")
        {
            Content = JsonContent.Create(new { deviceId = device, type, state, startedAt, at, peak, detail = $"{type} test" }),
        };
        request.Headers.Add("Idempotency-Key", key ?? $"{device}:alert:{type}:{state}:{startedAt.ToUnixTimeMilliseconds()}");
        return await Gateway.SendAsync(request);
    }

    /// <summary>One pass of the outbox's worker (fan out, escalate, send), as the hosted worker does every few seconds.</summary>
    public Task<int> DispatchAsync() => Services.GetRequiredService<NotificationDispatcher>().RunOnceAsync(CancellationToken.None);

    public async Task<long> ScalarAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

/// <summary>
/// Issue 18, from signal to action: the gateway's alert transitions become the alert history, and what
/// the platform notices reaches the right people by mail and webhook through the outbox — once, grouped
/// per person, delayed and never lost by an SMTP outage, refused and disabled for a webhook that says no.
/// The tests share one API and one mail server: each uses its own devices, places and addresses.
/// </summary>
[Collection(nameof(NotificationCollection))]
public sealed class NotificationTests(NotifyingInventoryApi api)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>A COOP fridge with a device, holding Saint-Fût's Blonde (so Saint-Fût's brewers are told of its alerts).</summary>
    private async Task<(string Device, string Location)> FridgeWithStFutBeerAsync()
    {
        var (device, location) = await api.PlacedFridgeAsync();
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-BLONDE-355", units = 24, to = location, occurredAt = DateTimeOffset.UtcNow.AddDays(-1) }));
        return (device, location);
    }

    private Task<HttpResponseMessage> AlertAsync(string device, string type, string state, DateTimeOffset startedAt, DateTimeOffset at, double? peak = null, string? key = null) =>
        api.AlertAsync(device, type, state, startedAt, at, peak, key);

    /// <summary>Subscribes a person at a new address, after sending what earlier tests left for their old one.</summary>
    private async Task SubscribeAsync(HttpClient person, string email, object? more = null)
    {
        await api.DispatchAsync();
        var body = new Dictionary<string, object?> { ["email"] = email, ["alerts"] = true, ["lowStock"] = true };
        foreach (var p in more?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(more);
        Assert.Equal(HttpStatusCode.OK, (await person.PutAsJsonAsync("/api/v1/notifications/subscription", body)).StatusCode);
        await api.DispatchAsync();
        await api.Mail.ConfirmAsync(api.Anonymous, email);
    }

    [Fact]
    public async Task The_gateways_transitions_are_recorded_once_with_duration_and_peak_and_an_unknown_device_is_refused()
    {
        var (device, location) = await FridgeWithStFutBeerAsync();
        var started = DateTimeOffset.UtcNow.AddMinutes(-50);
        await InventoryApi.Created(AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), peak: 8.6));
        await InventoryApi.Created(AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), peak: 8.6)); // the spool replays it
        var open = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?open=true&device={device}"))!;
        var alert = Assert.Single(open);
        Assert.Equal((location, "temperature_high"), (alert.GetProperty("location").GetString(), alert.GetProperty("type").GetString()));

        await InventoryApi.Created(AlertAsync(device, "temperature_high", "cleared", started, started.AddMinutes(40), peak: 11.2));
        var closed = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?device={device}"))!);
        Assert.Equal((40.0, 11.2), (closed.GetProperty("durationMinutes").GetDouble(), closed.GetProperty("peak").GetDouble()));
        Assert.Empty((await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?open=true&device={device}"))!);

        // A device the inventory does not know is refused by name (the gateway dead-letters it, never retries it forever);
        // a key that is not the transition's own is refused too; a brewer may not post for a device.
        await ProblemAssert.HasStatusAsync(await AlertAsync("fridge-nobody", "power_lost", "raised", started, started), HttpStatusCode.NotFound, "deviceId");
        await ProblemAssert.HasStatusAsync(await AlertAsync(device, "power_lost", "raised", started, started, key: "other-device:alert:power_lost:raised:1"),
            HttpStatusCode.BadRequest, "Idempotency-Key");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/device-reports/alerts", new { deviceId = device })).StatusCode);
        await ProblemAssert.HasStatusAsync(await AlertAsync(device, "too_warm", "raised", started, started, key: $"{device}:alert:too_warm:raised:{started.ToUnixTimeMilliseconds()}"),
            HttpStatusCode.BadRequest, "type");
    }

    /// <summary>
    /// The gateway writes batches in parallel, so a device's next alert may reach the API before the clear of the one
    /// before it: that one ends when it was cleared, not where the next began (the season replay found a kiosk's night
    /// offline until the next night).
    /// </summary>
    [Fact]
    public async Task A_clear_that_arrives_after_the_next_alert_of_its_type_still_ends_the_alert_when_it_was_cleared()
    {
        var (device, _) = await api.PlacedFridgeAsync();
        var night = DateTimeOffset.UtcNow.AddDays(-2);
        var nextNight = night.AddDays(1);
        await InventoryApi.Created(AlertAsync(device, "offline", "raised", night, night.AddMinutes(80)));
        await InventoryApi.Created(AlertAsync(device, "offline", "raised", nextNight, nextNight.AddMinutes(80)));
        await InventoryApi.Created(AlertAsync(device, "offline", "cleared", night, night.AddHours(13)));

        static long Ms(JsonElement e) => e.GetDateTimeOffset().ToUnixTimeMilliseconds();
        var alerts = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?device={device}"))!
            .Select(a => (Raised: Ms(a.GetProperty("raisedAt")), Cleared: a.GetProperty("clearedAt").ValueKind == JsonValueKind.Null ? (long?)null : Ms(a.GetProperty("clearedAt"))))
            .OrderBy(a => a.Raised).ToList();
        Assert.Equal([(night.ToUnixTimeMilliseconds(), night.AddHours(13).ToUnixTimeMilliseconds()), (nextNight.ToUnixTimeMilliseconds(), (long?)null)], alerts);
    }

    [Fact]
    public async Task A_device_silent_for_weeks_raises_an_offline_alert_whose_peak_is_its_silent_minutes()
    {
        var (device, _) = await api.PlacedFridgeAsync();
        var lastSeen = DateTimeOffset.UtcNow.AddDays(-40);
        var now = DateTimeOffset.UtcNow;
        await InventoryApi.Created(AlertAsync(device, "offline", "raised", lastSeen, now, peak: (now - lastSeen).TotalMinutes));
        var alert = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?open=true&device={device}"))!);
        Assert.Equal(40 * 24 * 60, alert.GetProperty("peak").GetDouble(), precision: 0);

        // A temperature is still bounded, and silent minutes are never negative.
        await ProblemAssert.HasStatusAsync(await AlertAsync(device, "temperature_high", "raised", lastSeen, now, peak: 57_600), HttpStatusCode.BadRequest, "peak");
        await ProblemAssert.HasStatusAsync(await AlertAsync(device, "power_lost", "raised", lastSeen, now, peak: double.MaxValue), HttpStatusCode.BadRequest, "peak");
    }

    [Fact]
    public async Task A_raised_alert_reaches_the_lead_and_the_brewers_whose_beer_stands_there_in_one_mail_per_person_once()
    {
        var (first, location) = await FridgeWithStFutBeerAsync();
        var second = Unique("fridge");
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{second}", new { kind = "fridge", location })).StatusCode);
        var (lead, stFut, aube) = (Unique("lea") + "@table.test", Unique("felix") + "@stfut.test", Unique("marie") + "@aube.test");
        await SubscribeAsync(api.Lead, lead);
        await SubscribeAsync(api.StFut, stFut);
        await SubscribeAsync(api.Aube, aube);

        // The festival's power goes out: four transitions within a minute.
        var at = DateTimeOffset.UtcNow;
        foreach (var device in new[] { first, second })
        {
            await InventoryApi.Created(AlertAsync(device, "power_lost", "raised", at, at));
            await InventoryApi.Created(AlertAsync(device, "temperature_high", "raised", at.AddSeconds(-900), at, peak: 9.1));
        }
        await api.DispatchAsync();
        await api.DispatchAsync(); // nothing more to send

        var felix = Assert.Single(await api.Mail.MessagesAsync(stFut));
        Assert.Equal("[Frigo COOP] 4 avis / notices", felix.Subject);
        foreach (var device in new[] { first, second }) Assert.Equal(2, felix.Text.Split($"(appareil {device})").Length - 1); // each device's two notices
        Assert.Contains($"Panne de courant : Frigo {location}", felix.Text);
        Assert.Contains("http://dashboard.test/alertes", felix.Text);
        Assert.Single(await api.Mail.MessagesAsync(lead));
        Assert.Empty(await api.Mail.MessagesAsync(aube)); // no Aube beer there
        var subscription = await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/notifications/subscription");
        Assert.Equal(4, subscription.GetProperty("recent").EnumerateArray().Count(d => d.GetProperty("sentAt").ValueKind != JsonValueKind.Null
            && d.GetProperty("subject").GetString()!.Contains(location, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_brewer_whose_beer_stood_there_when_the_alert_was_raised_is_told_even_if_the_shelf_sold_out_since()
    {
        var (device, location) = await FridgeWithStFutBeerAsync(); // 24 Blonde, now
        var felix = Unique("felix") + "@stfut.test";
        await SubscribeAsync(api.StFut, felix);
        var at = DateTimeOffset.UtcNow;
        await InventoryApi.Created(AlertAsync(device, "power_lost", "raised", at, at));
        // The shelf sells out right after (a count that arrived before the worker's pass).
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 24, from = location, occurredAt = at.AddSeconds(1) }));
        await api.DispatchAsync();
        Assert.Contains($"(appareil {device})", Assert.Single(await api.Mail.MessagesAsync(felix)).Text);
    }

    [Fact]
    public async Task An_offline_alert_is_told_only_if_it_outlasts_its_grace_a_blip_is_nobodys_business()
    {
        var (blip, _) = await FridgeWithStFutBeerAsync();
        var (gone, _) = await FridgeWithStFutBeerAsync();
        var felix = Unique("felix") + "@stfut.test";
        await SubscribeAsync(api.StFut, felix);
        var at = DateTimeOffset.UtcNow;
        await InventoryApi.Created(AlertAsync(blip, "offline", "raised", at, at));
        await InventoryApi.Created(AlertAsync(gone, "offline", "raised", at, at));
        await api.DispatchAsync();
        Assert.Empty(await api.Mail.MessagesAsync(felix)); // within the grace: waiting
        await InventoryApi.Created(AlertAsync(blip, "offline", "cleared", at, at.AddSeconds(20))); // back 20 s later
        // The grace (2 min) passes.
        await api.ScalarAsync("UPDATE notification_events SET created_at = created_at - interval '3 minutes' WHERE alert_id IN (SELECT id FROM alerts WHERE device_id = ANY($1))",
            (object)new[] { blip, gone });
        await api.DispatchAsync();
        var text = Assert.Single(await api.Mail.MessagesAsync(felix)).Text;
        Assert.Contains($"(appareil {gone})", text);
        Assert.DoesNotContain(blip, text);
    }

    [Fact]
    public async Task An_smtp_outage_delays_the_mail_and_loses_none_and_the_retry_sends_it_once()
    {
        var (device, _) = await FridgeWithStFutBeerAsync();
        var felix = Unique("felix") + "@stfut.test";
        await SubscribeAsync(api.StFut, felix);
        await api.Mail.StopAsync();
        try
        {
            var at = DateTimeOffset.UtcNow;
            await InventoryApi.Created(AlertAsync(device, "door_open_too_long", "raised", at.AddMinutes(-3), at));
            await InventoryApi.Created(AlertAsync(device, "temperature_high", "raised", at.AddMinutes(-15), at, peak: 8.4));
            await api.DispatchAsync();
            Assert.Equal(2, await api.ScalarAsync("""
                SELECT count(*) FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id JOIN alerts a ON a.id = e.alert_id
                WHERE a.device_id = $1 AND d.sent_at IS NULL AND d.attempts = 1 AND d.last_error IS NOT NULL AND d.abandoned_reason IS NULL
                """, device));
        }
        finally
        {
            await api.Mail.StartAgainAsync();
        }
        // The retry is due 5 s after the failure (backoff): the worker's passes send it then, once.
        await Eventually.Holds(async () => { await api.DispatchAsync(); return (await api.Mail.MessagesAsync(felix)).Count > 0; },
            TimeSpan.FromSeconds(30), "the mail held during the outage to be sent");
        await api.DispatchAsync();
        var mail = Assert.Single(await api.Mail.MessagesAsync(felix));
        Assert.Contains("Porte ouverte trop longtemps", mail.Text);
        Assert.Contains("Bière trop chaude", mail.Text);
    }

    [Fact]
    public async Task Replicas_sending_at_once_and_one_stopped_midway_send_each_notification_exactly_once()
    {
        var lead = Unique("lea") + "@table.test";
        await SubscribeAsync(api.Lead, lead);
        var devices = new List<string>();
        for (var i = 0; i < 12; i++) devices.Add((await FridgeWithStFutBeerAsync()).Device);

        // Two replicas with their workers running (every 100 ms), the alerts arriving while they send; one stops halfway.
        static Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Sending(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> replica) =>
            replica.WithWebHostBuilder(web => { web.UseSetting("Notifications:Send", "true"); web.UseSetting("Notifications:PollEvery", "00:00:00.1"); });
        var one = Sending(api.NewReplica());
        await using var two = Sending(api.NewReplica());
        _ = (one.Services, two.Services); // started
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < devices.Count; i++)
        {
            await InventoryApi.Created(AlertAsync(devices[i], "power_lost", "raised", at, at));
            if (i == devices.Count / 2) await one.DisposeAsync(); // a graceful stop, as a deployment does
        }
        await Eventually.Holds(async () => await api.ScalarAsync("""
            SELECT count(*) FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
            WHERE d.destination = $1 AND d.sent_at IS NOT NULL AND e.kind <> 'email_verification'
            """, lead) == devices.Count, TimeSpan.FromSeconds(30), "every notification to be sent");

        var text = string.Concat((await api.Mail.MessagesAsync(lead)).Select(m => m.Text));
        Assert.All(devices, device => Assert.Equal(1, text.Split($"(appareil {device})").Length - 1));
    }

    [Fact]
    public async Task A_webhook_gets_signed_json_and_one_that_keeps_answering_4xx_is_disabled_with_its_reason()
    {
        var (device, _) = await FridgeWithStFutBeerAsync();
        using var receiver = new HttpListener();
        var port = AppProcess.FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var url = $"http://127.0.0.1:{port}/hooks/frigo";
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { webhookUrl = url, alerts = true, lowStock = false })).StatusCode);
        var secret = (await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/notifications/subscription")).GetProperty("webhookSecret").GetString()!;

        var at = DateTimeOffset.UtcNow;
        await InventoryApi.Created(AlertAsync(device, "power_lost", "raised", at, at));
        var sending = api.DispatchAsync();
        var context = await receiver.GetContextAsync();
        var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        context.Response.StatusCode = 204;
        context.Response.Close();
        await sending;
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body.ToArray()));
        Assert.Equal(expected, context.Request.Headers[WebhookSender.SignatureHeader]);
        var text = JsonDocument.Parse(body.ToArray()).RootElement.GetProperty("text").GetString()!;
        Assert.Contains($"(appareil {device})", text);
        // The time on the Table's clock, with the zone's abbreviation in each language (never UTC).
        var quebec = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("America/Toronto"));
        var (french, english) = quebec.Offset == TimeSpan.FromHours(-4) ? ("HAE", "EDT") : ("HNE", "EST");
        Assert.Contains($"depuis {quebec:yyyy-MM-dd HH:mm} {french}", text);
        Assert.Contains($"since {quebec:yyyy-MM-dd HH:mm} {english}", text);

        // The receiving tool is gone (410): three refusals in a row disable the webhook, with the reason shown.
        for (var refusal = 1; refusal <= 3; refusal++)
        {
            var later = at.AddMinutes(refusal);
            await InventoryApi.Created(AlertAsync(device, "door_open_too_long", "raised", later, later));
            await InventoryApi.Created(AlertAsync(device, "door_open_too_long", "cleared", later, later.AddSeconds(30)));
            await api.ScalarAsync("UPDATE notification_deliveries SET next_attempt_at = now() WHERE sent_at IS NULL AND abandoned_reason IS NULL AND destination = $1", url);
            sending = api.DispatchAsync();
            var gone = await receiver.GetContextAsync();
            gone.Response.StatusCode = 410;
            gone.Response.Close();
            await sending;
        }
        var subscription = await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/notifications/subscription");
        Assert.Contains("410", subscription.GetProperty("webhookDisabledReason").GetString());
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM notification_deliveries WHERE destination = $1 AND sent_at IS NULL AND abandoned_reason IS NULL", url));
        // Saving the same address keeps it disabled; a new address starts afresh, with a new secret.
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { webhookUrl = url + "2" })).StatusCode);
        var fresh = await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/notifications/subscription");
        Assert.Equal(JsonValueKind.Null, fresh.GetProperty("webhookDisabledReason").ValueKind);
        Assert.NotEqual(secret, fresh.GetProperty("webhookSecret").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { alerts = true })).StatusCode); // no webhook any more
    }

    [Fact]
    public async Task An_address_is_told_nothing_but_its_confirmation_until_its_owner_confirms_it_once()
    {
        var felix = Unique("felix") + "@stfut.test";
        await api.DispatchAsync(); // what earlier tests left
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = felix, alerts = true })).StatusCode);
        Assert.False((await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/notifications/subscription")).GetProperty("emailVerified").GetBoolean());
        var (device, _) = await FridgeWithStFutBeerAsync();
        var started = DateTimeOffset.UtcNow.AddMinutes(-30);
        await InventoryApi.Created(AlertAsync(device, "power_lost", "raised", started, started.AddMinutes(1)));
        await api.DispatchAsync();

        var confirmation = Assert.Single(await api.Mail.MessagesAsync(felix)); // the alert went to nobody at this address
        Assert.Contains("http://dashboard.test/avis/confirmer?jeton=", confirmation.Text);
        var code = System.Text.RegularExpressions.Regex.Match(confirmation.Text, "[0-9a-f]{64}").Value;
        var verify = (string token) => api.Anonymous.PostAsJsonAsync("/api/v1/notifications/email-verification", new { token });
        await ProblemAssert.HasStatusAsync(await verify(new string('a', 64)), HttpStatusCode.NotFound, "token");
        await ProblemAssert.HasStatusAsync(await verify("not-a-code"), HttpStatusCode.BadRequest, "token");
        Assert.Equal(HttpStatusCode.NoContent, (await verify(code)).StatusCode);
        await ProblemAssert.HasStatusAsync(await verify(code), HttpStatusCode.NotFound, "token"); // once
        Assert.True((await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/notifications/subscription")).GetProperty("emailVerified").GetBoolean());

        // Confirmed, the address is told; the same address saved again (its case changed) stays confirmed.
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = felix.ToUpperInvariant(), alerts = true })).StatusCode);
        await InventoryApi.Created(AlertAsync(device, "door_open_too_long", "raised", started, started.AddMinutes(2)));
        await api.DispatchAsync();
        Assert.Contains(await api.Mail.MessagesAsync(felix), m => m.Text.Contains($"(appareil {device})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_confirmation_code_expires_after_two_days()
    {
        var marie = Unique("marie") + "@aube.test";
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = marie })).StatusCode);
        await api.DispatchAsync();
        var code = System.Text.RegularExpressions.Regex.Match(Assert.Single(await api.Mail.MessagesAsync(marie)).Text, "[0-9a-f]{64}").Value;
        await api.ScalarAsync("UPDATE notification_subscriptions SET email_token_sent_at = now() - interval '2 days 1 minute' WHERE email = $1", marie);

        await ProblemAssert.HasStatusAsync(await api.Anonymous.PostAsJsonAsync("/api/v1/notifications/email-verification", new { token = code }), HttpStatusCode.NotFound, "token");
    }

    [Fact]
    public async Task A_subscription_refuses_malformed_mail_addresses_and_webhooks_into_the_servers_own_network_by_field()
    {
        await ProblemAssert.HasStatusAsync(await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "felix at stfut" }), HttpStatusCode.BadRequest, "email");
        await ProblemAssert.HasStatusAsync(await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "Félix <felix@stfut.ca>" }), HttpStatusCode.BadRequest, "email");
        await ProblemAssert.HasStatusAsync(await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "a@b.ca, c@d.ca" }), HttpStatusCode.BadRequest, "email");
        await ProblemAssert.HasStatusAsync(await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { webhookUrl = "file:///etc/passwd" }), HttpStatusCode.BadRequest, "webhookUrl");
        await ProblemAssert.HasStatusAsync(await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { quietFrom = "22:00" }), HttpStatusCode.BadRequest, "quietTo");
        // As deployed (private webhooks not allowed): InfluxDB's /query on loopback, the cloud's metadata address.
        await using var deployed = api.NewReplica().WithWebHostBuilder(web => web.UseSetting("Notifications:AllowPrivateWebhooks", "false"));
        var felix = deployed.CreateClient(new() { HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await felix.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "felix", password = InventoryApi.Password })).StatusCode);
        foreach (var inside in new[] { "http://127.0.0.1:28086/query?q=DROP%20DATABASE%20frigo", "http://169.254.169.254/latest/meta-data/", "http://[::1]:5080/", "http://10.0.0.8/hook" })
            await ProblemAssert.HasStatusAsync(await felix.PutAsJsonAsync("/api/v1/notifications/subscription", new { webhookUrl = inside }), HttpStatusCode.UnprocessableEntity, "webhookUrl");
        // An API key is nobody to notify.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.WithApiKey(api.BrewerKey).PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "x@y.ca" })).StatusCode);
    }

    [Fact]
    public async Task An_alert_nobody_acknowledged_in_time_goes_to_the_lead_once_and_an_acknowledged_one_does_not()
    {
        var (device, _) = await FridgeWithStFutBeerAsync();
        var (other, _) = await FridgeWithStFutBeerAsync();
        var lead = Unique("lea") + "@table.test";
        await SubscribeAsync(api.Lead, lead, new { alerts = false, lowStock = false }); // the lead wants no alerts, but escalations reach him
        var at = DateTimeOffset.UtcNow;
        await InventoryApi.Created(AlertAsync(device, "temperature_high", "raised", at.AddMinutes(-15), at, peak: 9));
        await InventoryApi.Created(AlertAsync(other, "temperature_high", "raised", at.AddMinutes(-15), at, peak: 9));
        var acknowledged = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?device={other}"))![0].GetProperty("id").GetInt64();
        // Aube's brewer has no beer there: not his to acknowledge. Saint-Fût's is.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PostAsJsonAsync($"/api/v1/alerts/{acknowledged}/acknowledgement", new { note = "?" })).StatusCode);
        var ack = await (await api.StFut.PostAsJsonAsync($"/api/v1/alerts/{acknowledged}/acknowledgement", new { note = "J'y vais, 20 min" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("felix", "J'y vais, 20 min"), (ack.GetProperty("acknowledgedBy").GetString(), ack.GetProperty("acknowledgementNote").GetString()));
        // Aube brings a can there after the alert was raised: the alert is still not Aube's to silence (an acknowledgement stops the escalation).
        var open = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?device={device}"))![0].GetProperty("id").GetInt64();
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "AUBE-IPA-473", units = 1, to = "aube-brasserie" }));
        var fridge = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/alerts?device={device}"))![0].GetProperty("location").GetString();
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "AUBE-IPA-473", units = 1, from = "aube-brasserie", to = fridge }));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PostAsJsonAsync($"/api/v1/alerts/{open}/acknowledgement", new { note = "vu" })).StatusCode);

        await api.ScalarAsync("UPDATE alerts SET reported_at = now() - interval '2 hours' WHERE device_id = ANY($1)", (object)new[] { device, other });
        await api.DispatchAsync();
        await api.DispatchAsync();
        var mail = Assert.Single(await api.Mail.MessagesAsync(lead));
        Assert.StartsWith("[Frigo COOP] Sans réponse : bière trop chaude", mail.Subject);
        Assert.Contains($"(appareil {device})", mail.Text);
        Assert.DoesNotContain(other, mail.Text);
    }

    [Fact]
    public async Task A_fridge_beer_falling_under_par_tells_its_brewer_once_in_the_transaction_of_the_movement()
    {
        var (_, location) = await FridgeWithStFutBeerAsync(); // 24 Blonde on the shelf
        var (felix, marie) = (Unique("felix") + "@stfut.test", Unique("marie") + "@aube.test");
        await SubscribeAsync(api.StFut, felix);
        await SubscribeAsync(api.Aube, marie);
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-BLONDE-355", location, parUnits = 20 })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 3, from = location })); // 21: at par
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 5, from = location })); // 16: under
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 2, from = location })); // 14: still under
        // A movement refused (more than held) writes no event: the outbox shares the movement's transaction.
        Assert.Equal(HttpStatusCode.Conflict, (await api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 500, from = location })).StatusCode);
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM notification_events e JOIN locations l ON l.id = e.location_id WHERE l.code = $1 AND e.kind = 'low_stock'", location));

        await api.DispatchAsync();
        var mail = Assert.Single(await api.Mail.MessagesAsync(felix));
        Assert.Contains($"Blonde du Fût (STFUT-BLONDE-355) à Frigo {location} : 16 unités pour un niveau cible de 20.", mail.Text);
        Assert.Empty(await api.Mail.MessagesAsync(marie));
    }

    [Fact]
    public async Task A_brewer_moving_a_can_out_and_back_around_par_warns_once_in_two_hours_not_once_a_crossing()
    {
        var (_, location) = await FridgeWithStFutBeerAsync(); // 24 Blonde on the shelf
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-BLONDE-355", location, parUnits = 20 })).StatusCode);
        async Task ToggleAsync()
        {
            await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-BLONDE-355", units = 5, from = location, to = "stfut-brasserie" }));
            await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-BLONDE-355", units = 5, from = "stfut-brasserie", to = location }));
        }
        const string warnings = "SELECT count(*) FROM notification_events e JOIN locations l ON l.id = e.location_id WHERE l.code = $1 AND e.kind = 'low_stock'";

        for (var i = 0; i < 5; i++) await ToggleAsync();
        Assert.Equal(1, await api.ScalarAsync(warnings, location));

        await api.ScalarAsync("UPDATE notification_events e SET created_at = now() - interval '2 hours 1 minute' FROM locations l WHERE l.id = e.location_id AND l.code = $1", location);
        await ToggleAsync();
        Assert.Equal(2, await api.ScalarAsync(warnings, location));
    }

    [Fact]
    public async Task An_alert_raised_behind_a_flood_of_low_stock_warnings_is_fanned_out_and_sent_first()
    {
        var (device, location) = await FridgeWithStFutBeerAsync();
        var felix = Unique("felix") + "@stfut.test";
        await SubscribeAsync(api.StFut, felix);
        await api.ScalarAsync("""
            INSERT INTO notification_events (kind, sku, location_id, units, par_units)
            SELECT 'low_stock', 'STFUT-BLONDE-355', l.id, 1, 2 FROM locations l, generate_series(1, 450) WHERE l.code = $1
            """, location);
        var started = DateTimeOffset.UtcNow.AddMinutes(-20);
        await InventoryApi.Created(AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), peak: 9.1));
        const string alertDelivery = """
            SELECT count(*) FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id JOIN alerts a ON a.id = e.alert_id
            WHERE a.device_id = $1 AND d.destination = $2
            """;

        await api.Services.GetRequiredService<Outbox>().FanOutAsync(CancellationToken.None); // one batch of 200

        Assert.Equal(1, await api.ScalarAsync(alertDelivery, device, felix));
        while (await api.DispatchAsync() > 0) { }
        // 451 deliveries to Félix go in five digests of at most 100: the alert is in the first one sent.
        const string notices = "SELECT {0} FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id WHERE d.destination = $1 AND e.kind <> 'email_verification'";
        Assert.Equal(451, await api.ScalarAsync(string.Format(notices, "count(d.sent_at)"), felix));
        Assert.Equal(1, await api.ScalarAsync($"""
            {alertDelivery} AND d.sent_at = ({string.Format(notices, "min(d.sent_at)").Replace("$1", "$2")})
            """, device, felix));
    }
}

/// <summary>Beer exposed to heat: found from the alert history and the ledger, told to its brewers, decided once.</summary>
[Collection(nameof(NotificationCollection))]
public sealed class ExposedStockTests(NotifyingInventoryApi api)
{
    [Fact]
    public async Task A_long_excursion_exposes_the_lots_that_stood_there_long_enough_tells_the_brewer_and_a_discard_is_one_loss()
    {
        var (device, location) = await api.PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        async Task Move(object movement) => await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", movement));
        await Move(new { kind = "count_adjustment", sku = "STFUT-BLONDE-355", units = 24, lot = "2026-11-A", to = location, occurredAt = now.AddHours(-5) });
        await Move(new { kind = "production", sku = "STFUT-BLONDE-355", units = 30, lot = "2026-11-B", to = "stfut-brasserie", occurredAt = now.AddHours(-6) });
        // Three hours above the limit, from 4 h ago: 4 sold half an hour in, a restock of lot B half an hour before the end.
        await Move(new { kind = "sale", sku = "STFUT-BLONDE-355", units = 4, lot = "2026-11-A", from = location, occurredAt = now.AddHours(-3.5) });
        await Move(new { kind = "transfer", sku = "STFUT-BLONDE-355", units = 12, lot = "2026-11-B", from = "stfut-brasserie", to = location, occurredAt = now.AddHours(-1.5) });
        var (felix, marie) = ($"felix-{Guid.NewGuid():N}"[..18] + "@stfut.test", $"marie-{Guid.NewGuid():N}"[..18] + "@aube.test");
        await api.DispatchAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = felix, alerts = true, lowStock = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = marie, alerts = true, lowStock = false })).StatusCode);
        await api.DispatchAsync();
        await api.Mail.ConfirmAsync(api.Anonymous, felix);
        await api.Mail.ConfirmAsync(api.Anonymous, marie);
        var started = now.AddHours(-4);
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), 11.5));
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "cleared", started, now.AddHours(-1), 11.5));

        await api.DispatchAsync();
        await api.DispatchAsync(); // looked at again after the clear: nothing new
        var exposed = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/exposures?undecided=true"))!.Where(e => e.GetProperty("location").GetString() == location).ToList();
        var lot = Assert.Single(exposed); // lot B stood there half an hour only
        Assert.Equal(("2026-11-A", 20), (lot.GetProperty("lotCode").GetString(), lot.GetProperty("units").GetInt32()));
        Assert.DoesNotContain((await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/exposures"))!, e => e.GetProperty("location").GetString() == location);
        var mail = Assert.Single(await api.Mail.MessagesAsync(felix), m => m.Text.Contains(location, StringComparison.Ordinal) && m.Text.Contains("lot 2026-11-A", StringComparison.Ordinal));
        Assert.Contains("20 unités sont restées au chaud", mail.Text);
        Assert.DoesNotContain(await api.Mail.MessagesAsync(marie), m => m.Text.Contains("exposée", StringComparison.Ordinal) && m.Text.Contains(location, StringComparison.Ordinal));
        Assert.Contains($"data-exposure=\"{lot.GetProperty("id").GetInt64()}\"", await api.StFut.GetStringAsync("/stock"));

        // Saint-Fût's brewer discards it (twice: a double tap); Aube's cannot see it to decide.
        var url = $"/api/v1/stock/exposures/{lot.GetProperty("id").GetInt64()}/decision";
        Assert.Equal(HttpStatusCode.NotFound, (await api.Aube.PostAsJsonAsync(url, new { decision = "keep" })).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync(url, new { decision = "drink it" }), HttpStatusCode.BadRequest, "decision");
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PostAsJsonAsync(url, new { decision = "discard", note = "Goût de carton" })).StatusCode);
        var again = await (await api.StFut.PostAsJsonAsync(url, new { decision = "keep" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("discard", "felix", 20), (again.GetProperty("decision").GetString(), again.GetProperty("decidedBy").GetString(), again.GetProperty("discardedUnits").GetInt32()));
        var levels = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}"))!;
        Assert.Equal((0, 12), (levels.Where(l => l.GetProperty("lot").GetString() == "2026-11-A").Sum(l => l.GetProperty("units").GetInt32()),
            levels.Where(l => l.GetProperty("lot").GetString() == "2026-11-B").Sum(l => l.GetProperty("units").GetInt32())));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM movements m JOIN locations l ON l.id = m.from_location_id WHERE l.code = $1 AND m.kind = 'loss'", location));
        Assert.DoesNotContain($"data-exposure=\"{lot.GetProperty("id").GetInt64()}\"", await api.StFut.GetStringAsync("/stock"));
    }
}

/// <summary>
/// Exposed stock follows the facts in event time (docs/ledger.md, "Exposed stock"): an excursion worked out while its
/// clear and its fridge's facts were still on their way is worked out again when they arrive. The old rule looked at a
/// cleared excursion again only if it had last looked before the clear's own time, and kept the larger count: here, 24
/// cans exposed by a 45-minute excursion and 24 by one whose first hour sold 10.
/// </summary>
[Collection(nameof(NotificationCollection))]
public sealed class LateExposureFactsTests(NotifyingInventoryApi api)
{
    private async Task<List<(string Lot, int Units)>> ExposedAtAsync(string location) =>
        [.. (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/exposures?undecided=true"))!
            .Where(e => e.GetProperty("location").GetString() == location).Select(e => (e.GetProperty("lotCode").GetString()!, e.GetProperty("units").GetInt32()))];

    [Fact]
    public async Task An_excursion_whose_clear_comes_late_is_worked_out_again_and_a_short_one_exposes_nothing()
    {
        var (device, location) = await api.PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        var felix = $"felix-{Guid.NewGuid():N}"[..18] + "@stfut.test";
        await api.DispatchAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = felix, alerts = true, lowStock = false })).StatusCode);
        await api.DispatchAsync();
        await api.Mail.ConfirmAsync(api.Anonymous, felix);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-BLONDE-355", units = 24, lot = "2026-12-A", to = location, occurredAt = now.AddHours(-5) }));
        var started = now.AddHours(-4);
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), 9.4));
        await api.DispatchAsync(); // still going after four hours, as far as anyone knows: the shelf is exposed
        Assert.Equal([("2026-12-A", 24)], await ExposedAtAsync(location));

        // The fridge's Wi-Fi was down: its clear, 45 minutes in, arrives now.
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "cleared", started, started.AddMinutes(45), 9.4));
        await api.DispatchAsync();
        Assert.Empty(await ExposedAtAsync(location));
        // Told it was exposed, the brewer is told it no longer is: nothing left to decide.
        await api.DispatchAsync();
        var mails = await api.Mail.MessagesAsync(felix);
        Assert.Contains(mails, m => m.Text.Contains("restées au chaud", StringComparison.Ordinal) && m.Text.Contains(location, StringComparison.Ordinal));
        Assert.Contains(mails, m => m.Text.Contains("Rien à décider", StringComparison.Ordinal) && m.Text.Contains(location, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sale_learnt_of_after_the_excursion_was_worked_out_takes_its_units_off_the_exposure()
    {
        var (device, location) = await api.PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-BLONDE-355", units = 24, lot = "2026-12-B", to = location, occurredAt = now.AddHours(-5) }));
        var started = now.AddHours(-4);
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), 10.2));
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "cleared", started, started.AddHours(3), 10.2));
        await api.DispatchAsync();
        Assert.Equal([("2026-12-B", 24)], await ExposedAtAsync(location));

        // Ten sold half an hour in, learnt of afterwards (the count that saw them was held): 14 stood there two hours.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 10, lot = "2026-12-B", from = location, occurredAt = started.AddMinutes(30) }));
        await api.DispatchAsync();
        Assert.Equal([("2026-12-B", 14)], await ExposedAtAsync(location));
        // A fact after the excursion changes nothing, and nothing is worked out again for it.
        var seen = await api.ScalarAsync("SELECT exposure_facts FROM alerts WHERE device_id = $1 AND type = 'temperature_high'", device);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 2, lot = "2026-12-B", from = location, occurredAt = now.AddMinutes(-5) }));
        Assert.Equal(seen, await api.ScalarAsync("SELECT exposure_facts FROM alerts WHERE device_id = $1 AND type = 'temperature_high'", device));
        await api.DispatchAsync();
        Assert.Equal([("2026-12-B", 14)], await ExposedAtAsync(location));
    }
}

/// <summary>The pages of the loop: open alerts with the form where the person may act, the device's history, a person's subscription.</summary>
[Collection(nameof(NotificationCollection))]
public sealed class AlertPageTests(NotifyingInventoryApi api)
{
    [Fact]
    public async Task The_alerts_page_offers_taking_an_alert_in_hand_to_whom_it_concerns_and_the_fridge_page_lists_its_history()
    {
        var (device, location) = await api.PlacedFridgeAsync();
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "AUBE-IPA-473", units = 6, to = location, occurredAt = DateTimeOffset.UtcNow.AddDays(-1) }));
        var started = DateTimeOffset.UtcNow.AddMinutes(-125);
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "raised", started, started.AddMinutes(15), 9.0));
        await InventoryApi.Created(api.AlertAsync(device, "temperature_high", "cleared", started, started.AddMinutes(65), 12.4));
        var now = DateTimeOffset.UtcNow;
        await InventoryApi.Created(api.AlertAsync(device, "power_lost", "raised", now, now));

        // Aube's beer stands there: its brewer gets the form; Saint-Fût's sees the alert, without a form.
        var aube = await api.Aube.GetStringAsync("/alertes");
        var card = aube[aube.IndexOf($"data-device=\"{device}\"", StringComparison.Ordinal)..];
        card = card[..card.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("panne de courant", card);
        Assert.Contains("/acknowledgement", card);
        var stFut = await api.StFut.GetStringAsync("/alertes");
        Assert.Contains($"data-device=\"{device}\"", stFut);
        var other = stFut[stFut.IndexOf($"data-device=\"{device}\"", StringComparison.Ordinal)..];
        Assert.DoesNotContain("/acknowledgement", other[..other.IndexOf("</section>", StringComparison.Ordinal)]);
        // The fridge page (a device that reports) lists the past alert with its duration and peak.
        await api.Influx.WriteAsync($"fridge_reading,device={device},kind=fridge temp_c=3.5,seq=1i {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}000000");
        var fridge = await api.Lead.GetStringAsync($"/frigos/{device}");
        Assert.Contains("<td>bière trop chaude</td>", fridge);
        Assert.Contains("<td>1 h 05</td><td>12,4</td>", fridge);
        // A person's page shows the subscription's form.
        Assert.Contains("id=\"subscription\"", await api.StFut.GetStringAsync("/avis"));
    }

    [Fact]
    public async Task The_food_safety_log_covers_a_long_period_in_pieces_and_marks_the_excursions()
    {
        var device = $"fridge-{Guid.NewGuid():N}"[..19];
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)); // Québec's midnight (EST)
        // 40 days, one reading every 6 hours; every 7th above 8 °C.
        var lines = Enumerable.Range(0, 160).Select(i => $"fridge_reading,device={device},kind=fridge temp_c={(i % 7 == 0 ? 9.5 : 3.0)},seq={i}i {start.AddHours(6 * i).ToUnixTimeMilliseconds()}000000");
        await api.Influx.WriteAsync(string.Join('\n', lines));

        var response = await api.Lead.GetAsync($"/frigos/{device}/journal.csv?du=2026-01-01&au=2026-02-09");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("horodatage,temperature_c,excursion,porte_ouverte,sur_batterie", rows[0]);
        Assert.Equal(160, rows.Length - 1);
        Assert.Equal(rows.Skip(1).Order(StringComparer.Ordinal), rows.Skip(1)); // in time order across the weekly pieces
        Assert.Equal(23, rows.Count(r => r.Contains(",9.5,au-dessus de 8 °C,", StringComparison.Ordinal)));
        Assert.StartsWith("2026-01-01T00:00:00-05:00,9.5,", rows[1]); // the Table's days, on its clock
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Lead.GetAsync($"/frigos/{device}/journal.csv?du=2024-01-01&au=2026-02-09")).StatusCode);
    }
}

[CollectionDefinition(nameof(NotificationCollection))]
public sealed class NotificationCollection : ICollectionFixture<NotifyingInventoryApi>;
