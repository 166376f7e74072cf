using Collab.Brew;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;

namespace Inventory.Api.Money;

/// <summary>
/// The dated settings money is computed by (CONTEXT: taxes and the deposit change over the years, so they are
/// settings with their days, never constants). Each has a name and a whole-number value:
/// <list type="bullet">
/// <item><c>gst</c>, <c>qst</c>: a sales tax's rate in thousandths of a percent (5 % is 5000, 9.975 % is 9975);</item>
/// <item><c>deposit:{format}</c>: the container deposit of a package format, in cents a unit (none: no deposit);</item>
/// <item><c>taxes-included:{channel}</c>: 1 when the channel's prices are stated taxes included, 0 when before taxes.</item>
/// </list>
/// </summary>
public static class MoneySettingNames
{
    public const string Gst = "gst";
    public const string Qst = "qst";
    public const string DepositPrefix = "deposit:";
    public const string TaxesIncludedPrefix = "taxes-included:";

    public static string Deposit(string format) => DepositPrefix + format;

    public static string TaxesIncluded(string channel) => TaxesIncludedPrefix + channel;

    /// <summary>Every name a setting may have.</summary>
    public static readonly string[] All =
        [Gst, Qst, .. PackageFormats.All.Select(Deposit), .. PriceChannels.All.Select(TaxesIncluded)];

    /// <summary>The largest value a setting of this name may hold: a rate up to 100 %, a deposit up to $100, a flag 0 or 1.</summary>
    public static long MaxValue(string name) => name switch
    {
        Gst or Qst => TaxRates.Scale,
        _ when name.StartsWith(DepositPrefix, StringComparison.Ordinal) => 10_000,
        _ => 1,
    };
}

/// <summary>A setting from a day on, until another supersedes it.</summary>
public sealed record NewMoneySetting(string? Name, long? Value, DateOnly? ValidFrom) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Require(Name is not null && MoneySettingNames.All.Contains(Name), "name", $"must be one of {string.Join(", ", MoneySettingNames.All)}")
         .Require(ValidFrom is not null, "validFrom", "is required");
        if (Name is not null && MoneySettingNames.All.Contains(Name))
        {
            var max = MoneySettingNames.MaxValue(Name);
            v.Require(Value is not null && Value >= 0 && Value <= max, "value", $"must be within 0..{max}");
        }
    }
}

/// <param name="ValidTo">Its last day (included), when a later setting superseded it.</param>
public sealed record MoneySetting(long Id, string Name, long Value, DateOnly ValidFrom, DateOnly? ValidTo, string SetBy);

/// <summary>The settings in force, looked up by day: pure, over every period of every setting (a few dozen rows).</summary>
public sealed class MoneyRules(IReadOnlyList<MoneySetting> settings)
{
    private readonly ILookup<string, MoneySetting> _byName = settings.ToLookup(s => s.Name);

    /// <summary>A setting's value on a day; null when none is in force.</summary>
    public long? ValueOn(string name, DateOnly day) =>
        _byName[name].FirstOrDefault(s => s.ValidFrom <= day && (s.ValidTo is null || day <= s.ValidTo))?.Value;

    /// <summary>The tax rates of a day (a rate not set that day is 0: the seed sets both from 2013).</summary>
    public TaxRates RatesOn(DateOnly day) => new(ValueOn(MoneySettingNames.Gst, day) ?? 0, ValueOn(MoneySettingNames.Qst, day) ?? 0);

    public long DepositOn(string format, DateOnly day) => ValueOn(MoneySettingNames.Deposit(format), day) ?? 0;

    public bool TaxesIncludedOn(string channel, DateOnly day) => ValueOn(MoneySettingNames.TaxesIncluded(channel), day) == 1;

    /// <summary>Everything the money of a sale made on a day depends on: two sales with the same terms share a statement line.</summary>
    public SaleTerms TermsOn(string channel, string format, DateOnly day) => new(RatesOn(day), TaxesIncludedOn(channel, day), DepositOn(format, day));
}

/// <summary>The terms a sale's money is computed by: the day's tax rates, whether its price included them, its container's deposit.</summary>
public readonly record struct SaleTerms(TaxRates Rates, bool PriceIncludesTaxes, long DepositCentsPerUnit)
{
    public LineMoney Money(long units, long unitPriceCents) => LineMoney.Of(units, unitPriceCents, PriceIncludesTaxes, Rates, DepositCentsPerUnit);
}
