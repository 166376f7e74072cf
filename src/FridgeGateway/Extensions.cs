using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Influx;
using FridgeGateway.Ingestion;
using FridgeGateway.Inventory;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;
using FridgeGateway.Spool;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace FridgeGateway;

public static class Extensions
{
    /// <summary>Every setting bound and validated at start: a wrong one stops the process naming the key.</summary>
    public static IHostApplicationBuilder AddGatewayOptions(this IHostApplicationBuilder builder)
    {
        // Secrets mounted as files named after their key (Influx__Token): how compose hands each service
        // its own scoped InfluxDB token without putting it in the environment. The default folder may be
        // absent (a local run passes secrets as environment); a folder named in SecretFiles:Directory must exist.
        var secretFiles = builder.Configuration["SecretFiles:Directory"];
        builder.Configuration.AddKeyPerFile(secretFiles ?? "/run/secrets/frigo", optional: secretFiles is null);
        Bind<MqttOptions, MqttOptionsValidator>(builder, MqttOptions.Section);
        Bind<InfluxOptions, InfluxOptionsValidator>(builder, InfluxOptions.Section);
        Bind<SpoolOptions, SpoolOptionsValidator>(builder, SpoolOptions.Section);
        Bind<InventoryOptions, InventoryOptionsValidator>(builder, InventoryOptions.Section);
        Bind<BatchOptions, BatchOptionsValidator>(builder, BatchOptions.Section);
        Bind<AlertOptions, AlertOptionsValidator>(builder, AlertOptions.Section);
        Bind<SinkResilienceOptions, SinkResilienceOptionsValidator>(builder, "Resilience");
        return builder;
    }

    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton(sp => new GatewayHealth(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<BatchOptions>>().Value.StallAfter));
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(GatewayMetrics.MeterName)
            .AddView(GatewayMetrics.IngestDelayName, new ExplicitBucketHistogramConfiguration { Boundaries = GatewayMetrics.DelayBuckets })
            .AddPrometheusExporter());

        services.AddSingleton<GatewayMqttClient>();
        services.AddSingleton<IGatewayPublisher, MqttGatewayPublisher>();
        services.AddSingleton(sp =>
        {
            var batch = sp.GetRequiredService<IOptions<BatchOptions>>().Value;
            return new MessageParser(new TimestampPolicy(batch.FutureTolerance, batch.MaxAge));
        });
        services.AddSingleton(sp =>
        {
            var alerts = sp.GetRequiredService<IOptions<AlertOptions>>().Value;
            return new AlertEngine(kind => kind == DeviceKind.Kiosk ? alerts.Kiosk : alerts.Fridge);
        });
        services.AddSingleton<AlertOwnership>();
        services.AddSingleton<IAlertStateKeeper>(sp =>
        {
            // Several replicas keep it on the broker, handed from one holder of the alert session to the next;
            // one gateway in a file of its spool folder.
            if (sp.GetRequiredService<AlertOwnership>().Enabled) return new RetainedAlertState(sp.GetRequiredService<AlertOwnership>());
            var store = new AlertStateStore(Path.Combine(sp.GetRequiredService<IOptions<SpoolOptions>>().Value.Directory!, "alert-state.json"));
            store.Load(sp.GetRequiredService<AlertEngine>());
            return store;
        });

        services.AddHttpClient("influx", (sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<InfluxOptions>>().Value.Url!.TrimEnd('/') + "/");
            http.Timeout = Timeout.InfiniteTimeSpan; // the Polly pipeline owns timeouts
        }).RemoveAllLoggers(); // a request a batch: the sink logs failures and times each write itself (gateway.write.duration)
        services.AddHttpClient("inventory", (sp, http) =>
        {
            var url = sp.GetRequiredService<IOptions<InventoryOptions>>().Value.BaseUrl;
            if (url is not null) http.BaseAddress = new Uri(url.TrimEnd('/') + "/");
            http.Timeout = Timeout.InfiniteTimeSpan;
        }).RemoveAllLoggers();
        services.AddSingleton(sp =>
        {
            var spool = sp.GetRequiredService<IOptions<SpoolOptions>>().Value;
            var influx = sp.GetRequiredService<IOptions<InfluxOptions>>().Value;
            var inventory = sp.GetRequiredService<IOptions<InventoryOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>();
            ISinkWriter influxWriter = influx.UsesV2 ? new InfluxV2Writer(influx) : new InfluxV1Writer(http.CreateClient("influx"), influx);
            var influxSink = Sink(sp, influxWriter, spool);
            var inventorySink = inventory.Enabled ? Sink(sp, new InventoryWriter(http.CreateClient("inventory"), inventory), spool) : null;
            return new GatewaySinks(influxSink, inventorySink);
        });
        services.AddSingleton<AlertSession>();
        services.AddSingleton<IngestionProcessor>();
        services.AddHostedService<GatewayWorker>();
        return builder;
    }

    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        // Live = every loop running and no batch stuck (a full spool is not stuck); otherwise 503, so that
        // an orchestrator restarts the gateway instead of keeping a consumer that does nothing.
        app.MapGet("/healthz", IResult (GatewayHealth health, GatewayMqttClient mqtt) =>
            health.Problem(mqtt.IsConnected) is { } problem ? TypedResults.Problem(problem, statusCode: 503) : TypedResults.Ok("alive"));
        app.MapGet("/readyz", IResult (GatewayMqttClient mqtt, GatewaySinks sinks, IOptions<SpoolOptions> spool, AlertOwnership ownership) =>
        {
            // Ready = connected and subscribed, and able to accept work: a sink that is down while its
            // spool has room still accepts (rule "Outages are absorbed, not passed on").
            var full = sinks.All.Where(s => s.Spool.PendingBytes >= spool.Value.MaxBytes).Select(s => s.Name).ToList();
            var diskFull = sinks.All.Where(s => s.Spool.DiskFull is not null).Select(s => $"{s.Name} ({s.Spool.DiskFull})").ToList();
            if (!mqtt.IsReady) return TypedResults.Problem("not connected and subscribed to the MQTT broker", statusCode: 503);
            if (full.Count > 0) return TypedResults.Problem($"spool full: {string.Join(", ", full)}", statusCode: 503);
            if (diskFull.Count > 0) return TypedResults.Problem($"spool disk full: {string.Join(", ", diskFull)}", statusCode: 503);
            // alerts: "here" (one gateway), "holding" or "standby" (several replicas, see AlertOwnership).
            var alerts = !ownership.Enabled ? "here" : ownership.Tenure != 0 ? "holding" : "standby";
            return TypedResults.Ok(new { ready = true, alerts, spooled = sinks.All.ToDictionary(s => s.Name, s => s.Spool.PendingBytes) });
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static DurableSink Sink(IServiceProvider sp, ISinkWriter writer, SpoolOptions spool)
    {
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger($"FridgeGateway.Sinks.{writer.Name}");
        var directory = Path.Combine(spool.Directory!, writer.Name);
        var disk = new DurableSpool(directory, spool.MaxBytes, warning => logger.LogWarning("{Warning}", warning));
        var quarantine = new SinkQuarantine(Path.Combine(directory, "quarantine.jsonl"), spool.MaxQuarantineBytes);
        return new DurableSink(writer, disk, sp.GetRequiredService<IGatewayPublisher>(), sp.GetRequiredService<GatewayMetrics>(), logger,
            sp.GetRequiredService<IOptions<SinkResilienceOptions>>().Value, quarantine);
    }

    private static void Bind<TOptions, TValidator>(IHostApplicationBuilder builder, string section)
        where TOptions : class where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
