using System.Threading.RateLimiting;
using Inventory.Api.Alerts;
using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Collab;
using Inventory.Api.Dashboard;
using Inventory.Api.Database;
using Inventory.Api.DeviceReports;
using Inventory.Api.Festivals;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Grocery;
using Inventory.Api.Infrastructure;
using Inventory.Api.Localisation;
using Inventory.Api.Money;
using Inventory.Api.Notifications;
using Inventory.Api.Prices;
using Inventory.Api.Provisioning;
using Inventory.Api.Sales;
using Inventory.Api.Stock;
using Inventory.Api.Table;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api;

public static class Extensions
{
    /// <summary>PostgreSQL (one NpgsqlDataSource), migrations and accounts: what the API and the admin commands share.</summary>
    public static IHostApplicationBuilder AddInventoryData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString("Inventory"))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        builder.Services.AddOptions<TableOptions>().BindConfiguration(TableOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TableOptions>, TableOptionsValidator>();
        builder.Services.AddSingleton(sp => new TableCalendar(sp.GetRequiredService<IOptions<TableOptions>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!;
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            // Every session runs in the Table's zone: a timestamptz's ::date, date_trunc('week', …) and a date
            // compared with a timestamptz cut at Québec midnights, the same as TableCalendar (rule "Figures come from the facts, in event time").
            dataSource.ConnectionStringBuilder.Timezone = sp.GetRequiredService<TableCalendar>().ZoneId;
            // The API runs a few statement texts over and over: prepared on each connection after two uses,
            // PostgreSQL skips parsing and, for most, planning (more than the execution itself for "my stock").
            // A connection string that sets Max Auto Prepare itself keeps its own choice (0 turns it off).
            if (!DatabaseOptions.SetsAutoPrepare(connectionString)) dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
            // A few connections per database core serve the most (PostgreSQL's rule of thumb: cores × 2 +
            // spindles); requests beyond wait in Npgsql's queue instead of 100 backends fighting over the
            // server's cores. Measured in docs/benchmarks.md. The connection string may say otherwise.
            if (!DatabaseOptions.SetsPoolSize(connectionString)) dataSource.ConnectionStringBuilder.MaxPoolSize = DatabaseOptions.DefaultPoolSize;
            return dataSource.Build();
        });
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<Accounts>();
        builder.Services.AddSingleton<PasswordResets>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static IHostApplicationBuilder AddInventoryServices(this IHostApplicationBuilder builder)
    {
        // Secrets mounted as files named after their key (Influx__Token): how compose hands each service
        // its own scoped InfluxDB token without putting it in the environment. The default folder may be
        // absent (a local run passes secrets as environment); a folder named in SecretFiles:Directory must exist.
        var secretFiles = builder.Configuration["SecretFiles:Directory"];
        builder.Configuration.AddKeyPerFile(secretFiles ?? "/run/secrets/frigo", optional: secretFiles is null);
        builder.AddInventoryData();
        // The season replay's acting clock, refused at start outside the Season environment (Infrastructure/ActingClock.cs).
        builder.Services.AddOptions<SeasonOptions>().BindConfiguration(SeasonOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SeasonOptions>, SeasonOptionsValidator>();
        if (builder.Configuration.GetValue<bool>($"{SeasonOptions.Section}:{nameof(SeasonOptions.ActingClock)}"))
            builder.Services.AddSingleton<TimeProvider>(new ActingClock(TimeProvider.System));
        var services = builder.Services;
        services.AddOptions<InfluxOptions>().BindConfiguration("Influx").ValidateOnStart();
        services.AddSingleton<IValidateOptions<InfluxOptions>, InfluxOptionsValidator>();
        services.AddHttpClient<InfluxReader>(http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddScoped<FleetReader>();
        // Each feature's queries and commands: the one way routes, pages and other features reach its data.
        services
            .AddCatalogue()
            .AddStock()
            .AddPrices()
            .AddSales()
            .AddMoney()
            .AddFestivals()
            .AddGrocery()
            .AddCollab()
            .AddTable()
            .AddDeviceReports()
            .AddAlerts()
            .AddNotifications(builder.Configuration)
            .AddProvisioning();
        services.AddMemoryCache();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<RetentionPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPurge>());
        services.AddSingleton<AuthCache>();
        services.AddSingleton<ApiKeyLookupLimiter>();
        // Without the listener (Stock:CacheReads=false, e.g. behind a pooler in transaction mode, where LISTEN
        // cannot work) stock reads all go to PostgreSQL, and what a session or key is serves for a second only.
        if (builder.Configuration.GetValue("Stock:CacheReads", defaultValue: true)) services.AddHostedService<Infrastructure.ChangeListener>();
        // French and every other script written as is (é, not &#xE9;): smaller pages, readable source; <, >, & and quotes are still encoded.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddFrigoLocalisation();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Dashboard";
            o.Conventions.AuthorizeFolder("/", Policies.People);
            o.Conventions.AuthorizePage("/Festivals", Policies.Lead);
            o.Conventions.AuthorizePage("/FunderReport", Policies.Lead);
            o.Conventions.AuthorizePage("/FridgeAssets", Policies.Lead);
            o.Conventions.AuthorizePage("/Devices", Policies.Lead);
            o.Conventions.AuthorizePage("/People", Policies.Lead);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Forbidden");
            o.Conventions.AllowAnonymousToPage("/NotFound");
            o.Conventions.AllowAnonymousToPage("/ConfirmNotifications"); // a confirmation mail's link, opened wherever the mail is read
            o.Conventions.AllowAnonymousToPage("/ForgottenPassword");
            o.Conventions.AllowAnonymousToPage("/NewPassword"); // a reset mail's link
        });
        // Every problem in the request's language (Accept-Language for the API, the dashboard's culture for its forms).
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiTranslation.Localise);
        services.AddExceptionHandler<DomainProblemHandler>();
        services.AddOpenApi(OpenApiDocument.Configure);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "api-key-or-cookie";
                o.DefaultChallengeScheme = "api-key-or-cookie";
            })
            // A request with X-Api-Key is a machine's; anything else is a person's cookie.
            .AddPolicyScheme("api-key-or-cookie", "API key or cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = "frigo.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever the request is HTTPS
                // The cookie lapses after two idle hours; the session it names ends after twelve whatever happens,
                // and is checked on every request (Sessions.ValidatePrincipalAsync).
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = Sessions.IdleTimeout;
                o.Events.OnValidatePrincipal = Sessions.ValidatePrincipalAsync;
                o.LoginPath = "/connexion";
                o.AccessDeniedPath = "/interdit";
                // The API answers 401/403; only pages redirect a person to the sign-in page.
                o.Events.OnRedirectToLogin = ctx => ApiOrRedirect(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiOrRedirect(ctx, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Lead, p => p.RequireRole(Roles.Lead))
            .AddPolicy(Policies.People, p => p.RequireRole(Roles.People))
            .AddPolicy(Policies.Gateway, p => p.RequireRole(Roles.Gateway, Roles.Lead));
        services.AddSingleton<SignInThrottle>();
        services.AddOptions<GatewayNetworkOptions>().BindConfiguration(GatewayNetworkOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayNetworkOptions>, GatewayNetworkOptionsValidator>();
        services.AddCallerRateLimits();
        // The fleet page of a whole fleet is large on a festival's network (docs/benchmarks.md, "Dashboard: the fleet
        // page for 500 devices"). Over HTTPS too (behind the proxy):
        // the pages that hold a secret or a sign-in token opt out (BREACH), see Dashboard/Compression.cs.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = [.. Microsoft.AspNetCore.ResponseCompression.ResponseCompressionDefaults.MimeTypes, "text/csv", "application/problem+json"];
        });
        return builder;
    }

    private static bool IsPageRequest(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/openapi")
        && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();

    public static WebApplication MapInventoryApi(this WebApplication app)
    {
        app.Use(SecurityHeaders.Add);
        if (app.Services.GetRequiredService<IOptions<SeasonOptions>>().Value.ActingClock) app.Use(ActingClock.Use);
        app.UseResponseCompression();
        app.UseRequestLocalization(); // before the errors, so that a refusal or a 404 page speaks the person's language
        app.UseExceptionHandler();
        // A browser asking for a page that is not there gets a page (in its language); the API and scripts get problem details.
        app.UseWhen(IsPageRequest, pages => pages.UseStatusCodePagesWithReExecute("/introuvable"));
        app.UseWhen(context => !IsPageRequest(context), other => other.UseStatusCodePages(status =>
            Results.Problem(statusCode: status.HttpContext.Response.StatusCode).ExecuteAsync(status.HttpContext)));
        app.UseRouting(); // after the re-execution, so that it routes the page it re-executes
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: the buckets are per person or key
        app.Use(StockReadCache.InvalidateAfterWrites);

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/healthz", () => TypedResults.Ok("alive"))
            .ExcludeFromDescription();
        app.MapGet("/readyz", async (NpgsqlDataSource db, CancellationToken ct) =>
        {
            try
            {
                await using var command = db.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(ct);
                return Results.Ok(new { ready = true });
            }
            catch (NpgsqlException e)
            {
                // The server's own words (host names, versions) are for the log, not for whoever asks.
                app.Logger.LogWarning("Not ready: {Error}", e.Message);
                return Results.Problem(title: "database unavailable", statusCode: 503);
            }
        })
            .ExcludeFromDescription();

        // Every /api/v1 route needs a signed-in person or an API key; groups narrow it to roles.
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization()
            .WithRequestValidation()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapAuthApi();
        api.MapPeopleApi();
        api.MapProvisioningApi();
        api.MapCatalogueApi();
        api.MapStockApi();
        api.MapDeviceReportsApi();
        api.MapAlertsApi();
        api.MapNotificationsApi();
        api.MapCollabApi();
        api.MapFridgeStatusApi();
        api.MapFestivalsApi();
        api.MapGroceryApi();
        api.MapPricesApi();
        api.MapSalesApi();
        api.MapMoneyApi();
        api.MapTableApi();
        app.MapDashboard();
        return app;
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
