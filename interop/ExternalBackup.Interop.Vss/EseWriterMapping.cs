using ExternalBackup.Interop.Vss.Native;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Interop.Vss;

/// <summary>
/// Maps writer metadata to the ESE components to back up: components of ESE writers (<see cref="EseWriters"/> plus
/// any extra ids) that name database or log files. Environment variables in paths are expanded, alternate
/// locations kept, trailing separators trimmed; the writer's exclude files go with each of its components. Components of other writers, and components without database or
/// log files, are left out.
/// </summary>
public static class EseWriterMapping
{
    /// <summary>Maps <paramref name="components"/>.</summary>
    /// <param name="components">What the writers reported.</param>
    /// <param name="extraWriterIds">Writers to treat as ESE writers besides <see cref="EseWriters.All"/>.</param>
    /// <param name="expand">Expands environment variables; default <see cref="Environment.ExpandEnvironmentVariables(string)"/>.</param>
    public static IReadOnlyList<SnapshotComponent> Map(IEnumerable<VssWriterComponent> components, IReadOnlyCollection<Guid>? extraWriterIds = null, Func<string, string>? expand = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        expand ??= Environment.ExpandEnvironmentVariables;
        var result = new List<SnapshotComponent>();
        foreach (var c in components)
        {
            if (!EseWriters.All.Contains(c.WriterId) && extraWriterIds?.Contains(c.WriterId) != true)
            {
                continue;
            }

            if (!c.Files.Any(f => f.Role is SnapshotFileRole.Database or SnapshotFileRole.Log))
            {
                continue;
            }

            result.Add(new SnapshotComponent
            {
                WriterId = c.WriterId,
                InstanceId = c.InstanceId,
                WriterName = c.WriterName,
                LogicalPath = c.LogicalPath,
                Name = c.Name,
                IsDatabase = c.ComponentType != VssConstants.ComponentTypeFileGroup,
                Files = c.Files.Select(f => new SnapshotFileSpec(
                    f.Role,
                    Folder(expand(f.Path)),
                    f.FileSpec,
                    f.Recursive,
                    string.IsNullOrEmpty(f.AlternateLocation) ? null : Folder(expand(f.AlternateLocation)))).ToList(),
                Excludes = (c.Excludes ?? []).Select(f => new SnapshotFileSpec(SnapshotFileRole.Other, Folder(expand(f.Path)), f.FileSpec, f.Recursive)).ToList(),
            });
        }

        return result;
    }

    private static string Folder(string path) => path.Length > 3 ? path.TrimEnd('\\', '/') : path;
}
