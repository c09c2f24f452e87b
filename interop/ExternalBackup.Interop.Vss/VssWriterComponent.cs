using ExternalBackup.Snapshots;

namespace ExternalBackup.Interop.Vss;

/// <summary>A file description of a writer component as VSS reports it (an <c>IVssWMFiledesc</c>).</summary>
/// <param name="Role">Which list it came from: <c>GetDatabaseFile</c>, <c>GetDatabaseLogFile</c> or <c>GetFile</c>.</param>
/// <param name="Path">The folder, possibly with environment variables (<c>%SystemRoot%\NTDS</c>).</param>
/// <param name="FileSpec">The file name or wildcard.</param>
/// <param name="Recursive">Whether sub-folders are included.</param>
/// <param name="AlternateLocation">The alternate location, or <see langword="null"/>/empty.</param>
/// <param name="BackupTypeMask">VSS_FILE_SPEC_BACKUP_TYPE flags.</param>
public sealed record VssFileDescription(SnapshotFileRole Role, string Path, string FileSpec, bool Recursive, string? AlternateLocation, uint BackupTypeMask);

/// <summary>A writer component as VSS reports it (identity from <c>GetIdentity</c>, fields of <c>VSS_COMPONENTINFO</c>, and its file descriptions).</summary>
/// <param name="WriterId">The writer class id.</param>
/// <param name="InstanceId">The writer instance id.</param>
/// <param name="WriterName">The writer name.</param>
/// <param name="ComponentType">VSS_COMPONENT_TYPE (1 database, 2 file group).</param>
/// <param name="LogicalPath">The logical path, or empty.</param>
/// <param name="Name">The component name.</param>
/// <param name="Selectable">Whether the component is selectable (non-selectable components must be added whenever the writer is included).</param>
/// <param name="Files">Its file descriptions.</param>
/// <param name="Excludes">The files its writer excludes from every backup (<c>IVssExamineWriterMetadata::GetExcludeFile</c>; role <see cref="SnapshotFileRole.Other"/>), or <see langword="null"/>: none.</param>
public sealed record VssWriterComponent(Guid WriterId, Guid InstanceId, string WriterName, int ComponentType, string LogicalPath, string Name, bool Selectable, IReadOnlyList<VssFileDescription> Files, IReadOnlyList<VssFileDescription>? Excludes = null);
