using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Infrastructure;

/// <summary>RFC 7807 answers that name what is wrong.</summary>
public static class Problems
{
    /// <summary>400 with <c>errors: {field: [message]}</c>.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"{field}: {message}");

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));

    public static ProblemHttpResult NotFound(string field, string what) =>
        TypedResults.Problem(title: $"{what} not found", detail: $"{field}: {what} not found", statusCode: 404,
            extensions: new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: 409, extensions: extensions);

    public static ProblemHttpResult Unprocessable(string field, string detail) =>
        TypedResults.Problem(title: $"{field}: {detail}", detail: detail, statusCode: 422, extensions: new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Forbidden", detail: detail, statusCode: 403);

    /// <summary>403 naming the field whose value the caller may not use.</summary>
    public static ProblemHttpResult Forbidden(string detail, string field) =>
        TypedResults.Problem(title: $"{field}: forbidden", detail: detail, statusCode: 403, extensions: new Dictionary<string, object?> { ["field"] = field });
}
