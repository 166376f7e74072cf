using System.Text.RegularExpressions;
using FrigoCoop.TestSupport;

namespace Inventory.Api.FunctionalTests;

/// <summary>What a newcomer with a clone can follow: references the repository itself resolves.</summary>
public sealed partial class HouseRulesTests
{
    // "rule 8", "issue 20", also across a comment's line break ("issue\n    /// 20").
    [GeneratedRegex(@"\b(?:DESIGN\s+)?[Rr]ules?\s+(?:(?:///?|--)\s+)?\d+|\b[Ii]ssues?\s+(?:(?:///?|--)\s+)?\d+")]
    private static partial Regex NumberedReference();

    [GeneratedRegex(@"(?<![\w.])FridgeGateway\.([A-Z][A-Za-z]*)\b|(?<![\w.])([A-Z][A-Za-z]*)\.[A-Z]")]
    private static partial Regex GatewayNamespace();

    // A line of a route's chain: it starts with one of the endpoint builders' calls.
    [GeneratedRegex(@"^\s*\.(With|Require|Produces|Accepts|Allow|Exclude|Expensive|Disable|Add|Cache)\w*[<(]")]
    private static partial Regex RouteCall();

    [GeneratedRegex(@"\)\s*\.(With|Require|Produces|Accepts|Allow|Exclude|Expensive|Disable|Add|Cache)\w*[<(]")]
    private static partial Regex ChainedCall();

    [GeneratedRegex(@"\b[A-Z]\w*Api\.[A-Z]")]
    private static partial Regex RouteClassCall();

