using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;

namespace ExternalBackup.Formats.Verification;

/// <summary>The result of verifying a checkpoint file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Header">The checkpoint used (null when both copies are bad).</param>
/// <param name="Status">The state of the two copies.</param>
/// <param name="Problems">Every finding.</param>
public sealed record CheckpointVerification(string Path, CheckpointHeader? Header, HeaderCopyStatus Status, IReadOnlyList<VerificationProblem> Problems)
{
    /// <summary>True when no finding is an error.</summary>
    public bool Ok => Problems.All(p => p.IsWarning);

    /// <summary>Verifies a checkpoint file's bytes (8192 expected).</summary>
    public static CheckpointVerification Verify(string path, ReadOnlySpan<byte> file)
    {
        var problems = new List<VerificationProblem>();
        var read = CheckpointReader.Read(file);
        if (read.Status != HeaderCopyStatus.BothValid)
        {
            problems.Add(new VerificationProblem(path, read.Cause ?? read.Status.ToString(),
                Offset: read.Status == HeaderCopyStatus.ShadowBad ? CheckpointHeader.Size : 0));
        }

        if (file.Length != CheckpointHeader.FileSize)
        {
            problems.Add(new VerificationProblem(path, $"checkpoint file is {file.Length} bytes, not {CheckpointHeader.FileSize} (truncated or grown)",
                Offset: Math.Min(file.Length, CheckpointHeader.FileSize)));
        }

        return new CheckpointVerification(path, read.Header, read.Status, problems);
    }
}
