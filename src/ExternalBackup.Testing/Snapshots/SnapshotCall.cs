using ExternalBackup.Snapshots;

namespace ExternalBackup.Testing.Snapshots;

/// <summary>One call the provider model received.</summary>
/// <param name="Session">The session's number (1 for the first session opened).</param>
/// <param name="Step">The step.</param>
/// <param name="Detail">Its argument in words (component key, volume, kind, success flag), or empty.</param>
/// <param name="Failed">Whether the model failed the call (injected fault or order violation).</param>
public sealed record SnapshotCall(int Session, SnapshotStep Step, string Detail, bool Failed)
{
    /// <inheritdoc />
    public override string ToString() => $"#{Session} {Step}{(Detail.Length > 0 ? "(" + Detail + ")" : "")}{(Failed ? " FAILED" : "")}";
}
