using FridgeGateway;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayOptions();
builder.AddGatewayServices();

var app = builder.Build();
app.MapGatewayEndpoints();
app.Run();
