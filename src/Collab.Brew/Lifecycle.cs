namespace Collab.Brew;

/// <summary>The life of a collab brew, in order.</summary>
public enum BrewStatus { Planned, Brewed, Fermenting, Packaged, Released, Closed }

/// <summary>A transition the lifecycle does not allow.</summary>
public sealed class InvalidTransitionException(BrewStatus from, BrewStatus to, string message) : InvalidOperationException(message)
{
    public BrewStatus From { get; } = from;
    public BrewStatus To { get; } = to;
}

/// <summary>
/// planned → brewed → fermenting → packaged → released → closed, one step at a time; a brew that is
/// still only planned may also be closed (called off).
/// </summary>
public static class Lifecycle
{
    /// <summary>The status after moving to <paramref name="to"/>, or an <see cref="InvalidTransitionException"/> saying why not.</summary>
    public static BrewStatus Move(BrewStatus from, BrewStatus to)
    {
        if (IsAllowed(from, to)) return to;
        var next = from == BrewStatus.Closed ? "none: the brew is closed" : Name(from + 1) + (from == BrewStatus.Planned ? " (or closed, to call it off)" : "");
        throw new InvalidTransitionException(from, to, $"a collab brew cannot go from {Name(from)} to {Name(to)}; from {Name(from)} the next step is {next}");
    }

    public static bool IsAllowed(BrewStatus from, BrewStatus to) =>
        to == from + 1 && from != BrewStatus.Closed || (from == BrewStatus.Planned && to == BrewStatus.Closed);

    public static string Name(BrewStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? name, out BrewStatus status) =>
        Enum.TryParse(name, ignoreCase: true, out status) && Enum.IsDefined(status) && name!.All(char.IsLetter);
}
