namespace Collab.Brew.UnitTests;

public sealed class LifecycleTests
{
    [Theory]
    [InlineData(BrewStatus.Planned, BrewStatus.Brewed)]
    [InlineData(BrewStatus.Brewed, BrewStatus.Fermenting)]
    [InlineData(BrewStatus.Fermenting, BrewStatus.Packaged)]
    [InlineData(BrewStatus.Packaged, BrewStatus.Released)]
    [InlineData(BrewStatus.Released, BrewStatus.Closed)]
    [InlineData(BrewStatus.Planned, BrewStatus.Closed)]
    public void Each_next_step_is_allowed(BrewStatus from, BrewStatus to) => Assert.Equal(to, Lifecycle.Move(from, to));

    [Fact]
    public void Every_other_transition_is_refused_with_a_message_naming_the_next_step()
    {
        foreach (var from in Enum.GetValues<BrewStatus>())
            foreach (var to in Enum.GetValues<BrewStatus>())
            {
                if (Lifecycle.IsAllowed(from, to)) continue;
                var error = Assert.Throws<InvalidTransitionException>(() => Lifecycle.Move(from, to));
                Assert.Contains($"from {Lifecycle.Name(from)} to {Lifecycle.Name(to)}", error.Message);
            }
        Assert.Contains("the next step is fermenting", Assert.Throws<InvalidTransitionException>(() => Lifecycle.Move(BrewStatus.Brewed, BrewStatus.Packaged)).Message);
        Assert.Contains("closed", Assert.Throws<InvalidTransitionException>(() => Lifecycle.Move(BrewStatus.Closed, BrewStatus.Planned)).Message);
    }

    [Theory]
    [InlineData("packaged", true)]
    [InlineData("Released", true)]
    [InlineData("3", false)]
    [InlineData("bottled", false)]
    [InlineData(null, false)]
    public void Status_names_parse_but_numbers_and_unknown_words_do_not(string? name, bool parses) => Assert.Equal(parses, Lifecycle.TryParse(name, out _));
}
