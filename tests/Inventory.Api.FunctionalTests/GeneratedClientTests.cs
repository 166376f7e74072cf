using FrigoCoop.Client;
using FrigoCoop.Client.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The OpenAPI document is usable: the client Kiota generates from it in the build
/// (src/Inventory.Api.Client) runs a festival from creation to reconciliation with the lead's API key,
/// and a refusal reaches the caller as a typed problem naming the field.
/// </summary>
public sealed class GeneratedClientTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private FrigoCoopClient Client(string key)
    {
        var http = api.NewClient();
        // Kiota sends an API key over HTTPS only, as a client should; the in-process server answers either scheme.
        http.BaseAddress = new Uri("https://localhost");
        var adapter = new HttpClientRequestAdapter(new ApiKeyAuthenticationProvider(key, "X-Api-Key", ApiKeyAuthenticationProvider.KeyLocation.Header), httpClient: http)
        {
            BaseUrl = "https://localhost",
        };
        return new FrigoCoopClient(adapter);
    }

    [Fact]
    public async Task A_festival_runs_from_creation_to_reconciliation_through_the_generated_client()
    {
        var lead = Client(api.LeadKey).Api.V1;
        var code = $"fest-{Guid.NewGuid():N}"[..16];

        var festival = await lead.Festivals.PostAsync(new NewFestival
        {
            Code = code, Name = "Festif du client généré", Site = "Parc du Quai", Region = "Montérégie",
            StartsOn = new Date(2026, 8, 14), EndsOn = new Date(2026, 8, 16), ExpectedAttendance = 4000, Breweries = ["saint-fut", "aube"],
        });
        Assert.Equal(["aube", "saint-fut"], festival!.Breweries);

        var kiosk = await lead.Festivals[code].Kiosks.PostAsync(new NewKiosk { Code = "k1", Name = "Kiosque du quai" });
        Assert.Equal($"{code}-k1", kiosk!.Location);

        var allocation = await lead.Festivals[code].Allocation.PutAsync([new ParLine { Kiosk = "k1", Sku = "STFUT-EPAULE-473", ParUnits = 48 }]);
        Assert.Equal((2, 0), (allocation![0].Cases, allocation[0].LooseUnits));
        var pickList = Assert.Single((await lead.Festivals[code].PickLists.GetAsync())!);
        Assert.Equal(("saint-fut", 48), (pickList.Brewery, pickList.Lines![0].Units));

        // Delivered as the pick list says: brewed at Saint-Fût, sent to the kiosk.
        await lead.Movements.PostAsync(new NewMovement { Kind = "production", Sku = "STFUT-EPAULE-473", Units = 48, To = "stfut-brasserie" },
            config => config.Headers.Add("Idempotency-Key", $"{code}-brewed"));
        await lead.Movements.PostAsync(new NewMovement { Kind = "transfer", Sku = "STFUT-EPAULE-473", Cases = 2, From = "stfut-brasserie", To = kiosk.Location },
            config => config.Headers.Add("Idempotency-Key", $"{code}-sent"));

        var sold = await lead.Festivals[code].Kiosks["k1"].Sales.PostAsync(new StopSales { Lines = [new StopSale { Sku = "STFUT-EPAULE-473", Units = 30, UnitPriceCents = 800 }] });
        Assert.Equal(30, sold!.Sum(m => m.Units));

        var reconciled = await lead.Festivals[code].Reconciliation.PostAsync(new Reconciliation
        {
            Returns = [new ReturnLine { Kiosk = "k1", Sku = "STFUT-EPAULE-473", Units = 15, To = "stfut-brasserie" }],
        });
        var line = Assert.Single(reconciled!);
        Assert.Equal((48, 30, 15, 3), (line.Sent, line.Sold, line.Returned, line.Loss));

        var results = Assert.Single((await lead.Festivals[code].Results.GetAsync())!);
        Assert.Equal(("saint-fut", 30, 3, 24_000L), (results.Brewery, results.Sold, results.Loss, results.RevenueCents));
    }

    [Fact]
    public async Task A_refusal_reaches_the_client_as_a_typed_problem_naming_the_field()
    {
        var lead = Client(api.LeadKey).Api.V1;
        var invalid = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => lead.Festivals.PostAsync(new NewFestival { Code = "Not A Slug" }));
        Assert.Equal(400, invalid.ResponseStatusCode);
        Assert.Contains("code", invalid.Errors!.AdditionalData.Keys);

        var brewer = Client(api.BrewerKey).Api.V1;
        var forbidden = await Assert.ThrowsAsync<ProblemDetails>(() => brewer.Festivals.PostAsync(new NewFestival { Code = "nope" }));
        Assert.Equal(403, forbidden.ResponseStatusCode);
    }
}
