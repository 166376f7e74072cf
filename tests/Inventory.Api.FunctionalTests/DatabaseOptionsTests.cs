namespace Inventory.Api.FunctionalTests;

public sealed class DatabaseOptionsTests
{
    [Theory]
    [InlineData("Host=db;Maximum Pool Size=20", true)]
    [InlineData("Host=db;Max Pool Size=20", true)]
    [InlineData("Host=db;maxpoolsize=20", true)]
    [InlineData("Host=db;Minimum Pool Size=2", false)]
    [InlineData("Host=db;Username=frigo", false)]
    public void A_connection_string_that_chooses_its_pool_size_keeps_it(string connectionString, bool setsPoolSize) =>
        Assert.Equal(setsPoolSize, DatabaseOptions.SetsPoolSize(connectionString));

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", true)]
    [InlineData("Host=db;MaxAutoPrepare=20", true)]
    [InlineData("Host=db;Maximum Pool Size=20", false)]
    public void A_connection_string_that_chooses_auto_prepare_keeps_it_even_off(string connectionString, bool setsAutoPrepare) =>
        Assert.Equal(setsAutoPrepare, DatabaseOptions.SetsAutoPrepare(connectionString));
}
