using Inventory.Api;
using Inventory.Api.Admin;

if (args is ["admin", ..]) return await AdminCommands.RunAsync(args[1..]);

var builder = WebApplication.CreateBuilder(args);
builder.AddInventoryServices();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.MapInventoryApi();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
