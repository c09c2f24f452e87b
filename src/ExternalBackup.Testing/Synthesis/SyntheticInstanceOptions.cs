namespace ExternalBackup.Testing.Synthesis;

/// <summary>What <see cref="SyntheticInstanceWriter"/> writes: databases and one log set sharing a log signature.</summary>
public sealed record SyntheticInstanceOptions
{
    /// <summary>The databases: file name (relative to the folder) and options. Their log signature is forced to the log set's. Default one clean <c>db.edb</c>.</summary>
    public IReadOnlyList<(string Name, SyntheticDatabaseOptions Options)> Databases { get; init; } = [("db.edb", new SyntheticDatabaseOptions())];

    /// <summary>The log set. Default <see cref="SyntheticLogSetOptions"/> defaults.</summary>
    public SyntheticLogSetOptions Logs { get; init; } = new();
}
