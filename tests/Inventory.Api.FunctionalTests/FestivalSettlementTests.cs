using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>Who owes whom after a festival, from the ledger's kiosk sales and the agreed kiosk fee.</summary>
public sealed class FestivalSettlementTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task The_table_pays_each_brewery_its_kiosk_takings_with_taxes_and_deposit_less_the_fee_and_each_brewer_sees_its_own_statement()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "settle-fest", name = "Festival à régler", site = "Parc", region = "Mauricie", startsOn = "2026-07-10", endsOn = "2026-07-11",
            expectedAttendance = 500, breweries = new[] { "saint-fut", "aube" }, kioskFeeBasisPoints = 1500,
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/settle-fest/kiosks", new { code = "k1", name = "Kiosque" }));
        foreach (var sku in new[] { "STFUT-EPAULE-473", "AUBE-IPA-473" })
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku, units = 50, to = "settle-fest-k1" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/settle-fest/kiosks/k1/sales", new
        {
            lines = new[] { new { sku = "STFUT-EPAULE-473", units = 20, unitPriceCents = 850 }, new { sku = "AUBE-IPA-473", units = 15, unitPriceCents = 800 } },
        }));

        var settlement = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/settle-fest/settlement");
        var byParty = settlement.GetProperty("statements").EnumerateArray().ToDictionary(s => s.GetProperty("party").GetString()!);
        // Québec's terms of the day (the migration's): kiosk prices taxes included, GST 5 %, QST 9.975 %, 10 ¢ a can on top;
        // the fee is 15 % of the sales before taxes. Saint-Fût: 170.00 $ = 147.86 + 7.39 + 14.75, deposit 2.00, fee 22.18.
        long[] Figures(string party) => new[] { "revenueCents", "netCents", "gstCents", "qstCents", "depositCents", "feeCents", "owedCents", "collectedCents", "balanceCents" }
            .Select(name => byParty[party].GetProperty(name).GetInt64()).ToArray();
        Assert.Equal([17_000, 14_786, 739, 1_475, 200, 2_218, 14_982, 0, 14_982], Figures("saint-fut"));
        Assert.Equal([12_000, 10_437, 522, 1_041, 150, 1_566, 10_584, 0, 10_584], Figures("aube"));
        Assert.Equal([0, 0, 0, 0, 0, 0, 3_784, 29_350, -25_566], Figures("table"));
        Assert.Equal(29_350, settlement.GetProperty("takingsCents").GetInt64());
        Assert.Equal(["table→aube 10584", "table→saint-fut 14982"], settlement.GetProperty("transfers").EnumerateArray()
            .Select(t => $"{t.GetProperty("from").GetString()}→{t.GetProperty("to").GetString()} {t.GetProperty("cents").GetInt64()}").Order());

        // Aube's brewer reads Aube's statement and the transfer it receives; Saint-Fût's figures stay Saint-Fût's.
        var aube = await api.Aube.GetFromJsonAsync<JsonElement>("/api/v1/festivals/settle-fest/settlement");
        Assert.Equal(["aube"], aube.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("party").GetString()));
        Assert.Equal(["aube"], aube.GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("to").GetString()));

        // The printable statements: the brewer gets its own page only.
        var aubePage = await api.Aube.GetStringAsync("/festivals/settle-fest/reglement");
        Assert.Contains("data-party=\"aube\"", aubePage);
        Assert.DoesNotContain("data-party=\"saint-fut\"", aubePage);
        Assert.Contains("data-party=\"table\"", await api.Lead.GetStringAsync("/festivals/settle-fest/reglement"));

        var csv = await api.Lead.GetStringAsync("/api/v1/festivals/settle-fest/settlement?format=csv");
        Assert.StartsWith("festival,partie,unites,ventes_cents,avant_taxes_cents,tps_cents,tvq_cents,consigne_cents,frais_kiosque_cents,du_cents,encaisse_cents,solde_cents\r\n", csv);
        Assert.Contains("settle-fest,saint-fut,20,17000,14786,739,1475,200,2218,14982,0,14982\r\n", csv);
    }

    [Fact]
    public async Task A_brewer_reaches_the_pick_lists_and_settlement_of_the_months_festivals_it_takes_part_in_from_the_statements_page()
    {
        await AubeKioskFestival.CreateAsync(api, "links-fest", "Festival des liens", "2026-06-05", "kiosk-links-1", 10, new DateTimeOffset(2026, 6, 5, 18, 0, 0, TimeSpan.FromHours(-4)));

        var aube = await api.Aube.GetStringAsync("/releves?mois=2026-06");
        Assert.Contains("href=\"/festivals/links-fest/listes\"", aube);
        Assert.Contains("href=\"/festivals/links-fest/reglement\"", aube);
        Assert.DoesNotContain("links-fest", await api.StFut.GetStringAsync("/releves?mois=2026-06")); // Saint-Fût takes no part in it
        Assert.DoesNotContain("links-fest", await api.Aube.GetStringAsync("/releves?mois=2026-07")); // another month's
        Assert.Contains("href=\"/festivals/links-fest/reglement\"", await api.Lead.GetStringAsync("/releves?mois=2026-06"));
    }

    [Fact]
    public async Task A_kiosks_sales_typed_by_hand_after_its_device_failed_are_booked_on_the_day_they_were_made()
    {
        await AubeKioskFestival.CreateAsync(api, "typed-fest", "Festival tapé", "2026-07-03", "kiosk-typed-1", 20, new DateTimeOffset(2026, 7, 3, 18, 0, 0, TimeSpan.FromHours(-4)));

        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/typed-fest/kiosks/k1/sales",
            new { lines = new[] { new { sku = "AUBE-IPA-473", units = 3 } }, day = "2026-07-04" }));

        // Saturday's sales, typed days later, are Saturday's: 20:00 in Québec that day, in that day's revenue.
        var moves = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/movements?location=typed-fest-k1&kind=sale");
        var sale = Assert.Single(moves.GetProperty("items").EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 7, 4, 20, 0, 0, TimeSpan.FromHours(-4)), sale.GetProperty("occurredAt").GetDateTimeOffset());
        var saturday = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/revenue?from=2026-07-04&to=2026-07-04"))!;
        Assert.Equal(3, Assert.Single(saturday, r => r.GetProperty("channel").GetString() == "kiosk").GetProperty("units").GetInt64());

        // Friday's, typed next without a key of its own, is a report of its own day, not a replay of Saturday's.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/typed-fest/kiosks/k1/sales",
            new { lines = new[] { new { sku = "AUBE-IPA-473", units = 2 } }, day = "2026-07-03" }));
        // A day outside the festival is refused by name; nothing is booked.
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/typed-fest/kiosks/k1/sales",
            new { lines = new[] { new { sku = "AUBE-IPA-473", units = 1 } }, day = "2026-07-09" }), HttpStatusCode.UnprocessableEntity, "day");
        Assert.Equal(2, (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/movements?location=typed-fest-k1&kind=sale")).GetProperty("items").GetArrayLength());
        // The lead's page has the form, with the festival's days to choose from.
        var page = await api.Lead.GetStringAsync("/festivals");
        Assert.Contains("data-url=\"/api/v1/festivals/typed-fest/kiosks/k1/sales\"", page);
        Assert.Contains("name=\"day\" type=\"date\" required min=\"2026-07-03\" max=\"2026-07-04\"", page);
    }

    [Fact]
    public async Task Sales_typed_for_a_day_to_come_are_refused_and_todays_are_dated_no_later_than_now()
    {
        // A festival from today: tomorrow has sold nothing yet (typed, its sales would stand in a week to come's revenue).
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await AubeKioskFestival.CreateAsync(api, "today-fest", "Festival du jour", Day(0), "kiosk-today-1", 20, DateTimeOffset.UtcNow);

        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/today-fest/kiosks/k1/sales",
            new { lines = new[] { new { sku = "AUBE-IPA-473", units = 1 } }, day = Day(1) }), HttpStatusCode.UnprocessableEntity, "day");
        Assert.Equal(0, (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/movements?location=today-fest-k1&kind=sale")).GetProperty("items").GetArrayLength());

        // Today's, typed before 20:00, were made by now: dated now at the latest, never in the future.
        var before = DateTimeOffset.UtcNow;
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/today-fest/kiosks/k1/sales",
            new { lines = new[] { new { sku = "AUBE-IPA-473", units = 2 } }, day = Day(0) }));
        var sale = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/movements?location=today-fest-k1&kind=sale")).GetProperty("items").EnumerateArray());
        var at = sale.GetProperty("occurredAt").GetDateTimeOffset();
        var evening = new DateTimeOffset(today.ToDateTime(new TimeOnly(20, 0)), zone.GetUtcOffset(today.ToDateTime(new TimeOnly(20, 0))));
        Assert.Equal(before < evening ? before : evening, at, TimeSpan.FromSeconds(30));
        Assert.True(at <= DateTimeOffset.UtcNow, $"booked at {at:O}, in the future");
    }

    [Fact]
    public async Task A_kiosk_fee_outside_zero_to_ten_thousand_basis_points_is_refused_by_name() =>
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "fee-fest", name = "Frais", site = "Parc", region = "Mauricie", startsOn = "2026-07-10", endsOn = "2026-07-11",
            expectedAttendance = 500, breweries = new[] { "saint-fut" }, kioskFeeBasisPoints = 10_001,
        }), HttpStatusCode.BadRequest, "kioskFeeBasisPoints");

    [Fact]
    public async Task An_issued_statement_is_frozen_and_a_late_kiosk_sale_makes_a_correction_statement()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "frozen-fest", name = "Festival réglé", site = "Quai", region = "Mauricie", startsOn = "2026-07-17", endsOn = "2026-07-18",
            expectedAttendance = 500, breweries = new[] { "saint-fut", "aube" }, kioskFeeBasisPoints = 1000,
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/frozen-fest/kiosks", new { code = "k1", name = "Kiosque" }));
        await api.Lead.PutAsJsonAsync("/api/v1/devices/kiosk-frozen-1", new { kind = "kiosk" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/frozen-fest/kiosks/k1/devices", new { deviceId = "kiosk-frozen-1" }));
        foreach (var sku in new[] { "STFUT-EPAULE-473", "AUBE-IPA-473" })
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku, units = 40, to = "frozen-fest-k1" }));
        async Task SellAsync(long seq, string sku, int units)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/sales")
            {
                Content = JsonContent.Create(new
                {
                    deviceId = "kiosk-frozen-1", seq, ts = new DateTimeOffset(2026, 7, 17, 20, 0, 0, TimeSpan.FromHours(-4)).AddMinutes(seq),
                    saleId = $"frozen-{seq}", lines = new[] { new { sku, units, unitPriceCents = 1000 } },
                }),
            };
            request.Headers.Add("Idempotency-Key", $"kiosk-frozen-1:{seq}");
            await InventoryApi.Created(api.Gateway.SendAsync(request));
        }
        await SellAsync(1, "STFUT-EPAULE-473", 10);
        await SellAsync(2, "AUBE-IPA-473", 5);

        var first = await (await InventoryApi.Created(api.Lead.PostAsync("/api/v1/festivals/frozen-fest/statements", null))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, first.GetProperty("number").GetInt32());
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/festivals/frozen-fest/statements", null), HttpStatusCode.Conflict);

        // Paid. Then the kiosk's buffered sale of the Friday evening arrives.
        await SellAsync(3, "AUBE-IPA-473", 2);
        var statements = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/frozen-fest/statements"))!;
        Assert.Equal(first.GetProperty("settlement").GetRawText(), Assert.Single(statements).GetProperty("settlement").GetRawText()); // never a silent change

        var correction = await (await InventoryApi.Created(api.Lead.PostAsync("/api/v1/festivals/frozen-fest/statements", null))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, correction.GetProperty("number").GetInt32());
        var changes = correction.GetProperty("correction").GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("party").GetString()!);
        Assert.Equal(["aube", "table"], changes.Keys.Order());
        // Aube's line is 7 cans now, rounded as one line (60.89 $ before taxes, fee 6.09 $), not 5 and 2: the fee grows by 1.74 $.
        Assert.Equal((2L, 2_000L, 1_740L, 20L, 174L, 1_846L), (changes["aube"].GetProperty("units").GetInt64(), changes["aube"].GetProperty("revenueCents").GetInt64(),
            changes["aube"].GetProperty("netCents").GetInt64(), changes["aube"].GetProperty("depositCents").GetInt64(),
            changes["aube"].GetProperty("feeCents").GetInt64(), changes["aube"].GetProperty("balanceCents").GetInt64()));
        Assert.Equal("table→aube 1846", string.Join(";", correction.GetProperty("correction").GetProperty("transfers").EnumerateArray()
            .Select(t => $"{t.GetProperty("from").GetString()}→{t.GetProperty("to").GetString()} {t.GetProperty("cents").GetInt64()}")));

        // Saint-Fût's brewer sees its own lines of statement 1, and not the correction: it changes Aube's figures only (that
        // one was issued at all would tell Saint-Fût that Aube sold more).
        var stFut = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/frozen-fest/statements"))!;
        Assert.Equal(["saint-fut"], Assert.Single(stFut).GetProperty("settlement").GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("party").GetString()));
        var aube = (await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/frozen-fest/statements"))!;
        Assert.Equal([1, 2], aube.Select(s => s.GetProperty("number").GetInt32()));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsync("/api/v1/festivals/frozen-fest/statements", null)).StatusCode);
    }

    [Fact]
    public async Task Units_a_kiosk_count_found_missing_show_in_the_festivals_results()
    {
        var evening = new DateTimeOffset(2026, 7, 24, 18, 0, 0, TimeSpan.FromHours(-4));
        await AubeKioskFestival.CreateAsync(api, "missing-fest", "Festival des manquants", "2026-07-24", "kiosk-missing-1", 40, evening);
        async Task ReportAsync(string path, object body, long seq)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/device-reports/{path}") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", $"kiosk-missing-1:{seq}");
            await InventoryApi.Created(api.Gateway.SendAsync(request));
        }
        await ReportAsync("sales", new { deviceId = "kiosk-missing-1", seq = 1, ts = evening, saleId = "m-1", lines = new[] { new { sku = "AUBE-IPA-473", units = 10, unitPriceCents = 800 } } }, 1);
        await ReportAsync("stock-counts", new { deviceId = "kiosk-missing-1", seq = 2, ts = evening.AddHours(2), items = new[] { new { sku = "AUBE-IPA-473", units = 25 } } }, 2);

        var result = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/missing-fest/results"))!);
        Assert.Equal((40, 10, 5), (result.GetProperty("sent").GetInt32(), result.GetProperty("sold").GetInt32(), result.GetProperty("missingAtCount").GetInt32()));
    }

    [Fact]
    public async Task A_kiosk_sale_learnt_of_after_the_reconciliation_is_a_sale_not_also_a_loss()
    {
        var evening = new DateTimeOffset(2026, 7, 31, 19, 0, 0, TimeSpan.FromHours(-4));
        await AubeKioskFestival.CreateAsync(api, "late-fest", "Festival tardif", "2026-07-31", "kiosk-late-1", 20, evening);
        async Task SellAsync(long seq, int units)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/sales")
            {
                Content = JsonContent.Create(new { deviceId = "kiosk-late-1", seq, ts = evening.AddMinutes(seq), saleId = $"late-{seq}", lines = new[] { new { sku = "AUBE-IPA-473", units, unitPriceCents = 800 } } }),
            };
            request.Headers.Add("Idempotency-Key", $"kiosk-late-1:{seq}");
            await InventoryApi.Created(api.Gateway.SendAsync(request));
        }
        await SellAsync(1, 5);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/late-fest/reconciliation", new { returns = Array.Empty<object>() })); // 15 lost

        await SellAsync(2, 3); // buffered on the kiosk, arrives after the reconciliation

        var result = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/late-fest/results"))!);
        Assert.Equal((20, 8, 12), (result.GetProperty("sent").GetInt32(), result.GetProperty("sold").GetInt32(), result.GetProperty("loss").GetInt32()));
        var left = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock?location=late-fest-k1");
        Assert.Equal(0, left!.Sum(r => r.GetProperty("units").GetInt32())); // not −3: nothing sold twice out of the kiosk's books
    }

    private async Task ReportAsync(string device, string path, object body, long seq)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/device-reports/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
        await InventoryApi.Created(api.Gateway.SendAsync(request));
    }

    private async Task<(int Sent, int Sold, int Returned, int Loss, int Missing, int Left)> FlowAsync(string festival)
    {
        var r = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/festivals/{festival}/results"))!);
        var left = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={festival}-k1"))!.Sum(s => s.GetProperty("units").GetInt32());
        return (r.GetProperty("sent").GetInt32(), r.GetProperty("sold").GetInt32(), r.GetProperty("returned").GetInt32(), r.GetProperty("loss").GetInt32(),
            r.GetProperty("missingAtCount").GetInt32(), left);
    }

    [Fact]
    public async Task A_kiosk_count_learnt_of_after_the_reconciliation_finds_missing_what_the_reconciliation_had_lost()
    {
        // 10 sent, 3 sold, 2 stolen in the evening, 5 brought back the next morning. The evening's count (5 + 2 missing)
        // was held by the kiosk's Wi-Fi outage: the reconciliation lost the 2 it could not explain, then the count came.
        var evening = new DateTimeOffset(2026, 8, 7, 19, 0, 0, TimeSpan.FromHours(-4));
        await AubeKioskFestival.CreateAsync(api, "held-count-fest", "Festival du compte retenu", "2026-08-07", "kiosk-held-1", 10, evening);
        await ReportAsync("kiosk-held-1", "sales", new { deviceId = "kiosk-held-1", seq = 1, ts = evening, saleId = "h-1", lines = new[] { new { sku = "AUBE-IPA-473", units = 3, unitPriceCents = 800 } } }, 1);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/held-count-fest/reconciliation", new
        {
            returns = new[] { new { kiosk = "k1", sku = "AUBE-IPA-473", units = 5, to = "aube-brasserie" } },
        }));
        Assert.Equal((10, 3, 5, 2, 0, 0), await FlowAsync("held-count-fest"));

        await ReportAsync("kiosk-held-1", "stock-counts", new { deviceId = "kiosk-held-1", seq = 2, ts = evening.AddHours(3), items = new[] { new { sku = "AUBE-IPA-473", units = 5 } } }, 2);

        // Missing at the count, not also lost; the kiosk's books still at 0.
        Assert.Equal((10, 3, 5, 0, 2, 0), await FlowAsync("held-count-fest"));
    }

    [Fact]
    public async Task A_count_that_a_late_sale_re_derives_gives_back_what_it_found_missing_net()
    {
        // The count arrived before the sales it came after: it found 8 missing; the 6 sold then arrive and explain 6 of them.
        var evening = new DateTimeOffset(2026, 8, 14, 19, 0, 0, TimeSpan.FromHours(-4));
        await AubeKioskFestival.CreateAsync(api, "net-count-fest", "Festival du compte net", "2026-08-14", "kiosk-net-1", 20, evening);
        await ReportAsync("kiosk-net-1", "stock-counts", new { deviceId = "kiosk-net-1", seq = 3, ts = evening.AddHours(3), items = new[] { new { sku = "AUBE-IPA-473", units = 12 } } }, 3);
        await ReportAsync("kiosk-net-1", "sales", new { deviceId = "kiosk-net-1", seq = 1, ts = evening, saleId = "n-1", lines = new[] { new { sku = "AUBE-IPA-473", units = 4, unitPriceCents = 800 } } }, 1);
        await ReportAsync("kiosk-net-1", "sales", new { deviceId = "kiosk-net-1", seq = 2, ts = evening.AddHours(1), saleId = "n-2", lines = new[] { new { sku = "AUBE-IPA-473", units = 2, unitPriceCents = 800 } } }, 2);

        // 20 sent (not 26: the count gave back what it had found missing), 2 missing (not 8), 12 on the shelf.
        Assert.Equal((20, 6, 0, 0, 2, 12), await FlowAsync("net-count-fest"));
    }
}

