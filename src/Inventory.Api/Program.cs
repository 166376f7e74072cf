using Inventory.Api;
using Inventory.Api.Admin;
using Inventory.Api.Infrastructure;

if (args is ["admin", ..]) return await AdminCommands.RunAsync(args[1..]);
// `Inventory.Api healthcheck [url]`: the container's HEALTHCHECK (the runtime image has no curl).
if (args is ["healthcheck", ..]) return await HealthCheck.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:8080/healthz");

var builder = WebApplication.CreateBuilder(args);
builder.AddInventoryServices();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.MapInventoryApi();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
