using System.Security.Cryptography;
using System.Text.Json;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Restore;

/// <summary>
/// Restores a chain of sets from a folder of sets (as <see cref="Sinks.FileSystem.DirectorySink"/> writes them)
/// into a target folder ready for ESE recovery: databases under <c>databases/</c>, logs under <c>logs/</c>, and a
/// <see cref="RestorePlan"/>. Every file's length and SHA-256 are checked against its manifest while copying;
/// a mismatch names the set, file and what differs. The target must be empty or absent; nothing is written
/// outside it.
/// </summary>
public static class ChainRestore
{
    /// <summary>Checks every file of every set in <paramref name="backupFolder"/> (or of one set) against its manifest, without restoring.</summary>
    /// <returns>The problems found; empty when every set is intact.</returns>
    public static async Task<IReadOnlyList<string>> VerifyAsync(string backupFolder, string? setId, CancellationToken cancellationToken)
    {
        var sink = new Sinks.FileSystem.DirectorySink(backupFolder);
        var sets = await sink.ListSetsAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var set in sets.Where(s => setId is null || s.SetId == setId))
        {
            foreach (var file in set.Files)
            {
                var path = Path.Combine(sink.SetFolder(set.SetId), SetPath.Validate(file.Path));
                if (await CheckAsync(path, file, null, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    problems.Add($"set '{set.SetId}': {problem}");
                }
            }
        }

        if (setId is not null && !sets.Any(s => s.SetId == setId))
        {
            problems.Add($"no committed set named '{setId}' in {backupFolder}");
        }

        return problems;
    }

    /// <summary>Restores the chain ending with <paramref name="setId"/> (newest when <see langword="null"/>) into <paramref name="target"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or does not match its manifest, or the chain has a gap.</exception>
    public static async Task<RestorePlan> RestoreAsync(string backupFolder, string target, string? setId, CancellationToken cancellationToken)
    {
        var sink = new Sinks.FileSystem.DirectorySink(backupFolder);
        var chain = BackupChain.Resolve(await sink.ListSetsAsync(cancellationToken).ConfigureAwait(false), setId);
        target = Path.GetFullPath(target);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"the restore target '{target}' is not empty");
        }

        Directory.CreateDirectory(target);
        var databases = new List<RestoredDatabase>();
        foreach (var file in chain.Full.Files.Where(f => f.Kind == BackupFileKind.Database))
        {
            var source = Path.Combine(sink.SetFolder(chain.Full.SetId), SetPath.Validate(file.Path));
            var destination = Inside(target, file.Path);
            await CopyVerifiedAsync(source, destination, file, chain.Full.SetId, cancellationToken).ConfigureAwait(false);
            var streamed = chain.Full.Databases.FirstOrDefault(d => d.Path == file.Path)?.HasTrailerPage ?? chain.Full.Source != "snapshot";
            databases.Add(new RestoredDatabase(file.SourcePath ?? file.Path, destination, file.Sha256, streamed));
        }

        foreach (var (_, set, file) in chain.Logs)
        {
            var source = Path.Combine(sink.SetFolder(set.SetId), SetPath.Validate(file.Path));
            await CopyVerifiedAsync(source, Inside(target, file.Path), file, set.SetId, cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in chain.Full.Files.Where(f => f.Kind == BackupFileKind.Checkpoint))
        {
            var source = Path.Combine(sink.SetFolder(chain.Full.SetId), SetPath.Validate(file.Path));
            await CopyVerifiedAsync(source, Inside(target, file.Path), file, chain.Full.SetId, cancellationToken).ConfigureAwait(false);
        }

        var plan = new RestorePlan
        {
            Sets = [.. chain.Sets.Select(s => s.SetId)],
            LogFolder = Path.Combine(target, Pipeline.SetLayout.LogFolder),
            LogBaseName = chain.Sets[^1].LogBaseName ?? chain.Full.LogBaseName,
            GenLow = chain.Logs.Count == 0 ? null : chain.Logs[0].Generation,
            GenHigh = chain.LastGeneration,
            Databases = databases,
        };
        Directory.CreateDirectory(plan.LogFolder);
        await File.WriteAllBytesAsync(Path.Combine(target, RestorePlan.FileName), JsonSerializer.SerializeToUtf8Bytes(plan, ManifestJson.Options), cancellationToken).ConfigureAwait(false);
        return plan;
    }

    private static string Inside(string target, string setPath)
    {
        SetPath.Validate(setPath);
        var full = Path.GetFullPath(Path.Combine(target, setPath.Replace('/', Path.DirectorySeparatorChar)));
        return full.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new InvalidDataException($"'{setPath}' would be written outside the restore target");
    }

    private static async Task CopyVerifiedAsync(string source, string destination, ManifestFile file, string setId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temporary = destination + ".partial";
        if (await CheckAsync(source, file, temporary, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            File.Delete(temporary);
            throw new InvalidDataException($"set '{setId}': {problem}");
        }

        File.Move(temporary, destination);
    }

    /// <summary>Hashes <paramref name="path"/> (copying it to <paramref name="copyTo"/> on the way when given) and compares with the manifest.</summary>
    private static async Task<string?> CheckAsync(string path, ManifestFile file, string? copyTo, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return $"'{file.Path}' is missing";
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long length = 0;
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        await using var output = copyTo is null ? null : new FileStream(copyTo, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (output is not null)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            length += read;
        }

        if (length != file.Bytes)
        {
            return $"'{file.Path}' has {length} bytes, the manifest says {file.Bytes}";
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (sha != file.Sha256)
        {
            return $"'{file.Path}' has SHA-256 {sha}, the manifest says {file.Sha256}";
        }

        output?.Flush(flushToDisk: true);
        return null;
    }
}
