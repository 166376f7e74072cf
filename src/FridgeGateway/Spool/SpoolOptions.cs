using Microsoft.Extensions.Options;

namespace FridgeGateway.Spool;

public sealed class SpoolOptions
{
    public const string Section = "Spool";
    /// <summary>Where the spools (one per sink) and the alert state live. Must survive a restart.</summary>
    public string? Directory { get; set; }
    /// <summary>Per sink. Past it the gateway stops acknowledging and the broker keeps the rest.</summary>
    public long MaxBytes { get; set; } = 1L << 30;
    /// <summary>Per sink: the file of quarantined items (past it an item is only dead-lettered and logged).</summary>
    public long MaxQuarantineBytes { get; set; } = 64L << 20;
}

public sealed class SpoolOptionsValidator : IValidateOptions<SpoolOptions>
{
    public ValidateOptionsResult Validate(string? name, SpoolOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Directory) || !Path.IsPathFullyQualified(o.Directory))
            errors.Add("Spool__Directory is required and must be an absolute path");
        if (o.MaxBytes < 1024 * 1024) errors.Add("Spool__MaxBytes must be at least 1048576 (1 MiB)");
        if (o.MaxQuarantineBytes < 64 * 1024) errors.Add("Spool__MaxQuarantineBytes must be at least 65536 (64 KiB)");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
