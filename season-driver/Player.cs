using System.Globalization;
using FirmwareSim.Devices;
using FirmwareSim.Season;
using FirmwareSim.Wire;
using FrigoCoop.Client;
using FrigoCoop.Client.Models;

namespace SeasonDriver;

/// <summary>
/// Plays a season in the order things reach the platform: each device message through the broker as its device
/// (own credentials, QoS 1), each person's action through the API, as fast as they go. The gateways then forward
/// the devices' reports to the API in parallel, so the API sees them in yet another order: the figures must not
/// depend on it (DESIGN rule 10).
/// </summary>
public sealed class Player(SeasonPlan plan, BrokerSettings broker, SeasonClock clock, FrigoCoopClient lead, Action<string> progress)
{
    public async Task<int> PlayAsync(CancellationToken ct)
    {
        var links = plan.Messages.Select(m => m.Device).Distinct().ToDictionary(d => d, d => new DeviceLink(new DeviceSpec { Id = d, Kind = d.StartsWith("kiosk-", StringComparison.Ordinal) ? "kiosk" : "fridge" }, broker));
        try
        {
            foreach (var link in links.Values) await link.ConnectAsync(ct);
            var messages = 0;
            var actions = 0;
            var ticks = plan.ClockTicks;
            var told = 0;
            while (messages < plan.Messages.Count || actions < plan.Actions.Count)
            {
                var nextIsMessage = actions == plan.Actions.Count
                    || (messages < plan.Messages.Count && plan.Messages[messages].ArrivesAt <= plan.Actions[actions].ArrivesAt);
                if (nextIsMessage)
                {
                    var message = plan.Messages[messages++];
                    // The clock's instants up to this message's arrival first (the gateways check silence at each).
                    while (told < ticks.Count && ticks[told] <= message.ArrivesAt) await clock.TellAsync(ticks[told++], ct);
                    await links[message.Device].PublishNowAsync(new Outgoing(message.Topic, message.Payload), ct);
                }
                else await ActAsync(plan.Actions[actions++], ct);
                if ((messages + actions) % 1000 == 0) progress($"played {messages} device messages and {actions} actions");
            }
            var refused = links.Values.Sum(l => l.Refused);
            if (refused > 0) throw new InvalidOperationException($"the broker refused {refused} device messages");
            return messages;
        }
        finally
        {
            foreach (var link in links.Values)
            {
                await link.LeaveQuietlyAsync();
                await link.DisposeAsync();
            }
        }
    }

    /// <summary>What the API refused of the people's actions (each a difference: a true fact the platform would not take).</summary>
    public List<string> Refused { get; } = [];

