namespace Inventory.Api.FunctionalTests;

public sealed class CatalogueTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task The_lead_adds_a_brewery_and_everyone_signed_in_sees_it()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/breweries", new { slug = "riviere-noire", name = "La Rivière Noire", region = "Lanaudière" }));

        var breweries = await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/breweries");
        Assert.Contains(breweries!, b => b.GetProperty("slug").GetString() == "riviere-noire" && b.GetProperty("region").GetString() == "Lanaudière");
    }

    [Theory]
    [InlineData("""{"slug": "Bad Slug", "name": "x", "region": "y"}""", "slug")]
    [InlineData("""{"slug": "ok-slug", "region": "y"}""", "name")]
    [InlineData("""{"slug": "ok-slug", "name": "x"}""", "region")]
    public async Task A_brewery_with_a_bad_field_is_a_400_naming_it(string json, string field)
    {
        var response = await api.Lead.PostAsync("/api/v1/breweries", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Malformed_json_and_wrong_types_are_a_400()
    {
        var truncated = await api.Lead.PostAsync("/api/v1/beers", new StringContent("""{"sku": "ABC-1""", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.HasStatusAsync(truncated, HttpStatusCode.BadRequest);
        var wrongType = await api.Lead.PostAsync("/api/v1/beers", new StringContent("""{"sku": "ABC-123", "unitsPerCase": "many"}""", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.HasStatusAsync(wrongType, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_taken_slug_is_a_409()
    {
        var response = await api.Lead.PostAsJsonAsync("/api/v1/breweries", new { slug = "saint-fut", name = "Again", region = "Montérégie" });
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("BAD sku", "sku")]
    [InlineData("GOOD-SKU-2\n", "sku")] // .NET's $ alone lets a final newline through
    [InlineData("GOOD-SKU-1", "format")]
    public async Task A_beer_with_a_bad_field_is_a_400_naming_it(string sku, string field)
    {
        var response = await api.Lead.PostAsJsonAsync("/api/v1/beers", new { sku, brewery = "saint-fut", name = "X", format = field == "format" ? "barrel" : "can_473", unitsPerCase = 24 });
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_brewer_adds_beers_of_its_own_brewery_only()
    {
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/beers", new { sku = "STFUT-NOIRE-500", brewery = "saint-fut", name = "Noire", format = "bottle_500", unitsPerCase = 12 }));
        var other = await api.StFut.PostAsJsonAsync("/api/v1/beers", new { sku = "AUBE-FAKE-473", brewery = "aube", name = "Not mine", format = "can_473", unitsPerCase = 24 });
        await ProblemAssert.HasStatusAsync(other, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_beer_of_an_unknown_brewery_is_a_404_naming_the_field()
    {
        var response = await api.Lead.PostAsJsonAsync("/api/v1/beers", new { sku = "NOPE-IPA-473", brewery = "nope", name = "X", format = "can_473", unitsPerCase = 24 });
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.NotFound, "brewery");
    }

    [Fact]
    public async Task Devices_are_registered_at_a_location_and_moved()
    {
        var put = await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-cat-01", new { kind = "fridge", location = "frigo-coop-01", reportingIntervalSeconds = 60 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-cat-01", new { kind = "fridge", location = "frigo-coop-02" });

        var devices = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/devices");
        Assert.Equal("frigo-coop-02", devices!.Single(d => d.GetProperty("deviceId").GetString() == "fridge-cat-01").GetProperty("location").GetString());
        var bad = await api.Lead.PutAsJsonAsync("/api/v1/devices/Bad_Id", new { kind = "fridge" });
        await ProblemAssert.HasStatusAsync(bad, HttpStatusCode.BadRequest, "deviceId");
        var newline = await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-cat-03%0A", new { kind = "fridge" });
        await ProblemAssert.HasStatusAsync(newline, HttpStatusCode.BadRequest, "deviceId");
        var nowhere = await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-cat-02", new { kind = "fridge", location = "nowhere" });
        await ProblemAssert.HasStatusAsync(nowhere, HttpStatusCode.NotFound, "location");
    }

    [Fact]
    public async Task The_location_kinds_of_the_code_are_the_kinds_the_database_accepts()
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(api.ConnectionString);
        await using var check = db.CreateCommand("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'locations'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%kind%'");
        var definition = (string)(await check.ExecuteScalarAsync())!;
        var accepted = System.Text.RegularExpressions.Regex.Matches(definition, "'([a-z_]+)'").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(accepted, Catalogue.LocationKinds.All.ToHashSet());
        Assert.Subset(accepted, Catalogue.LocationKinds.Shared.ToHashSet());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await api.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/movements", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/device-reports/sales", out _));
    }

    [Fact]
    public async Task Health_endpoints_answer_without_signing_in()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/readyz")).StatusCode);
    }
}
