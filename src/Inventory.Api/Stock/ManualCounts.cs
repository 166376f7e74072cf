using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.DeviceReports;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>One beer counted on the shelf by hand, and the broken cans taken out of it at the count.</summary>
public sealed record ManualCountLine(string? Sku, int? Units, int? Broken);

/// <summary>
/// A COOP fridge's shelf counted by the person restocking it, before filling (docs/ledger.md, "A shelf counted by
/// hand"): the lead counts every beer (one not listed is 0), a brewer its own beers only.
/// </summary>
public sealed record ManualCount(string? Location, DateTimeOffset? CountedAt, IReadOnlyList<ManualCountLine?>? Lines) : IValidatable
{
    public const int MaxLines = 500;
    public const int MaxUnits = 100_000;

    public void Validate(Validator v)
    {
        v.Require(Location is not null && Patterns.Slug().IsMatch(Location), "location", Patterns.MustBeSlug)
         .Require(CountedAt is null || CountedAt <= v.Now.AddMinutes(5), "countedAt", "must not be in the future")
         .Require(Lines is { Count: > 0 and <= MaxLines }, "lines", $"must have 1 to {MaxLines} lines");
        for (var i = 0; Lines is not null && i < Lines.Count; i++)
        {
            var line = Lines[i];
            v.Require(line?.Sku is not null && Patterns.Sku().IsMatch(line.Sku), $"lines[{i}].sku", Patterns.MustBeSku)
             .Require(line?.Units is >= 0 and <= MaxUnits, $"lines[{i}].units", $"must be within 0..{MaxUnits}")
             .Require(line?.Broken is null or >= 0 and <= MaxUnits, $"lines[{i}].broken", $"must be within 0..{MaxUnits}")
             .Require(line?.Sku is null || Lines.Take(i).All(other => other?.Sku != line.Sku), $"lines[{i}].sku", "is counted twice");
        }
    }
}

/// <param name="CountedBy">Who counted.</param>
/// <param name="ListsOnly">True for a brewer's count: it covers only the beers it lists.</param>
public sealed record ManualCountRecorded(string Location, DateTimeOffset CountedAt, string CountedBy, bool ListsOnly, IReadOnlyList<CountLine> Lines);

/// <summary>
/// Records a shelf counted by hand as the same fact as a device's count (<see cref="ShelfLedger"/>): what is gone since
/// the count before, less what people moved, was sold at the fridge price; the broken cans taken out are a loss with its
/// reason, never a sale. A brewer counts its own beers and its count says nothing of the others'.
/// </summary>
public sealed class ManualCounts(NpgsqlDataSource db, BeerQueries beers, TimeProvider time)
{
    public const string BrokenReason = "broken, taken out at a count by hand";

    public async Task<IResult> CountAsync(ManualCount body, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        var place = await Lookup.LocationAsync(db, body.Location!, ct) ?? throw new DomainProblem(Problems.NotFound("location", $"location {body.Location}"));
        if (place.Kind != LocationKinds.CoopFridge)
            throw new DomainProblem(Problems.Unprocessable("location", $"{body.Location} is not a COOP fridge: only a fridge's shelf is counted by hand (a kiosk reports its sales)"));
        var lines = body.Lines!.Select(l => l!).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var beer = await beers.FactsAsync(lines[i].Sku!, ct) ?? throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {lines[i].Sku}"));
            if (!caller.MayMoveBeerOf(beer.BreweryId))
                throw new DomainProblem(Problems.Forbidden($"a brewer counts its own brewery's beers; {lines[i].Sku} is not one", $"lines[{i}].sku"));
        }
        var at = body.CountedAt ?? time.GetUtcNow();
        var listsOnly = !caller.IsLead;
        // A person's counts of one place are ordered among the place's counts by time, then by this name and number.
        var source = $"manual:{caller.Id}";
        return await Idempotency.RunAsync(db, caller.Id, idempotencyKey, body, async (c, tx, token) =>
        {
            await ShelfLedger.LockPlacesAsync(c, tx, [place.Id], token);
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].Broken is not > 0) continue;
                try
                {
                    await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Loss, lines[i].Sku!, null, lines[i].Broken!.Value, place.Id, null, at, caller.Name, BrokenReason),
                        allowShortfall: false, token);
                }
                catch (DomainProblem refused) when (refused.Result is ProblemHttpResult { ProblemDetails: var problem })
                {
                    // More broken cans than stood on the shelf: the field the person typed them in, not the ledger's "units".
                    problem.Extensions["field"] = $"lines[{i}].broken";
                    throw;
                }
            }
            var countId = await ShelfLedger.RecordCountAsync(c, tx, place.Id, source, at.ToUnixTimeMilliseconds(), at,
                lines.Select(l => (l.Sku!, l.Units!.Value)), token, countedBy: caller.Name, listsOnly: listsOnly);
            var outcomes = await ShelfLedger.RederiveAfterCountAsync(c, tx, place.Id, countId, at, token);
            var counted = outcomes.Where(o => o.Key.CountId == countId)
                .Select(o => new CountLine(o.Key.Sku, o.Value.Expected, o.Value.Counted, o.Value.Counted - o.Value.Expected, o.Value.Gone,
                    ShelfDiscrepancies.Reason(o.Value, sellsThrough: true)))
                .Where(l => l.LedgerUnits != 0 || l.CountedUnits != 0)
                .OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
            return (StatusCodes.Status201Created, new ManualCountRecorded(body.Location!, at, caller.Name, listsOnly, counted));
        }, ct);
    }
}