/// <summary>A kiosk sale and its festival's reconciliation at the same moment (a pool of connections, as in production).</summary>
public sealed class ReconciliationRaceTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    [Fact]
    public async Task A_kiosk_sale_racing_the_reconciliation_is_either_in_its_flows_or_gives_its_loss_back()
    {
        var evening = new DateTimeOffset(2026, 7, 24, 19, 0, 0, TimeSpan.FromHours(-4));
        await AubeKioskFestival.CreateAsync(api, "race-fest", "Festival en course", "2026-07-24", "kiosk-race-1", 20, evening);

        // The kiosk's place held (as another of its facts would hold it) while a sale and then the reconciliation come in.
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var holder = await db.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(1, (SELECT id FROM locations WHERE code = 'race-fest-k1')::int)", holder, hold))
            await take.ExecuteNonQueryAsync();
        async Task WaitersAsync(int count) => await Eventually.Holds(async () =>
        {
            await using var waiting = db.CreateCommand("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 1
                  AND objid = (SELECT id FROM locations WHERE code = 'race-fest-k1') AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """);
            return (long)(await waiting.ExecuteScalarAsync())! >= count;
        }, TimeSpan.FromSeconds(20), $"{count} waiting for the kiosk");

        var sale = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/sales")
        {
            Content = JsonContent.Create(new { deviceId = "kiosk-race-1", seq = 1, ts = evening, saleId = "race-1", lines = new[] { new { sku = "AUBE-IPA-473", units = 4, unitPriceCents = 800 } } }),
        };
        sale.Headers.Add("Idempotency-Key", "kiosk-race-1:1");
        var selling = api.Gateway.SendAsync(sale);
        await WaitersAsync(1);
        var reconciling = api.Lead.PostAsJsonAsync("/api/v1/festivals/race-fest/reconciliation", new { returns = Array.Empty<object>() });
        await WaitersAsync(2);
        await hold.CommitAsync();
        await InventoryApi.Created(selling);
        await InventoryApi.Created(reconciling);

        // Sent 20, sold 4: 16 lost, never 20 (the sale also counted as lost).
        var result = Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/race-fest/results"))!);
        Assert.Equal((20, 4, 16), (result.GetProperty("sent").GetInt32(), result.GetProperty("sold").GetInt32(), result.GetProperty("loss").GetInt32()));
    }
}

/// <summary>A two-day festival of Aube's with one kiosk and its device, sent <c>units</c> of its IPA in the morning before <c>evening</c>.</summary>
internal static class AubeKioskFestival
{
    public static async Task CreateAsync(InventoryApi api, string code, string name, string startsOn, string device, int units, DateTimeOffset evening)
    {
        var start = DateOnly.Parse(startsOn, System.Globalization.CultureInfo.InvariantCulture);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code, name, site = "Quai", region = "Mauricie", startsOn, endsOn = start.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            expectedAttendance = 500, breweries = new[] { "aube" },
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks", new { code = "k1", name = "Kiosque" }));
        await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "kiosk" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks/k1/devices", new { deviceId = device }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "AUBE-IPA-473", units, to = "aube-brasserie", occurredAt = evening.AddHours(-8) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "AUBE-IPA-473", units, from = "aube-brasserie", to = $"{code}-k1", occurredAt = evening.AddHours(-7) }));
    }
}
