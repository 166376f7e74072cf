using Inventory.Api.Auth;
using Inventory.Api.Notifications;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>A person's notifications: where to be told (mail, a signed webhook), of what, quiet hours, and what was sent.</summary>
public sealed class NotificationsModel(Subscriptions subscriptions) : PageModel
{
    public SubscriptionView? Subscription { get; private set; }
    public bool IsLead { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Compression.Refuse(HttpContext); // the webhook's signing secret
        var caller = Caller.From(User);
        IsLead = caller.IsLead;
        if (caller.UserId is { } user) Subscription = await subscriptions.FindAsync(user, ct);
    }
}
