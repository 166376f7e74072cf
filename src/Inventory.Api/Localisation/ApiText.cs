using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Inventory.Api.Localisation;

/// <summary>The marker the API's refusals are filed under: <c>Resources/Localisation.ApiText.{language}.resx</c>.</summary>
public sealed class ApiText;

/// <summary>
/// Puts a refusal's words in the request's language as it is written, whoever wrote it (a field rule, a
/// domain refusal, the framework's status titles): the code words its refusals once, in English, the
/// language of the API's field names. A catalogue key may hold <c>{0}</c>, <c>{1}</c>… where the sentence
/// varies (a code, a number, a date); what they stand for is itself looked up (<c>device k-1 not found</c> is
/// <c>{0} not found</c> of <c>device {0}</c>). A sentence the catalogue does not know stays English.
/// </summary>
public static partial class ApiTranslation
{
    private static readonly ResourceManager Resources = new("Inventory.Api.Resources.Localisation.ApiText", typeof(ApiText).Assembly);
    private static readonly ConcurrentDictionary<CultureInfo, Catalogue?> Catalogues = new();

    /// <summary>Hooked into <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>: every problem the API answers passes here.</summary>
    public static void Localise(ProblemDetailsContext context)
    {
        if (CatalogueFor(CultureInfo.CurrentUICulture) is not { } catalogue) return;
        var problem = context.ProblemDetails;
        if (problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation)
        {
            foreach (var (field, messages) in validation.Errors)
                validation.Errors[field] = [.. messages.Select(catalogue.Translate)];
            problem.Title = string.Join(" ; ", validation.Errors.Select(e => $"{e.Key} : {e.Value[0]}"));
        }
        else if (problem.Title is { } title) problem.Title = catalogue.TranslateAfterField(title);
        if (problem.Detail is { } detail) problem.Detail = catalogue.TranslateAfterField(detail);
    }

    /// <summary>One sentence in a culture (the tests and the dashboard's own refusals use it too).</summary>
    public static string Translate(string sentence, CultureInfo culture) => CatalogueFor(culture)?.Translate(sentence) ?? sentence;

    private static Catalogue? CatalogueFor(CultureInfo culture) => Catalogues.GetOrAdd(culture, static c =>
    {
        for (var each = c; !Equals(each, CultureInfo.InvariantCulture); each = each.Parent)
            if (Resources.GetResourceSet(each, createIfNotExists: true, tryParents: false) is { } set) return new Catalogue(set);
        return null; // English, the API's own words
    });

    // "lines[2].sku: must be more than 0": a field's name, then what is wrong with it.
    [GeneratedRegex(@"^([A-Za-z][\w.\[\]-]*): (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldFirst();

    private sealed class Catalogue
    {
        private readonly Dictionary<string, string> _exact = new(StringComparer.Ordinal);
        private readonly List<(Regex Pattern, string Translation, int FixedLength)> _patterns = [];

        public Catalogue(ResourceSet set)
        {
            foreach (DictionaryEntry entry in set)
            {
                var (key, value) = ((string)entry.Key, (string)entry.Value!);
                if (!key.Contains("{0}", StringComparison.Ordinal)) { _exact[key] = value; continue; }
                var pattern = "^" + Placeholder().Replace(Regex.Escape(key).Replace(@"\{", "{"), m => $"(?<p{m.Groups[1].Value}>.+?)") + "$";
                _patterns.Add((new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Singleline), value, Placeholder().Replace(key, "").Length));
            }
            // The most specific sentence first: "must be within 0..10000 (basis points…)" before "must be within {0}..{1}".
            _patterns.Sort((a, b) => b.FixedLength.CompareTo(a.FixedLength));
        }

        public string Translate(string sentence) => Translate(sentence, depth: 0);

        /// <summary>"sku: is required" → "sku : est requis": the field's name as the API spells it, then the sentence.</summary>
        public string TranslateAfterField(string text) =>
            FieldFirst().Match(text) is { Success: true } m ? $"{m.Groups[1].Value} : {Translate(m.Groups[2].Value)}" : Translate(text);

        private string Translate(string sentence, int depth)
        {
            if (_exact.TryGetValue(sentence, out var exact)) return exact;
            if (depth > 1) return sentence; // a value is a code or a name, not a sentence of sentences
            foreach (var (pattern, translation, _) in _patterns)
            {
                if (pattern.Match(sentence) is not { Success: true } match) continue;
                return Placeholder().Replace(translation, m => match.Groups["p" + m.Groups[1].Value] is { Success: true } g ? Translate(g.Value, depth + 1) : m.Value);
            }
            return sentence;
        }
    }

    [GeneratedRegex(@"\{(\d)\}")]
    private static partial Regex Placeholder();
}