    /// <summary>A person's movement, with the time the person gives, once (its key is the Idempotency-Key).</summary>
    private async Task ActAsync(PersonAction action, CancellationToken ct)
    {
        ApiKeyHeader.ActingAt.Value = action.ArrivesAt; // the person acts at this moment of the season
        try
        {
            if (action.Kind == "sell_through")
            {
                await lead.Api.V1.Grocery.SellThrough.PostAsync(new SellThroughReport
                {
                    Store = action.To, WeekEnding = World.Day(action.WeekEnding!.Value),
                    Lines = [.. action.Lines.Select(l => new SellThroughLine { Sku = l.Sku, UnitsSold = l.Units })],
                }, config => config.Headers.Add("Idempotency-Key", action.Key), ct);
                return;
            }
            if (action.Kind == "stop_sales")
            {
                await lead.Api.V1.Festivals[action.Festival!].Kiosks[action.Kiosk!].Sales.PostAsync(new StopSales
                {
                    Lines = [.. action.Lines.Select(l => new StopSale { Sku = l.Sku, Units = l.Units })],
                }, config => config.Headers.Add("Idempotency-Key", action.Key), ct);
                return;
            }
            if (action.Kind == "move_device")
            {
                await lead.Api.V1.Devices[action.Device!].PutAsync(new DeviceAssignment
                {
                    Kind = "fridge", Location = action.To, ReportingIntervalSeconds = 60, Since = action.OccurredAt, Stock = "move",
                }, cancellationToken: ct);
                return;
            }
            if (action.Kind == "collab_contribution")
            {
                var c = action.Contribution!;
                await lead.Api.V1.CollabBrews[action.Brew!.Code].Contributions.PostAsync(new NewContribution
                {
                    Partner = c.Partner, Kind = c.Kind, Description = c.Description, Cents = c.Cents, Quantity = (double?)c.Quantity, Unit = c.Unit,
                    UnitCostCents = c.UnitCostCents, Hours = (double?)c.Hours, RateCents = c.RateCents,
                }, config => config.Headers.Add("Idempotency-Key", action.Key), ct);
                return;
            }
            if (action.Kind == "price")
            {
                await lead.Api.V1.Prices.PostAsync(new NewPrice
                {
                    Sku = action.Sku, Channel = "fridge", UnitPriceCents = action.PriceCents, ValidFrom = World.Day(plan.Season.DayOf(action.OccurredAt)),
                }, config => config.Headers.Add("Idempotency-Key", action.Key), ct);
                return;
            }
            if (action.Kind == "collab_status")
            {
                await lead.Api.V1.CollabBrews[action.Brew!.Code].Status.PostAsync(new CollabStatusChange { Status = action.Status }, cancellationToken: ct);
                return;
            }
            if (action.Kind == "collab_packaging")
            {
                await lead.Api.V1.CollabBrews[action.Brew!.Code].Packaging.PostAsync(new PackagingRequest
                {
                    BrewedLitres = (double)action.Brew.BrewedLitres,
                    Lines = [.. action.Brew.Lines.Select(l => new PackagingLine { Sku = l.Sku, Format = l.Format, Litres = (double)l.Litres })],
                }, config => config.Headers.Add("Idempotency-Key", action.Key), ct);
                return;
            }
            if (action.Kind == "place_asset")
            {
                await lead.Api.V1.Table.Assets[action.Device!].Placements.PostAsync(new NewAssetPlacement
                {
                    Location = action.To, From = World.Day(plan.Season.DayOf(action.OccurredAt)),
                }, cancellationToken: ct);
                return;
            }
            if (action.Kind == "cancel_festival")
            {
                await lead.Api.V1.Festivals[action.Festival!].Cancellation.PostAsync(new FestivalCancel { Reason = action.Reason }, cancellationToken: ct);
                return;
            }
            if (action.Kind == "statement")
            {
                await lead.Api.V1.Festivals[action.Festival!].Statements.PostAsync(cancellationToken: ct);
                return;
            }
            if (action.Kind == "month_statement")
            {
                await lead.Api.V1.Money.Statements[action.Month!].Issues.PostAsync(cancellationToken: ct);
                return;
            }
            if (action.Kind == "reconciliation")
            {
                await lead.Api.V1.Festivals[action.Festival!].Reconciliation.PostAsync(new Reconciliation
                {
                    Returns = [.. action.Returns.Select(r => new ReturnLine { Kiosk = r.Kiosk, Sku = r.Sku, Units = r.Units, To = r.To })],
                }, cancellationToken: ct);
                return;
            }
            await lead.Api.V1.Movements.PostAsync(new NewMovement
            {
                Kind = action.Kind, Sku = action.Sku, Units = action.Units, From = action.From, To = action.To, OccurredAt = action.OccurredAt, Reason = action.Reason,
                Lot = action.Kind == "production" ? $"{plan.Season.Name}-{action.OccurredAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}" : null,
            }, config => config.Headers.Add("Idempotency-Key", action.Key), ct);
        }
        catch (ProblemDetails problem)
        {
            Refused.Add($"refused {action.Key} ({action.Kind} of {action.Units} {action.Sku} at {action.OccurredAt:u}): {problem.ResponseStatusCode} {problem.Title} {problem.Detail}");
        }
        finally
        {
            ApiKeyHeader.ActingAt.Value = null;
        }
    }
}
