using System.Security.Cryptography;
using System.Text;

namespace Inventory.Api.Auth;

/// <summary>
/// API keys for scripts and machines: <c>frigo_{prefix}_{secret}</c>. Only the SHA-256 of the key is
/// stored (a random 256-bit secret needs no slow hash); the prefix finds the row. Shown once.
/// </summary>
public static class ApiKeys
{
    public static (string Key, string Prefix, byte[] Hash) Create()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"frigo_{prefix}_{secret}";
        return (key, prefix, Hash(key));
    }

    public static bool TryParsePrefix(string key, out string prefix)
    {
        prefix = "";
        var parts = key.Split('_', 3); // the secret is base64url: it may hold '_' itself
        if (parts.Length != 3 || parts[0] != "frigo" || parts[1].Length != 12) return false;
        prefix = parts[1];
        return true;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool Matches(string key, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