    [GeneratedRegex(@"\.Command\(")]
    private static partial Regex SqlCommandCall();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|Patch|Group|Methods)\(")]
    private static partial Regex MappedRoute();

    // app.MapGet(…).WithName(…) on one line.
    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|Patch|Group|Methods)\(.*\)\s*\.(With|Require|Produces|Accepts|Allow|Exclude|Expensive|Disable|Add|Cache)\w*[<(]")]
    private static partial Regex MappedThenChained();

    private static string Src => Path.Combine(LocalServices.RepositoryRoot, "src");

    private static List<string> SourceFiles(string root, params string[] extensions) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Any(e => f.EndsWith(e, StringComparison.Ordinal)))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))];

    [Fact]
    public void No_source_file_is_over_three_hundred_lines()
    {
        var files = SourceFiles(Src, ".cs", ".cshtml");
        Assert.NotEmpty(files);
        var tooLong = files.Select(f => (File: Path.GetRelativePath(Src, f), Lines: File.ReadLines(f).Count())).Where(f => f.Lines > 300)
            .Select(f => $"{f.File}: {f.Lines} lines").ToList();
        Assert.True(tooLong.Count == 0, string.Join("\n", tooLong));
    }

    [Fact]
    public void No_page_calls_a_features_route_class()
    {
        // A page reads a feature through its queries and commands, as the routes do; an *Api class only maps routes.
        var dashboard = Path.Combine(Src, "Inventory.Api", "Dashboard");
        var calls = SourceFiles(dashboard, ".cs", ".cshtml")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Number: i + 1, Line: line)))
            .Where(l => RouteClassCall().IsMatch(l.Line))
            .Select(l => $"{l.File}:{l.Number}: {l.Line.Trim()}").ToList();
        Assert.True(calls.Count == 0, "pages calling an *Api class:\n" + string.Join("\n", calls));
    }

    [Fact]
    public void A_route_table_says_one_thing_a_line()
    {
        // endpoint.MapGet(…) then .WithName(…), .RequireAuthorization(…), … each on a line of its own: a route's
        // name, policy and answers read down the page and a change to one is a one-line diff.
        var files = SourceFiles(Path.Combine(Src, "Inventory.Api"), ".cs").Where(f => MappedRoute().IsMatch(File.ReadAllText(f))).ToList();
        Assert.True(files.Count >= 15, $"the route tables were found ({files.Count})");
        var crowded = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Src, f), Number: i + 1, Line: line)))
            .Where(l => (RouteCall().IsMatch(l.Line) && ChainedCall().IsMatch(l.Line)) || MappedThenChained().IsMatch(l.Line))
            .Select(l => $"{l.File}:{l.Number}: {l.Line.Trim()}").ToList();
        Assert.True(crowded.Count == 0, "one fluent call a line in route tables:\n" + string.Join("\n", crowded));
    }

    [Fact]
    public void A_wide_sql_call_gives_one_value_a_line_named_by_its_placeholder()
    {
        // connection.Command(tx, sql, a, b, c, d, e…): from five values on, each on its own line as /* $N */ value, so that
        // the eighth value is found as $8 without counting commas (and a value moved is a label that no longer fits).
        var wrong = new List<string>();
        var calls = 0;
        foreach (var file in SourceFiles(Path.Combine(Src, "Inventory.Api"), ".cs"))
        {
            var text = File.ReadAllText(file);
            foreach (Match call in SqlCommandCall().Matches(text))
            {
                var args = TopLevelArguments(text, call.Index + call.Length - 1);
                var sql = args.FindIndex(a => a.TrimStart().StartsWith('"') || a.TrimStart().StartsWith("$\"", StringComparison.Ordinal));
                if (sql < 0 || args.Count - sql - 1 < 5) continue;
                calls++;
                var values = args.Skip(sql + 1).ToList();
                for (var i = 0; i < values.Count; i++)
                    if (!values[i].StartsWith('\n') || !values[i].TrimStart().StartsWith($"/* ${i + 1} */ ", StringComparison.Ordinal))
                        wrong.Add($"{Path.GetRelativePath(Src, file)}:{text[..call.Index].Count(c => c == '\n') + 1}: value {i + 1} '{values[i].Trim()}'");
            }
        }
        Assert.True(calls >= 20, $"the wide SQL calls were found ({calls})");
        Assert.True(wrong.Count == 0, "one value a line, as /* $N */ value:\n" + string.Join("\n", wrong));
    }

    /// <summary>The arguments of the call whose '(' is at <paramref name="open"/>, as written (strings, comments and nesting skipped).</summary>
    private static List<string> TopLevelArguments(string text, int open)
    {
        var args = new List<string>();
        var (depth, start, i) = (0, open + 1, open);
        while (i < text.Length)
        {
            if (string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0) { i = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal) + 3; continue; }
            var c = text[i];
            if (c is '"' or '\'')
            {
                for (i++; text[i] != c; i++) if (text[i] == '\\') i++;
                i++;
                continue;
            }
            if (c == '/' && text[i + 1] == '/') { i = text.IndexOf('\n', i); continue; }
            if (c == '/' && text[i + 1] == '*') { i = text.IndexOf("*/", i, StringComparison.Ordinal) + 2; continue; }
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}' && --depth == 0) { args.Add(text[start..i]); return args; }
            else if (c == ',' && depth == 1) { args.Add(text[start..i]); start = i + 1; }
            i++;
        }
        throw new InvalidOperationException("unbalanced call");
    }

    [Fact]
    public void The_gateways_namespaces_depend_on_each_other_without_a_cycle()
    {
        // Each folder of src/FridgeGateway is a namespace; what its files name of another (a using, a qualified name) is an
        // edge. The root namespace (Program, Extensions) composes them all and is left out.
        var gateway = Path.Combine(Src, "FridgeGateway");
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles(gateway, ".cs"))
        {
            var folder = Path.GetDirectoryName(Path.GetRelativePath(gateway, file))!;
            if (folder.Length == 0) continue;
            var from = folder.Split(Path.DirectorySeparatorChar)[0];
            var targets = edges.TryGetValue(from, out var set) ? set : edges[from] = [];
            // "FridgeGateway.Mqtt" in a using, or "Mqtt.AlertOwnership" qualified from a sibling namespace.
            foreach (Match m in GatewayNamespace().Matches(File.ReadAllText(file)))
                if ((m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).Value is var to && to != from && Directory.Exists(Path.Combine(gateway, to)))
                    targets.Add(to);
        }
        Assert.True(edges.Count >= 8, "the gateway's folders were found");
        var cycles = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            var stack = new Stack<List<string>>([[start]]);
            while (stack.TryPop(out var path))
                foreach (var next in edges.GetValueOrDefault(path[^1]) ?? [])
                    if (next == start) cycles.Add(string.Join(" → ", path.Append(next)));
                    else if (!path.Contains(next)) stack.Push([.. path, next]);
        }
        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Distinct()));
    }

    [Fact]
    public void The_code_cites_the_design_rules_by_name_and_no_tracker_number()
    {
        // "rule 8" or "issue 30" send a reader to a document or a tracker a clone does not have; docs/design.md names
        // the rules (rule "Each brewery sees its own"), and what an issue asked is said in the comment itself.
        var root = Src;
        var files = SourceFiles(root, ".cs", ".cshtml", ".sql", ".csproj");
        Assert.NotEmpty(files);
        var found = files.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => NumberedReference().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
        Assert.True(File.Exists(Path.Combine(LocalServices.RepositoryRoot, "docs", "design.md")), "docs/design.md names the rules the code cites");
    }
}
