namespace Inventory.Api.Table;

/// <summary>A brewery's status with the Table from a date on.</summary>
public sealed record MembershipEvent(string Status, DateOnly EffectiveOn);

/// <summary>Membership over time: pure, so that "was it a member on that day" has one answer everywhere.</summary>
public static class Membership
{
    public static readonly string[] Statuses = ["candidate", "member", "former"];

    /// <summary>The status in force on <paramref name="day"/> (null before the first event).</summary>
    public static string? StatusOn(IEnumerable<MembershipEvent> history, DateOnly day) =>
        history.Where(e => e.EffectiveOn <= day).OrderBy(e => e.EffectiveOn).LastOrDefault()?.Status;

    public static bool IsMemberOn(IEnumerable<MembershipEvent> history, DateOnly day) => StatusOn(history, day) == "member";

    /// <summary>A member on at least one day of the period, both days included (joined after it began or left before it ended too).</summary>
    public static bool WasMemberDuring(IReadOnlyCollection<MembershipEvent> history, DateOnly first, DateOnly last) =>
        IsMemberOn(history, first) || history.Any(e => e.Status == "member" && e.EffectiveOn > first && e.EffectiveOn <= last);
}
