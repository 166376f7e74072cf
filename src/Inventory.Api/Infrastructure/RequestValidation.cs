using System.Reflection;

namespace Inventory.Api.Infrastructure;

/// <summary>A request body that states its own rules: the API's one way of refusing bad input.</summary>
public interface IValidatable
{
    void Validate(Validator validator);
}

/// <summary>
/// The endpoint filter every API route runs through: the bodies that implement <see cref="IValidatable"/>
/// are checked before the handler runs (one 400 naming every wrong field), and a refusal a query or a
/// command raises as <see cref="DomainProblem"/> becomes its problem details. Routes without such a body
/// get only the second, and nothing is added per request where there is nothing to check.
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
            return async context =>
            {
                if (checkedArguments.Length > 0)
                {
                    var validator = new Validator { Now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() };
                    foreach (var index in checkedArguments)
                    {
                        switch (context.Arguments[index])
                        {
                            case IValidatable body: body.Validate(validator); break;
                            case IEnumerable<IValidatable?> lines: validator.EachOf(lines.ToList(), ""); break;
                        }
                    }
                    if (!validator.IsValid) return validator.Problem();
                }
                try
                {
                    return await next(context);
                }
                catch (DomainProblem problem)
                {
                    return problem.Result;
                }
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
