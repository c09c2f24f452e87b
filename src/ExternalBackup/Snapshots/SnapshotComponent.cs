namespace ExternalBackup.Snapshots;

/// <summary>
/// A component a writer offers for backup (VSS: a component of <c>IVssExamineWriterMetadata</c>), with the files it
/// names. Its identity (<see cref="WriterId"/>, <see cref="InstanceId"/>, <see cref="LogicalPath"/>,
/// <see cref="Name"/>) is what the provider is told when the component is added and when its result is reported.
/// </summary>
public sealed record SnapshotComponent
{
    /// <summary>The writer's class id.</summary>
    public required Guid WriterId { get; init; }

    /// <summary>The writer instance id.</summary>
    public required Guid InstanceId { get; init; }

    /// <summary>The writer's name (e.g. <c>NTDS</c>, <c>Microsoft Exchange Writer</c>).</summary>
    public required string WriterName { get; init; }

    /// <summary>The component's logical path, empty when it has none.</summary>
    public string LogicalPath { get; init; } = "";

    /// <summary>The component's name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the writer calls it a database (VSS_CT_DATABASE) rather than a file group.</summary>
    public bool IsDatabase { get; init; } = true;

    /// <summary>The component's file specifications.</summary>
    public required IReadOnlyList<SnapshotFileSpec> Files { get; init; }

    /// <summary>
    /// Files the component's writer excludes from every backup (VSS: <c>IVssExamineWriterMetadata::GetExcludeFile</c>),
    /// on the live volume; default none. An exclude wins over the component's own specifications: a file it matches is
    /// not copied, and the manifest lists it under <c>excluded</c> with the rule.
    /// </summary>
    public IReadOnlyList<SnapshotFileSpec> Excludes { get; init; } = [];

    /// <summary>A stable key naming the component in messages and results: <c>writer:logicalPath\name</c>.</summary>
    public string Key => LogicalPath.Length == 0 ? $"{WriterName}:{Name}" : $"{WriterName}:{LogicalPath}\\{Name}";

    /// <inheritdoc />
    public override string ToString() => Key;
}
