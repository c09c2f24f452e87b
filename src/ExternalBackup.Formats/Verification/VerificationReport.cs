namespace ExternalBackup.Formats.Verification;

/// <summary>The verification of a set of files (one or more files and folders).</summary>
/// <param name="Files">One entry per file, in path order.</param>
/// <param name="SetProblems">Findings about the set as a whole (missing generations, foreign logs, signatures), also attached to the files they name.</param>
public sealed record VerificationReport(IReadOnlyList<FileVerification> Files, IReadOnlyList<VerificationProblem> SetProblems)
{
    /// <summary>True when no file and no set finding is an error.</summary>
    public bool Ok => Files.All(f => f.Ok) && SetProblems.All(p => p.IsWarning);

    /// <summary>Every error and warning, files first.</summary>
    public IEnumerable<VerificationProblem> AllProblems => Files.SelectMany(f => f.Problems).Concat(SetProblems).Distinct();
}
