using Inventory.Api.Notifications;

namespace Inventory.Api.FunctionalTests;

/// <summary>Quiet hours and retry backoff: pure rules, in Québec's time zone, across midnight and daylight-saving changes.</summary>
public sealed class DeliveryRulesTests
{
    private static readonly TimeZoneInfo Quebec = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
    private static readonly TimeOnly Ten = new(22, 0), Seven = new(7, 0);

    /// <summary>A local time in Québec as the instant it is.</summary>
    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Quebec.GetUtcOffset(local));
    }

    [Theory]
    [InlineData(21, 59, 6, 10, 21, 59)] // before the window: now
    [InlineData(22, 0, 6, 11, 7, 0)]    // from 22:00: tomorrow 07:00
    [InlineData(23, 30, 6, 11, 7, 0)]
    [InlineData(3, 0, 6, 10, 7, 0)]     // after midnight: this morning 07:00
    [InlineData(7, 0, 6, 10, 7, 0)]     // the window's end is not in it
    public void A_window_across_midnight_delays_to_its_end(int hour, int minute, int dueMonth, int dueDay, int dueHour, int dueMinute)
    {
        var now = Local(6, 10, hour, minute);
        Assert.Equal(Local(dueMonth, dueDay, dueHour, dueMinute), DeliveryRules.DueAt(now, Ten, Seven, Quebec));
    }

    [Fact]
    public void A_window_within_a_day_and_none_at_all()
    {
        var lunch = (From: new TimeOnly(12, 0), To: new TimeOnly(13, 0));
        Assert.Equal(Local(6, 10, 13), DeliveryRules.DueAt(Local(6, 10, 12, 30), lunch.From, lunch.To, Quebec));
        Assert.Equal(Local(6, 10, 11), DeliveryRules.DueAt(Local(6, 10, 11), lunch.From, lunch.To, Quebec));
        Assert.Equal(Local(6, 10, 12, 30), DeliveryRules.DueAt(Local(6, 10, 12, 30), null, null, Quebec));
        Assert.Equal(Local(6, 10, 12, 30), DeliveryRules.DueAt(Local(6, 10, 12, 30), lunch.From, lunch.From, Quebec)); // an empty window
    }

    [Fact]
    public void Quiet_hours_keep_to_local_time_across_daylight_saving_changes()
    {
        // 2026-03-08: clocks go from 02:00 to 03:00 in Québec. The night before is an hour shorter, and 07:00 is still 07:00.
        var due = DeliveryRules.DueAt(Local(3, 7, 23), Ten, Seven, Quebec);
        Assert.Equal((7, 0, TimeSpan.FromHours(-4)), (due.Hour, due.Minute, due.Offset));
        Assert.Equal(TimeSpan.FromHours(7), due - Local(3, 7, 23)); // 8 local hours, 7 real ones
        // A window ending inside the missing hour ends at its first real minute.
        var gap = DeliveryRules.DueAt(Local(3, 8, 1), new TimeOnly(0, 0), new TimeOnly(2, 30), Quebec);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 3, 0, 0, TimeSpan.FromHours(-4)), gap);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(5, 80)]
    [InlineData(10, 2560)]
    [InlineData(11, 3600)] // capped at an hour
    [InlineData(40, 3600)]
    [InlineData(0, 5)]
    public void Retries_back_off_from_five_seconds_to_an_hour(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DeliveryRules.Backoff(attempts));

    [Theory]
    [InlineData("felix@stfut.ca", true)]
    [InlineData("marie.tremblay+frigo@brasserie-aube.qc.ca", true)]
    [InlineData("felix", false)]
    [InlineData("felix@localhost", false)]
    [InlineData("Félix <felix@stfut.ca>", false)]
    [InlineData("a@b.ca, c@d.ca", false)]
    [InlineData("felix@stfut.", false)]
    [InlineData("", false)]
    public void A_mail_address_is_one_plain_address(string text, bool valid) => Assert.Equal(valid, SubscriptionChange.IsMailAddress(text));
}
