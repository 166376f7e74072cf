using Inventory.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// What the generated OpenAPI document says beyond the routes' own metadata, so that a client generator
/// (Kiota, in the functional tests) can use it and Redocly's recommended rules pass: who the API is
/// for, the two ways to authenticate (a person's session cookie, a machine's <c>X-Api-Key</c>) and
/// which operations need them, a description per tag, and a server URL without a trailing slash.
/// </summary>
public static class OpenApiDocument
{
    public const string ApiKeyScheme = "apiKey", CookieScheme = "sessionCookie";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Auth"] = "Signing in and out, and who is calling",
        ["People"] = "People's accounts and API keys (the lead)",
        ["Catalogue"] = "Breweries, beers (SKUs), locations and devices",
        ["Stock"] = "The stock ledger: movements, levels, par levels, discrepancies",
        ["Device reports"] = "Sales and shelf counts the gateway forwards from the devices",
        ["Collab brews"] = "Collaboration brews, their contributions, packaging and settlement",
        ["Fridge status"] = "Latest readings, alerts and temperature history from telemetry",
        ["Festivals"] = "Festival kiosks and tours: plans, pick lists, sales, reconciliation",
        ["Grocery pilot"] = "Coop beers in grocery stores: placements, sell-through, performance",
        ["Prices"] = "The price list: a price per beer and channel, with validity dates",
        ["Sales"] = "Sales by channel: the COOP fridges' week by week, revenue per brewery and channel",
        ["The Table"] = "Membership, admission rules, the COOP fridges as assets, the funder report",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, context, ct) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Frigo COOP inventory API",
                Version = "v1",
                Description = "The stock ledger, festival kiosks, grocery pilot, collab brews and the Table's membership and report, "
                    + "for the Table des microbrasseries COOP. Refusals are RFC 9457 problem details naming the field.",
                License = new OpenApiLicense { Name = "Proprietary: Table des microbrasseries COOP", Url = new Uri("https://example.org/frigo-coop/licence") },
            };
            // The same origin as the document, whatever host serves it: one document for every deployment.
            document.Servers = [new OpenApiServer { Url = "/", Description = "the host serving this document" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuthenticationHandler.Header,
                    Description = "A machine's key (the gateway, a brewery's script): Inventory.Api admin create-key",
                },
                [CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = "frigo.auth",
                    Description = "A person's session, set by POST /api/v1/auth/sign-in",
                },
            };
            document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            // Every /api/v1 route needs one of the two schemes, except those that allow anyone (signing in).
            if (metadata.OfType<IAllowAnonymous>().Any()) operation.Security = [];
            else if (metadata.OfType<IAuthorizeData>().Any())
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
                ];
            return Task.CompletedTask;
        });
    }
}
