using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Notifications;

/// <summary>A person's own subscription: what to be told, where (mail, a signed webhook), and quiet hours.</summary>
public static class NotificationsApi
{
    /// <summary>The notifications' services: subscriptions, the outbox, its senders and its worker.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<Subscriptions>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<INotificationSender, EmailSender>();
        services.AddHttpClient<WebhookSender>(http => http.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookAddresses.Handler(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AllowPrivateWebhooks));
        services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<WebhookSender>());
        services.AddSingleton<NotificationDispatcher>();
        // Off (Notifications:Send=false) where a test drives the outbox's passes itself.
        if (configuration.GetValue("Notifications:Send", defaultValue: true))
            services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        return services;
    }

    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("notifications")
            .WithTags("Notifications")
            .RequireAuthorization(Policies.People);
        notifications.MapGet("subscription", Get)
            .WithName("GetSubscription")
            .WithSummary("The signed-in person's subscription and the last notifications sent to them")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        notifications.MapPut("subscription", Put)
            .WithName("PutSubscription")
            .WithSummary("Subscribe: a mail address and/or a webhook (a new address gets a new signing secret), alerts, low stock, quiet hours")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        // The code is the proof (the link in the mail): whoever holds it may confirm, signed in or not.
        api.MapPost("notifications/email-verification", Verify)
            .WithTags("Notifications")
            .WithName("VerifyEmail")
            .AllowAnonymous()
            .WithSummary("Confirm a mail address with the code of its confirmation mail (once, within two days)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> Get(Caller caller, Subscriptions subscriptions, CancellationToken ct) =>
        caller.UserId is { } user ? TypedResults.Ok(await subscriptions.FindAsync(user, ct)) : Problems.Forbidden("a subscription is a person's: sign in");

    private static async Task<Results<NoContent, ProblemHttpResult>> Verify(EmailVerification body, Subscriptions subscriptions, CancellationToken ct) =>
        await subscriptions.VerifyAsync(body.Token!, ct) ? TypedResults.NoContent() : Problems.NotFound("token", "confirmation code (used, expired or never sent)");

    private static async Task<Ok<SubscriptionView>> Put(SubscriptionChange body, Caller caller, Subscriptions subscriptions, CancellationToken ct) =>
        TypedResults.Ok(await subscriptions.SaveAsync(caller, body, ct));
}
