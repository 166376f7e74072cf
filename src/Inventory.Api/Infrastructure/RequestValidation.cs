using System.Reflection;

namespace Inventory.Api.Infrastructure;

/// <summary>A request body that states its own rules: the API's one way of refusing bad input.</summary>
public interface IValidatable
{
    void Validate(Validator validator);
}

/// <summary>
/// The endpoint filter of every API route: the bodies (and query records) that implement
/// <see cref="IValidatable"/> are checked before the handler runs, one 400 naming every wrong field. A
/// route with nothing to check gets no filter at all (the factory hands back <c>next</c>, and ASP.NET
/// Core then skips the filter pipeline): the hot reads pay nothing for it. Refusals raised later as
/// <see cref="DomainProblem"/> are answered by <see cref="DomainProblemHandler"/>.
/// </summary>
public static class RequestValidation
{
    public static TBuilder WithRequestValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        // The OpenAPI document says which operations answer 400 with the fields at fault.
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler && CheckedArguments(handler).Length > 0)
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
        });
        return builder.AddEndpointFilterFactory((factory, next) =>
        {
            var checkedArguments = CheckedArguments(factory.MethodInfo);
            if (checkedArguments.Length == 0) return next;
            return context =>
            {
                var calendar = context.HttpContext.RequestServices.GetRequiredService<TableCalendar>();
                var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                var validator = new Validator { Now = now, Today = calendar.DateOf(now) };
                foreach (var index in checkedArguments)
                {
                    switch (context.Arguments[index])
                    {
                        case IValidatable body: body.Validate(validator); break;
                        case IEnumerable<IValidatable?> lines: validator.EachOf(lines.ToList(), ""); break;
                    }
                }
                return validator.IsValid ? next(context) : ValueTask.FromResult<object?>(validator.Problem());
            };
        });
    }

    private static int[] CheckedArguments(MethodInfo handler) => handler.GetParameters()
        .Select((parameter, index) => (parameter, index))
        .Where(p => typeof(IValidatable).IsAssignableFrom(p.parameter.ParameterType) || IsListOfValidatable(p.parameter.ParameterType))
        .Select(p => p.index).ToArray();

    private static bool IsListOfValidatable(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var item] && typeof(IValidatable).IsAssignableFrom(item)
        && typeof(IEnumerable<>).MakeGenericType(item).IsAssignableFrom(type);
}

/// <summary>
/// Answers a refusal raised by a query or a command (<see cref="DomainProblem"/>) with its problem
/// details: the exception handler middleware calls it, so the happy path carries no try/catch per route.
/// </summary>
public sealed class DomainProblemHandler : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DomainProblem problem) return false;
        await problem.Result.ExecuteAsync(httpContext);
        return true;
    }
}
