using System.Text.RegularExpressions;

namespace Inventory.Api.Infrastructure;

public static partial class Patterns
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")] public static partial Regex Slug();
    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,39}$")] public static partial Regex Sku();
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$")] public static partial Regex DeviceId();
}
