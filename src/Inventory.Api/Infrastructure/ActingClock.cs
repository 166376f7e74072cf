using System.Globalization;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// The season replay's clock (section <c>Season</c>, docs/season.md): with <c>Season__ActingClock=true</c> a person's
/// request may say, in <see cref="ActingClock.Header"/>, the simulated instant it is made at, and every "now" of that
/// request is that instant — a reconciliation, a round's tick or an exposure decision is dated in the season, not on
/// the day the replay runs. Production never moves its clock: the setting is refused at start outside the
/// <c>Season</c> environment, which only <c>scripts/season</c> runs the API in.
/// </summary>
public sealed class SeasonOptions
{
    public const string Section = "Season";
    public const string Environment = "Season";

    public bool ActingClock { get; set; }
}

public sealed class SeasonOptionsValidator(IHostEnvironment environment) : IValidateOptions<SeasonOptions>
{
    public ValidateOptionsResult Validate(string? name, SeasonOptions o) => o.ActingClock && !environment.IsEnvironment(SeasonOptions.Environment)
        ? ValidateOptionsResult.Fail($"Season__ActingClock moves the API's clock: only scripts/season may set it, in the '{SeasonOptions.Environment}' environment (this is '{environment.EnvironmentName}')")
        : ValidateOptionsResult.Success;
}

/// <summary>The system clock, or, during a request that says so, the instant it acts at (<see cref="SeasonOptions"/>).</summary>
public sealed class ActingClock(TimeProvider system) : TimeProvider
{
    public const string Header = "X-Acting-At";

    private static readonly AsyncLocal<DateTimeOffset?> ActingAt = new();

    public override DateTimeOffset GetUtcNow() => ActingAt.Value ?? system.GetUtcNow();

    /// <summary>The request's "now" for everything it calls; a header that is not an instant with its offset is a 400.</summary>
    public static async Task Use(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Headers[Header].ToString() is not { Length: > 0 } text)
        {
            await next(http);
            return;
        }
        if (!DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"{Header} must be an ISO 8601 instant with its offset").ExecuteAsync(http);
            return;
        }
        ActingAt.Value = at;
        try { await next(http); }
        finally { ActingAt.Value = null; }
    }
}
