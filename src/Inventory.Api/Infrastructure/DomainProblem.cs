namespace Inventory.Api.Infrastructure;

/// <summary>A rule of the domain refused the request: becomes problem details.</summary>
public sealed class DomainProblem(IResult result) : Exception(result.ToString())
{
    public IResult Result { get; } = result;
}
