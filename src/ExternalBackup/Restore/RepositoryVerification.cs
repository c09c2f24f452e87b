namespace ExternalBackup.Restore;

/// <summary>What <see cref="ChainRestore.VerifyAsync(Repository.IBackupRepository, string?, RestoreOptions?, CancellationToken)"/> found.</summary>
/// <param name="Location">The destination checked.</param>
/// <param name="Sets">Each set checked, oldest first.</param>
/// <param name="Problems">Problems of the destination as a whole (nothing there, no such set, a manifest that cannot be read).</param>
public sealed record RepositoryVerification(string Location, IReadOnlyList<SetVerification> Sets, IReadOnlyList<string> Problems)
{
    /// <summary>Whether there was something to verify and all of it is intact.</summary>
    public bool Ok => Problems.Count == 0 && Sets.Count > 0 && Sets.All(s => s.Ok);

    /// <summary>Every problem, destination-wide first.</summary>
    public IEnumerable<string> AllProblems => Problems.Concat(Sets.SelectMany(s => s.Problems));
}

/// <summary>The check of one stored set.</summary>
/// <param name="Name">Where it is stored.</param>
/// <param name="SetId">The id its manifest gives.</param>
/// <param name="Kind">Its kind (lower case).</param>
/// <param name="Files">How many files were checked.</param>
/// <param name="Bytes">How many bytes were read.</param>
/// <param name="Problems">Everything wrong with it: its chain, its name, each file.</param>
public sealed record SetVerification(string Name, string SetId, string Kind, int Files, long Bytes, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the set is intact and its chain complete.</summary>
    public bool Ok => Problems.Count == 0;
}
