namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The OpenAPI document is part of the API's contract: it is committed (docs/openapi/v1.json), linted
/// by Redocly's recommended rules in scripts/test, and the typed client of <c>Inventory.Api.Client</c>
/// is generated from it by Kiota in the build. This test keeps the committed document equal to what
/// the API serves.
/// </summary>
public sealed class OpenApiDocumentTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    public static readonly string CommittedPath = Path.Combine(LocalServices.RepositoryRoot, "docs", "openapi", "v1.json");

    [Fact]
    public async Task The_committed_document_is_the_one_the_api_serves()
    {
        var served = await api.Anonymous.GetStringAsync("/openapi/v1.json");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedPath)!);
            await File.WriteAllTextAsync(CommittedPath, served.ReplaceLineEndings("\n"));
        }
        var committed = File.Exists(CommittedPath) ? await File.ReadAllTextAsync(CommittedPath) : "";
        Assert.True(committed.ReplaceLineEndings("\n") == served.ReplaceLineEndings("\n"),
            "docs/openapi/v1.json is not what the API serves: run `UPDATE_OPENAPI=1 dotnet test tests/Inventory.Api.FunctionalTests --filter OpenApiDocumentTests` and commit the file (the typed client is generated from it)");
    }

    [Fact]
    public async Task Every_operation_has_a_summary_its_success_schema_and_the_schemes_that_may_call_it()
    {
        var document = await api.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        Assert.Equal("cookie", schemes.GetProperty("sessionCookie").GetProperty("in").GetString());
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("summary", out _), $"{name} has no summary");
                var success = operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
                Assert.True(success.Count > 0, $"{name} declares no 2xx response");
                Assert.True(success.Any(r => r.Name == "204" || r.Value.TryGetProperty("content", out _)), $"{name} has no schema for its 2xx answer");
                var security = operation.Value.GetProperty("security");
                // Signing in, asking for a password reset, and using a code mailed to a person (the code is the proof), need no credentials.
                Assert.True(path.Name is "/api/v1/auth/sign-in" or "/api/v1/notifications/email-verification" or "/api/v1/auth/password-reset" or "/api/v1/auth/password-reset/confirm"
                        ? security.GetArrayLength() == 0 : security.GetArrayLength() == 2,
                    $"{name} has the wrong security requirements");
            }
    }
}
