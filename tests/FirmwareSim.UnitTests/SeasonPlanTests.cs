using System.Security.Cryptography;
using System.Text.Json;
using FirmwareSim.Season;

namespace FirmwareSim.UnitTests;

/// <summary>The season's plan and ground truth (docs/season.md): deterministic, in Québec time, and consistent with itself.</summary>
public sealed class SeasonPlanTests
{
    private static readonly SeasonFile Short = SeasonFile.Load(Path.Combine(AppContext.BaseDirectory, "seasons", "short.json"));

    private static async Task<string> TruthHashAsync(int seed)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"season-{Guid.NewGuid():N}");
        var plan = SeasonPlan.Generate(Short, seed);
        await GroundTruthFiles.WriteAsync(plan, SeasonTotals.Of(plan), directory, CancellationToken.None);
        var bytes = (await File.ReadAllBytesAsync(Path.Combine(directory, "truth.jsonl"))).Concat(await File.ReadAllBytesAsync(Path.Combine(directory, "totals.json"))).ToArray();
        Directory.Delete(directory, recursive: true);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    [Fact]
    public async Task The_same_file_and_seed_give_byte_identical_ground_truth_and_another_seed_another()
    {
        Assert.Equal(await TruthHashAsync(7), await TruthHashAsync(7));
        Assert.NotEqual(await TruthHashAsync(7), await TruthHashAsync(8));
    }

    [Fact]
    public void A_stable_seed_does_not_depend_on_the_process()
    {
        // FNV-1a: the value this test pins is the same in every process (string.GetHashCode is not).
        Assert.Equal(SeasonPlan.StableSeed(2026, "fridge-bar-01"), SeasonPlan.StableSeed(2026, "fridge-bar-01"));
        Assert.Equal(0x640C292C, SeasonPlan.StableSeed(0, "a")); // FNV-1a("a") = 0xE40C292C, sign bit cleared
    }

    [Fact]
    public void Every_message_of_a_device_has_its_own_millisecond_and_an_outage_delays_but_keeps_its_messages()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        foreach (var device in plan.Messages.GroupBy(m => m.Device))
            Assert.Equal(device.Count(), device.Select(m => m.Ts.ToUnixTimeMilliseconds()).Distinct().Count());
        var outage = Short.Outages[0];
        var delayed = plan.Messages.Where(m => m.Device == outage.Device && m.ArrivesAt > m.Ts).ToList();
        // A count and a reading every CountEveryMinutes.
        Assert.Equal(2 * outage.Hours * 60 / Short.CountEveryMinutes, delayed.Count, tolerance: 2);
        Assert.All(delayed, m => Assert.Equal(delayed[0].ArrivesAt, m.ArrivesAt));
        // Messages reach the broker in the order of arrival: a buffered count after counts sent later; and a device's
        // buffer replays in the order it made its messages (the sort that puts them by arrival used to shuffle them).
        Assert.True(plan.Messages.Zip(plan.Messages.Skip(1)).All(p => p.First.ArrivesAt <= p.Second.ArrivesAt));
        foreach (var device in plan.Messages.GroupBy(m => m.Device))
            Assert.True(device.Zip(device.Skip(1)).All(p => p.First.Ts < p.Second.Ts), $"{device.Key} replays its buffer out of order");
    }

    [Fact]
    public void Fridges_sell_only_while_their_venue_is_open_in_quebec_time_across_the_change_of_time()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var fridges = Short.Fridges.SelectMany(f => f.Places().Select(p => (p.Place, Fridge: f))).ToDictionary(p => p.Place, p => p.Fridge);
        var zone = Short.Zone;
        foreach (var sale in plan.Truth.Where(e => e.Type == "sale"))
        {
            var local = TimeZoneInfo.ConvertTime(sale.At, zone);
            var hours = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? fridges[sale.Place].Weekends : fridges[sale.Place].Weekdays;
            var time = TimeOnly.FromDateTime(local.DateTime);
            Assert.True(time >= hours.Opens && time < hours.Closes.AddMinutes(1), $"{sale.Place} sold at {local:yyyy-MM-dd HH:mm:ss zzz}");
        }
        // The season crosses the end of daylight saving time: sales on both sides, at both offsets.
        var offsets = plan.Truth.Where(e => e.Type == "sale").Select(e => TimeZoneInfo.ConvertTime(e.At, zone).Offset).Distinct().Order().ToList();
        Assert.Equal([TimeSpan.FromHours(-5), TimeSpan.FromHours(-4)], offsets);
    }

    [Fact]
    public void The_totals_are_the_true_events_summed_and_the_shelf_never_goes_below_zero()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var totals = SeasonTotals.Of(plan);
        var sales = plan.Truth.Where(e => e.Type == "sale").ToList();
        Assert.Equal(sales.Sum(e => e.Units), totals.FridgeWeeks.Sum(w => w.Units));
        Assert.Equal(sales.Sum(e => e.Units * e.UnitPriceCents!.Value), totals.Revenue.Where(r => r.Channel == "fridge").Sum(r => r.RevenueCents));
        // A kiosk sells only what was sent to it, at the kiosk price; its festival's rows add up to the kiosk channel.
        var kioskSales = plan.Truth.Where(e => e.Type == "kiosk_sale").ToList();
        Assert.True(kioskSales.Count > 0, "the short season has festivals");
        Assert.Equal(kioskSales.Sum(e => e.Units * e.UnitPriceCents!.Value), totals.Revenue.Where(r => r.Channel == "kiosk").Sum(r => r.RevenueCents));
        Assert.Equal(totals.Kiosks.Sum(k => k.RevenueCents), totals.Revenue.Where(r => r.Channel == "kiosk").Sum(r => r.RevenueCents));
        Assert.All(totals.Kiosks, k => Assert.InRange(k.Sold, 0, k.Sent));
        Assert.All(totals.Kiosks, k => Assert.Equal(0, k.Loss)); // the lead brings every leftover back
        // Each festival's settlement: the parties' balances sum to zero, and someone holds every sale's money (the Table at a
        // festival's kiosks, the host at a tour's stop).
        Assert.All(totals.Settlements.GroupBy(s => s.Festival), festival => Assert.Equal(0, festival.Sum(s => s.BalanceCents)));
        // What was collected is the price (taxes included at kiosks) and the deposit on top, at the deposit of the sale's day.
        var beers = plan.Season.Breweries.SelectMany(b => b.Beers).ToDictionary(b => b.Sku);
        Assert.Equal(kioskSales.Sum(e => e.Units * (e.UnitPriceCents!.Value + plan.Season.MoneySettingOn($"deposit:{beers[e.Sku!].Format}", plan.Season.DayOf(e.At))!.Value)),
            totals.Settlements.Sum(s => s.CollectedCents));
        Assert.Equal(kioskSales.Sum(e => e.Units * e.UnitPriceCents!.Value), totals.Settlements.Sum(s => s.NetCents + s.GstCents + s.QstCents));
        Assert.Contains(totals.Settlements, s => s.Festival == "tournee-automne" && s.Party == "saint-fut" && s.CollectedCents > 0);
        // The grocery stores' weekly reports say what they really sold, week by week, at the wholesale price.
        var grocery = plan.Truth.Where(e => e.Type == "grocery_sale").ToList();
        Assert.Equal(grocery.Sum(e => e.Units), plan.Actions.Where(a => a.Kind == "sell_through").Sum(a => a.Lines.Sum(l => l.Units)));
        Assert.Equal(4, plan.Actions.Count(a => a.Kind == "sell_through")); // two stores, two weeks
        Assert.Equal(grocery.Sum(e => e.Units * e.UnitPriceCents!.Value), totals.Revenue.Where(r => r.Channel == "grocery").Sum(r => r.RevenueCents));
        Assert.True(totals.UnitsStolen > 0 && totals.UnitsBroken > 0, "the short season has shrinkage");
        // A venue reports what was stolen from its fridge; nobody reports a kiosk's: its count finds it missing.
        Assert.Equal(totals.UnitsStolen - totals.Kiosks.Sum(k => k.Missing) + totals.UnitsBroken, plan.Actions.Where(a => a.Kind == "loss").Sum(a => a.Units));

        // Each count says what the shelf holds: deliveries minus sales, thefts and breakages before it, never negative.
        foreach (var fridge in Short.Fridges)
        {
            // A moved fridge's beer moves with it: its places' events together (the move itself is out at one, in at the other).
            var places = fridge.Places().Select(p => p.Place).ToHashSet();
            var events = plan.Truth.Where(e => places.Contains(e.Place) && e.Sku is not null && e.Type is not ("moved_out" or "moved_in")).ToList();
            foreach (var count in plan.Messages.Where(m => m.Device == fridge.Device && m.Topic.EndsWith("/stock", StringComparison.Ordinal)))
            {
                var counted = JsonDocument.Parse(count.Payload).RootElement.GetProperty("items").EnumerateArray()
                    .ToDictionary(i => i.GetProperty("sku").GetString()!, i => i.GetProperty("units").GetInt32());
                foreach (var sku in fridge.Skus)
                {
                    var expected = events.Where(e => e.Sku == sku && e.At <= count.Ts).Sum(e => e.Type == "delivery" ? e.Units : -e.Units);
                    Assert.Equal(expected, counted.GetValueOrDefault(sku));
                }
            }
        }
    }

    [Fact]
    public void A_moved_fridge_sends_counts_of_its_old_place_after_the_lead_placed_it_at_the_new_one()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var fridge = Short.Fridges.Single(f => f.Moves.Count > 0);
        var move = plan.Actions.Single(a => a.Kind == "move_device");
        Assert.Equal((fridge.Device, fridge.Place, fridge.Moves[0].Place), (move.Device, move.From, move.To));
        // Its counts of the night before, held by a Wi-Fi outage, arrive after the lead moved it; none while unplugged.
        var counts = plan.Messages.Where(m => m.Device == fridge.Device).ToList();
        Assert.Contains(counts, m => m.Ts < move.OccurredAt && m.ArrivesAt > move.ArrivesAt);
        Assert.DoesNotContain(counts, m => m.Ts >= move.OccurredAt && m.Ts < move.OccurredAt + SeasonFridgeMove.Unplugged);
        Assert.Contains(plan.Truth, e => e.Type == "sale" && e.Place == fridge.Moves[0].Place);
        Assert.DoesNotContain(plan.Truth, e => e.Type == "sale" && e.Place == fridge.Place && e.At >= move.OccurredAt);
    }

    [Fact]
    public void A_brewery_is_stocked_only_while_a_member_and_its_beer_is_taken_back_when_it_leaves()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var joiner = Short.Breweries.Single(b => b.JoinsOn is not null);
        var leaver = Short.Breweries.Single(b => b.LeavesOn is not null);
        bool Of(SeasonBrewery brewery, TruthEvent e) => brewery.Beers.Any(beer => beer.Sku == e.Sku);
        var joinerDeliveries = plan.Truth.Where(e => e.Type == "delivery" && Of(joiner, e) && Short.Fridges.Any(f => f.Place == e.Place)).ToList();
        Assert.NotEmpty(joinerDeliveries);
        Assert.All(joinerDeliveries, e => Assert.True(Short.DayOf(e.At) >= joiner.JoinsOn));
        Assert.DoesNotContain(plan.Truth, e => e.Type == "delivery" && Of(leaver, e) && Short.DayOf(e.At) >= leaver.LeavesOn);
        Assert.Contains(plan.Truth, e => e.Type == "withdrawal" && Of(leaver, e) && Short.Fridges.Any(f => f.Place == e.Place));
        // The funder report's members: the joiner not in the first week, the leaver in both (it sold in each while a member).
        var totals = SeasonTotals.Of(plan);
        var firstWeek = totals.FunderReports.Single(f => f.From == Short.FirstDay && f.To == Short.FirstDay.AddDays(6));
        Assert.DoesNotContain(joiner.Slug, firstWeek.Members);
        Assert.All(totals.FunderReports, f => Assert.Contains(leaver.Slug, f.Members));
        Assert.Contains(joiner.Slug, totals.FunderReports[0].Members);
    }

    [Fact]
    public void A_grocery_placement_ending_mid_week_is_taken_back_that_evening_and_its_last_week_reported()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var store = Short.GroceryStores.Single(g => g.LastDays.Count > 0);
        var (sku, last) = store.LastDays.Single();
        Assert.Equal(DayOfWeek.Wednesday, last.DayOfWeek);
        var mine = plan.Truth.Where(e => e.Place == store.Place && e.Sku == sku).ToList();
        Assert.DoesNotContain(mine, e => e.Type == "grocery_sale" && Short.DayOf(e.At) > last);
        var pickUp = Assert.Single(mine, e => e.Type == "withdrawal");
        Assert.Equal(Short.At(last, new TimeOnly(18, 0)), pickUp.At);
        Assert.Equal(mine.Where(e => e.Type == "delivery").Sum(e => e.Units) - mine.Where(e => e.Type == "grocery_sale").Sum(e => e.Units), pickUp.Units);
        // The week it ended is reported with its Monday-to-Wednesday units; the week after does not list it.
        var reports = plan.Actions.Where(a => a.Kind == "sell_through" && a.To == store.Place).ToDictionary(a => a.WeekEnding!.Value);
        var lastWeek = last.AddDays(7 - (int)last.DayOfWeek);
        Assert.Equal(mine.Where(e => e.Type == "grocery_sale" && Short.DayOf(e.At) > lastWeek.AddDays(-7)).Sum(e => e.Units),
            reports[lastWeek].Lines.Single(l => l.Sku == sku).Units);
        Assert.All(reports.Where(r => r.Key > lastWeek), r => Assert.DoesNotContain(r.Value.Lines, l => l.Sku == sku));
        var placement = SeasonTotals.Of(plan).GroceryPlacements.Single(p => p.Store == store.Place && p.Sku == sku);
        Assert.Equal((true, 0L, pickUp.Units), (placement.Ended, placement.OnHand, placement.TakenBack));
    }

    [Fact]
    public void A_reflashed_kiosk_repeats_seqs_its_buffered_messages_of_before_carry_and_a_cancelled_festival_has_no_facts()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var reflash = Short.Reflashes.Single();
        var reflashedAt = Short.At(DateOnly.FromDateTime(reflash.At), TimeOnly.FromDateTime(reflash.At));
        var sales = plan.Messages.Where(m => m.Device == reflash.Device)
            .Select(m => (m.Ts, m.ArrivesAt, Seq: JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64())).ToList();
        var before = sales.Where(s => s.Ts < reflashedAt).ToList();
        var after = sales.Where(s => s.Ts >= reflashedAt).ToList();
        Assert.Equal(1, after.Min(a => a.Seq));
        // The same seqs again, while messages of before the reflash are still held by an outage: only the time tells them apart.
        Assert.Contains(after, a => before.Any(b => b.Seq == a.Seq));
        Assert.Contains(before, b => b.ArrivesAt > after.Min(a => a.Ts));

        var cancelled = Short.Festivals.Single(f => f.CancelledOn is not null);
        var places = cancelled.Kiosks.Select(cancelled.Place).ToHashSet();
        Assert.DoesNotContain(plan.Truth, e => places.Contains(e.Place));
        Assert.Equal(["cancel_festival"], plan.Actions.Where(a => a.Festival == cancelled.Code).Select(a => a.Kind));
        Assert.All(SeasonTotals.Of(plan).FunderReports, f => Assert.DoesNotContain(cancelled.Code, f.FestivalsServed));
    }

    [Fact]
    public void A_kiosk_serving_two_festivals_sends_sales_of_the_first_after_it_was_placed_at_the_second()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var (first, second) = (Short.Festivals.Single(f => f.Code == "festif-automne"), Short.Festivals.Single(f => f.Code == "marche-noel"));
        var firstEnds = Short.At(first.FirstDay.AddDays(first.Days), TimeOnly.MinValue);

        // Buffered through a Wi-Fi outage: the platform must book them where the device stood when they were made.
        Assert.Contains(plan.Messages, m => m.Device == "kiosk-fest-01" && m.Ts < firstEnds && m.ArrivesAt > second.DevicesPlacedAt(Short));
    }

    [Fact]
    public void A_counting_kiosk_counts_what_it_holds_and_its_last_count_arrives_after_the_reconciliation()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var totals = SeasonTotals.Of(plan);
        Assert.True(totals.Kiosks.Sum(k => k.Missing) > 0, "cans are stolen at kiosks that count");
        Assert.All(totals.Kiosks, k => Assert.Equal(0, k.Loss)); // a count finds every stolen can: nothing left for the reconciliation to lose

        // Each count holds what was sent less what was sold and stolen before it, at the festival the device served then.
        var counts = plan.Messages.Where(m => m.Topic.StartsWith("coop/v1/kiosks/", StringComparison.Ordinal) && m.Topic.EndsWith("/stock", StringComparison.Ordinal)).ToList();
        Assert.True(counts.Count >= 6, "a count each festival day at each counting kiosk");
        foreach (var count in counts)
        {
            var (festival, kiosk) = Short.HeldFestivals.SelectMany(f => f.Kiosks.Select(k => (Festival: f, Kiosk: k)))
                .Single(x => x.Kiosk.Device == count.Device && Short.At(x.Festival.FirstDay, TimeOnly.MinValue) <= count.Ts
                             && count.Ts < Short.At(x.Festival.FirstDay.AddDays(x.Festival.Days), TimeOnly.MinValue));
            var place = festival.Place(kiosk);
            var counted = JsonDocument.Parse(count.Payload).RootElement.GetProperty("items").EnumerateArray()
                .ToDictionary(i => i.GetProperty("sku").GetString()!, i => i.GetProperty("units").GetInt32());
            foreach (var (sku, sent) in kiosk.Sent)
                Assert.Equal(sent - plan.Truth.Where(e => e.Place == place && e.Sku == sku && e.At <= count.Ts && e.Type is "kiosk_sale" or "theft").Sum(e => e.Units),
                    counted.GetValueOrDefault(sku)); // a SKU the shelf no longer holds is left out (0)
        }

        // The Wi-Fi outage holds the last evening's count past the morning the lead reconciles the festival.
        var first = Short.Festivals.Single(f => f.Code == "festif-automne");
        var reconciled = plan.Actions.Single(a => a.Kind == "reconciliation" && a.Festival == first.Code).ArrivesAt;
        Assert.Contains(counts, c => c.Device == "kiosk-fest-01" && c.Ts < reconciled && c.ArrivesAt > reconciled);
    }

    [Fact]
    public void A_power_cut_is_two_events_of_its_fridge_and_one_alert_of_the_truth_held_events_included()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var alerts = SeasonTotals.Of(plan).Alerts.Where(a => a.Type == "power_lost").ToList();
        Assert.Equal(Short.PowerCuts.Count, alerts.Count(a => a.Type == "power_lost" && a.ClearedAt is not null));
        foreach (var cut in Short.PowerCuts)
        {
            var events = plan.Messages.Where(m => m.Device == cut.Device && m.Topic.EndsWith("/events", StringComparison.Ordinal))
                .Select(m => (Type: JsonDocument.Parse(m.Payload).RootElement.GetProperty("type").GetString(), m.Ts)).ToList();
            var alert = alerts.Single(a => a.Device == cut.Device);
            Assert.Equal([("power_lost", alert.RaisedAt), ("power_restored", alert.ClearedAt!.Value)], events);
            Assert.Equal(TimeSpan.FromHours(cut.Hours), alert.ClearedAt - alert.RaisedAt);
        }
        // The cut at Saint-Fût's second fridge falls in its day-long Wi-Fi outage: both events reach the platform a day late.
        Assert.All(plan.Messages.Where(m => m.Device == "fridge-stfut-02" && m.Topic.EndsWith("/events", StringComparison.Ordinal)),
            m => Assert.True(m.ArrivesAt - m.Ts > TimeSpan.FromHours(20)));
        // The night the clocks go back, a cut from 01:30 lasts its hour and a half of real time.
        var night = alerts.Single(a => a.Device == "fridge-epicerie-02");
        Assert.Equal(new DateOnly(2026, 11, 1), Short.DayOf(night.RaisedAt));
    }

    [Fact]
    public void A_heat_wave_is_readings_above_eight_degrees_and_one_alert_until_they_are_back_under_seven()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var alerts = SeasonTotals.Of(plan).Alerts.Where(a => a.Type == "temperature_high").ToList();
        Assert.Equal(Short.HeatWaves.Count, alerts.Count);
        foreach (var wave in Short.HeatWaves)
        {
            var from = Short.At(DateOnly.FromDateTime(wave.From), TimeOnly.FromDateTime(wave.From));
            var alert = Assert.Single(alerts, a => a.Device == wave.Device && a.RaisedAt >= from && a.RaisedAt < from.AddHours(wave.Hours));
            var readings = plan.Messages.Where(m => m.Device == wave.Device && m.Topic.EndsWith("/telemetry", StringComparison.Ordinal))
                .Select(m => (m.Ts, TempC: JsonDocument.Parse(m.Payload).RootElement.GetProperty("tempC").GetDouble())).ToList();
            // Raised from the first reading of the spell above 8 °C, cleared by the first one back under 7 °C.
            Assert.Equal(readings.First(r => r.Ts >= from && r.TempC > 8).Ts, alert.RaisedAt);
            Assert.Equal(readings.First(r => r.Ts > alert.RaisedAt && r.TempC < 7).Ts, alert.ClearedAt);
            Assert.All(readings.Where(r => r.Ts >= alert.RaisedAt && r.Ts < alert.ClearedAt), r => Assert.True(r.TempC >= 7));
        }
        // Outside the heat waves a fridge keeps its beer (a reading now and then just outside 2-4 °C, never near 8).
        var hot = Short.HeatWaves.Select(w => (w.Device, From: Short.At(DateOnly.FromDateTime(w.From), TimeOnly.FromDateTime(w.From)), w.Hours)).ToList();
        var calm = plan.Messages.Where(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal) && !hot.Any(h => h.Device == m.Device && m.Ts >= h.From && m.Ts < h.From.AddHours(h.Hours)))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("tempC").GetDouble()).ToList();
        Assert.All(calm, t => Assert.InRange(t, 0.5, 6));
        Assert.InRange(calm.Count(t => t is >= 2 and <= 4) / (double)calm.Count, 0.9, 0.999);
    }

    /// <summary>The truth's own collab arithmetic gives docs/collab-brews.md's worked example (where ATAB takes beer), to the cent.</summary>
    [Fact]
    public void The_truths_collab_arithmetic_gives_the_worked_example()
    {
        var brew = Short.CollabBrews.Single();
        var example = brew with { Partners = [.. brew.Partners.Select(p => p.Key == "atab" ? p with { Takes = "beer" } : p)] };
        var accounts = CollabSettlement.Accounts(example).ToDictionary(a => a.Partner, a => (a.UnitsTaken, a.BeerValueCents, a.BalanceCents));
        Assert.Equal((574 + 5, 234_605L, -36_505L), accounts["saint-fut"]);
        Assert.Equal((230 + 2, 93_947L, -14_747L), accounts["du-quai"]);
        Assert.Equal((275 + 2, 105_795L, -10_795L), accounts["bocal"]);
        Assert.Equal((189 + 2, 83_153L, -17_953L), accounts["atab"]);
        Assert.Equal((0, 0L, 80_000L), accounts["coup-dgriffe"]);
        // The season's own: ATAB takes cash, so it is reimbursed and the three breweries share the beer.
        Assert.Equal(0, CollabSettlement.Accounts(brew).Sum(a => a.BalanceCents));
        Assert.Equal(1_268 + 11, CollabSettlement.Split(brew).Sum(s => s.Units));
    }

    /// <summary>
    /// A member partner's part of the collab is a beer of its own, sold in its fridge only after the release, at that
    /// brewery's price, and never more of it brought than the part holds; the host's part stays under the packaged SKU.
    /// </summary>
    [Fact]
    public void A_collab_part_is_its_brewerys_own_sold_after_the_release_from_what_the_part_holds()
    {
        var plan = SeasonPlan.Generate(Short, 2026);
        var brew = Short.CollabBrews.Single();
        Assert.Equal(("EPAULE-473", "EPAULE-473-DU-QUAI", "EPAULE-473-BOCAL"), (brew.PartSku("saint-fut", "EPAULE-473"), brew.PartSku("du-quai", "EPAULE-473"), brew.PartSku("bocal", "EPAULE-473")));
        var sellers = Short.Sellers();
        foreach (var sale in brew.Sold)
        {
            var part = brew.PartSku(sale.Partner, sale.Sku);
            Assert.Equal(brew.Partners.Single(p => p.Key == sale.Partner).Brewery, sellers[part]);
            var sold = plan.Truth.Where(e => e.Type == "sale" && e.Sku == part).ToList();
            Assert.NotEmpty(sold);
            Assert.All(sold, e => Assert.True(e.At > brew.ReleasedAt(Short) && e.UnitPriceCents == sale.FridgeCents));
            var brought = plan.Actions.Where(a => a.Kind == "transfer" && a.Sku == part).Sum(a => a.Units);
            Assert.InRange(brought, sold.Sum(e => e.Units), CollabSettlement.Split(brew).Single(s => s.Partner == sale.Partner && s.Sku == sale.Sku).Units);
            var price = plan.Actions.Single(a => a.Kind == "price" && a.Sku == part);
            Assert.True(price.ArrivesAt < plan.Actions.Where(a => a.Kind == "transfer" && a.Sku == part).Min(a => a.ArrivesAt));
        }
    }

    [Fact]
    public void A_price_change_applies_from_its_quebec_day()
    {
        var change = Short.PriceChanges[0];
        Assert.NotEqual(change.FridgeCents, SeasonPlan.FridgeCents(Short, change.Sku, change.From.AddDays(-1)));
        Assert.Equal(change.FridgeCents, SeasonPlan.FridgeCents(Short, change.Sku, change.From));
    }
}
