using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Infrastructure;

/// <summary>Collects field errors and answers them all at once.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, string[]> _errors;
    private readonly string _prefix;

    public Validator() : this([], "", DateTimeOffset.UtcNow) { }

    private Validator(Dictionary<string, string[]> errors, string prefix, DateTimeOffset now) => (_errors, _prefix, Now) = (errors, prefix, now);

    /// <summary>The moment the request is judged at (the injected clock's, set by <see cref="RequestValidation"/>).</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>The Table's date at <see cref="Now"/> (its zone's, set by <see cref="RequestValidation"/>).</summary>
    public DateOnly Today { get; init; }

    public bool IsValid => _errors.Count == 0;

    public Validator Require(bool condition, string field, string message)
    {
        if (!condition) _errors.TryAdd(_prefix + field, [message]);
        return this;
    }

    /// <summary>The rules of a part of the request (a line of a list), its fields named under <paramref name="path"/> (<c>lines[2].sku</c>).</summary>
    public Validator Part(string path) => new(_errors, _prefix + path + ".", Now);

    /// <summary>Each line of a list checked by its own rules, named <c>field[i].…</c>; a missing line is refused as such.</summary>
    public Validator EachOf<T>(IReadOnlyList<T?>? lines, string field) where T : class, IValidatable
    {
        for (var i = 0; lines is not null && i < lines.Count; i++)
        {
            var path = $"{field}[{i}]";
            if (lines[i] is { } line) line.Validate(Part(path));
            else Require(false, path, "is required");
        }
        return this;
    }

    public ValidationProblem Problem() => Problems.Invalid(_errors);
}
