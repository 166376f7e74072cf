namespace Inventory.Api.Admin;

public static class DemoData
{
    public static Task LoadAsync(IServiceProvider services) => Task.CompletedTask;
}
