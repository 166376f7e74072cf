using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Inventory.Api.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Infrastructure;

/// <summary>How much work one caller may ask of the API a minute (a token bucket each, refilled every second).</summary>
public sealed class CallerRateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Writes (every method but GET and HEAD): a lead planning a festival posts a few a minute, a script a few a second.</summary>
    public int WritesPerMinute { get; set; } = 300;

    /// <summary>Reads that aggregate a period or the ledger's past (<see cref="CallerRateLimits.ExpensiveRead"/>, or any read with <c>asOf</c>).</summary>
    public int ExpensiveReadsPerMinute { get; set; } = 60;

    /// <summary>
    /// Expensive reads one caller may have running at once: an <c>asOf</c> read sums the ledger up to its instant
    /// (linear in the ledger: docs/benchmarks.md, "Per-caller limits and the gateway network check"), so a caller
    /// holds at most this many of the pool's connections whatever its bucket holds.
    /// </summary>
    public int ExpensiveReadsAtOnce { get; set; } = 2;

    public bool IsValid => WritesPerMinute is >= 1 and <= 1_000_000 && ExpensiveReadsPerMinute is >= 1 and <= 1_000_000 && ExpensiveReadsAtOnce is >= 1 and <= 8;
}

/// <summary>
/// Bounded work per caller: each person or API key (else each address) has a bucket of writes and one of expensive
/// reads; past it the answer is 429 with <c>Retry-After</c>, so that one brewer's script cannot hold the 8-connection
/// pool for everyone. The gateway's key is not limited: its device reports are the fleet's traffic, already bounded
/// per device by the broker and the gateway. Buckets are per replica (memory).
/// </summary>
public static class CallerRateLimits
{
    /// <summary>Endpoint metadata: a read that aggregates a period or the ledger's past.</summary>
    public sealed class ExpensiveReadMetadata;

    public static TBuilder ExpensiveRead<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ExpensiveReadMetadata());

    public static IServiceCollection AddCallerRateLimits(this IServiceCollection services)
    {
        services.AddOptions<CallerRateLimitOptions>().BindConfiguration(CallerRateLimitOptions.Section)
            .Validate(o => o.IsValid, "RateLimits:WritesPerMinute and RateLimits:ExpensiveReadsPerMinute must be within 1..1000000, RateLimits:ExpensiveReadsAtOnce within 1..8")
            .ValidateOnStart();
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(Partition),
                PartitionedRateLimiter.Create<HttpContext, string>(AtOncePartition));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(title: "Too many requests", detail: $"this caller asked for more than its share of work: try again in {seconds} s",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
            };
        });
    }

    private static bool IsWrite(HttpContext http) => !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);

    private static bool IsExpensiveRead(HttpContext http) =>
        !IsWrite(http) && (http.GetEndpoint()?.Metadata.GetMetadata<ExpensiveReadMetadata>() is not null || http.Request.Query.ContainsKey("asOf"));

    private static string CallerOf(HttpContext http) => http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "address:" + Sessions.ClientAddress(http);

    /// <summary>A caller's expensive reads running at once (the gateway never makes one).</summary>
    private static RateLimitPartition<string> AtOncePartition(HttpContext http)
    {
        if (!IsExpensiveRead(http)) return RateLimitPartition.GetNoLimiter("not expensive");
        var atOnce = http.RequestServices.GetRequiredService<IOptions<CallerRateLimitOptions>>().Value.ExpensiveReadsAtOnce;
        return RateLimitPartition.GetConcurrencyLimiter("at-once:" + CallerOf(http), _ => new ConcurrencyLimiterOptions { PermitLimit = atOnce, QueueLimit = 0 });
    }

    private static RateLimitPartition<string> Partition(HttpContext http)
    {
        if (http.User.IsInRole(Roles.Gateway)) return RateLimitPartition.GetNoLimiter("gateway");
        var write = IsWrite(http);
        if (!write && !IsExpensiveRead(http)) return RateLimitPartition.GetNoLimiter("read");
        var options = http.RequestServices.GetRequiredService<IOptions<CallerRateLimitOptions>>().Value;
        var caller = CallerOf(http);
        var perMinute = write ? options.WritesPerMinute : options.ExpensiveReadsPerMinute;
        return RateLimitPartition.GetTokenBucketLimiter((write ? "write:" : "read:") + caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = Math.Max(1, perMinute / 60),
            ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
