using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Inventory.Api.FunctionalTests;

/// <summary>Bounded work per caller (issue 30): each person or key has its own buckets of writes and of expensive reads.</summary>
public sealed class RateLimitTests(RateLimitTests.Limited api) : IClassFixture<RateLimitTests.Limited>
{
    /// <summary>The API with buckets small enough to empty in a test (the lead's set-up of the fixture takes nine writes).</summary>
    public sealed class Limited : InventoryApi
    {
        public const int Writes = 12;

        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["RateLimits:WritesPerMinute"] = Writes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits:ExpensiveReadsPerMinute"] = "3",
        };
    }

    private static object Par(int units) => new { sku = "STFUT-BLONDE-355", location = "frigo-coop-01", parUnits = units };

    [Fact]
    public async Task Past_its_writes_a_minute_a_brewer_gets_429_with_retry_after_and_nobody_else_waits()
    {
        for (var i = 0; i < Limited.Writes; i++) Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", Par(10 + i))).StatusCode);

        var refused = await api.StFut.PutAsJsonAsync("/api/v1/par-levels", Par(20));

        await ProblemAssert.HasStatusAsync(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 60 / Limited.Writes + 1 }, $"Retry-After {retryAfter}");
        // Reads are not writes; another brewer and the lead have buckets of their own; the gateway's reports are not limited.
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.GetAsync("/api/v1/stock")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.PutAsJsonAsync("/api/v1/par-levels", new { sku = "AUBE-IPA-473", location = "frigo-coop-01", parUnits = 6 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/par-levels", Par(20))).StatusCode);
        for (var i = 0; i < Limited.Writes + 3; i++) // more than any caller's bucket holds
        {
            var report = await api.Gateway.PostAsJsonAsync("/api/v1/device-reports/alerts", new
            {
                deviceId = "fridge-unknown-01", type = "offline", state = "raised", startedAt = DateTimeOffset.UtcNow, at = DateTimeOffset.UtcNow,
            });
            Assert.NotEqual(HttpStatusCode.TooManyRequests, report.StatusCode);
        }
    }

    [Fact]
    public async Task Reads_of_the_ledgers_past_and_of_periods_share_a_bucket_and_plain_reads_have_none()
    {
        var asOf = $"/api/v1/stock?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))}";
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.GetAsync(asOf)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.GetAsync("/api/v1/sales/revenue?from=2026-01-01&to=2026-03-31")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.GetAsync(asOf)).StatusCode);

        await ProblemAssert.HasStatusAsync(await api.Aube.GetAsync("/api/v1/sales/fridges?from=2026-01-01&to=2026-03-31"), HttpStatusCode.TooManyRequests);
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await api.Aube.GetAsync("/api/v1/stock")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.GetAsync(asOf)).StatusCode);
    }
}

/// <summary>
/// However full its bucket, a caller has at most two expensive reads running at once (an <c>asOf</c> read holds a pooled
/// connection while it sums the ledger): asked of the API's own limiter, with requests held open as long as the test likes.
/// </summary>
public sealed class ExpensiveReadsAtOnceTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private HttpContext AsOfRead(string caller)
    {
        var http = new DefaultHttpContext { RequestServices = api.Services };
        http.Request.Method = "GET";
        http.Request.QueryString = new QueryString("?asOf=2026-07-01T00:00:00Z");
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, caller)], "test"));
        return http;
    }

    [Fact]
    public void A_third_expensive_read_of_one_caller_waits_for_one_of_its_two_to_end_and_others_are_not_held()
    {
        var limiter = api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>>().Value.GlobalLimiter!;
        var first = limiter.AttemptAcquire(AsOfRead("user:41"));
        using var second = limiter.AttemptAcquire(AsOfRead("user:41"));
        using var third = limiter.AttemptAcquire(AsOfRead("user:41"));
        using var another = limiter.AttemptAcquire(AsOfRead("user:42"));
        using var plain = limiter.AttemptAcquire(new DefaultHttpContext { RequestServices = api.Services, User = AsOfRead("user:41").User });

        Assert.Equal((true, true, false, true, true), (first.IsAcquired, second.IsAcquired, third.IsAcquired, another.IsAcquired, plain.IsAcquired));
        first.Dispose();
        using var fourth = limiter.AttemptAcquire(AsOfRead("user:41"));
        Assert.True(fourth.IsAcquired);
    }
}
