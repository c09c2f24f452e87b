namespace ExternalBackup.Retention;

/// <summary>The defaults of <see cref="RetentionPolicy"/>.</summary>
public static class RetentionDefaults
{
    /// <summary>A count that keeps nothing by itself: 0 (the rule is off).</summary>
    public const int Off = 0;
}
