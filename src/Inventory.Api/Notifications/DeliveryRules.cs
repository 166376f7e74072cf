namespace Inventory.Api.Notifications;

/// <summary>When a notification may go (quiet hours) and when a failed one is tried again: pure rules, tested exhaustively.</summary>
public static class DeliveryRules
{
    /// <summary>
    /// The moment a notification created at <paramref name="now"/> may be sent: now, or the end of the
    /// person's quiet hours (local time of <paramref name="zone"/>; a window may span midnight, 22:00-07:00).
    /// </summary>
    public static DateTimeOffset DueAt(DateTimeOffset now, TimeOnly? quietFrom, TimeOnly? quietTo, TimeZoneInfo zone)
    {
        if (quietFrom is not { } from || quietTo is not { } to || from == to) return now;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = from < to ? time >= from && time < to : time >= from || time < to;
        if (!quiet) return now;
        var day = DateOnly.FromDateTime(local.DateTime);
        if (time >= to) day = day.AddDays(1); // past midnight's other side: the window ends tomorrow
        var end = day.ToDateTime(to);
        // The end may fall in a spring-forward gap (02:30 that never happens): the first valid moment after it.
        while (zone.IsInvalidTime(end)) end = end.AddMinutes(1);
        return new DateTimeOffset(end, zone.GetUtcOffset(end));
    }

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: 5 s, doubling, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(5 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20)), 3600));
}
