using System.Globalization;
using Inventory.Api.Localisation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Inventory.Api.FunctionalTests;

/// <summary>The pages' real localizer (the resource files the API ships), in a culture of the test's choosing.</summary>
public static class PageWords
{
    private static readonly IStringLocalizer<PageText> Localizer = new StringLocalizer<PageText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance));

    /// <summary>Runs <paramref name="read"/> with <paramref name="culture"/> as the thread's culture, as a request would.</summary>
    public static T In<T>(CultureInfo culture, Func<IStringLocalizer<PageText>, T> read)
    {
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
        try { return read(Localizer); }
        finally { (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi); }
    }
}
