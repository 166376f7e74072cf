using FridgeGateway;
using FridgeGateway.Observability;

// `FridgeGateway healthcheck [url]`: the container's HEALTHCHECK (the runtime image has no curl).
if (args is ["healthcheck", ..]) return await HealthCheck.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:8080/healthz");

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayOptions();
builder.AddGatewayServices();

var app = builder.Build();
app.MapGatewayEndpoints();
await app.RunAsync();
return 0;
