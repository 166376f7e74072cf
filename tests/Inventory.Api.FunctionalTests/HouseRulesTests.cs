using System.Text.RegularExpressions;
using FrigoCoop.TestSupport;

namespace Inventory.Api.FunctionalTests;

/// <summary>What a newcomer with a clone can follow: references the repository itself resolves.</summary>
public sealed partial class HouseRulesTests
{
    [GeneratedRegex(@"\b(?:DESIGN\s+)?[Rr]ules?\s+\d+|\b[Ii]ssues?\s+\d+")]
    private static partial Regex NumberedReference();

    [Fact]
    public void The_code_cites_the_design_rules_by_name_and_no_tracker_number()
    {
        // "rule 8" or "issue 30" send a reader to a document or a tracker a clone does not have; docs/design.md names
        // the rules (rule "Each brewery sees its own"), and what an issue asked is said in the comment itself.
        var root = Path.Combine(LocalServices.RepositoryRoot, "src");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".sql", StringComparison.Ordinal)
                        || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        var found = files.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => NumberedReference().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
        Assert.True(File.Exists(Path.Combine(LocalServices.RepositoryRoot, "docs", "design.md")), "docs/design.md names the rules the code cites");
    }
}
