namespace Inventory.Api.Infrastructure;

/// <summary>
/// Which issues of a frozen statement (a festival's settlement, a month's statements) a brewer reads (rule "Each
/// brewery sees its own"): the first that names it, and each correction that changes it, as it may see them. A
/// correction of other breweries' figures alone is theirs: that one was issued at all would say another brewery sold late.
/// </summary>
public static class IssuedStatements
{
    public static List<T> SeenBy<T>(IEnumerable<T> issues, Func<T, bool> namesIt, Func<T, bool> changesIt, Func<T, T> itsOwn)
    {
        var seen = new List<T>();
        var named = false;
        foreach (var issue in issues)
        {
            var names = namesIt(issue);
            if ((names && !named) || changesIt(issue)) seen.Add(itsOwn(issue));
            named |= names;
        }
        return seen;
    }
}
