namespace ExternalBackup.Tests.Common;

/// <summary>
/// Where the repository, <c>../shared</c> and its ESE corpus are, and scratch folders for tests.
/// Tests never write under <c>shared</c>: they copy what they need with <see cref="CopyCorpusSet"/>.
/// </summary>
internal static class TestPaths
{
    /// <summary>The folder holding <c>ExternalBackup.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared folder: <c>EXTERNALBACKUP_SHARED</c>, or <c>../shared</c> beside the checkout.</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("EXTERNALBACKUP_SHARED") is { Length: > 0 } s
            ? Path.GetFullPath(s)
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The real ESE files written by Windows.</summary>
    public static string Corpus => Path.Combine(Shared, "ese-corpus");

    /// <summary>Whether the tests run under CI (<c>CI=true</c>, which <c>.ci/run</c> exports): a missing prerequisite then fails the test instead of skipping it.</summary>
    public static bool UnderCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The corpus folder; when it is absent the test is skipped with the reason printed (CORPUS.md allows this for
    /// machines without <c>shared/</c>), except under CI (<see cref="UnderCi"/>), where it fails: CI always has it,
    /// and a run that silently tested nothing must not pass.
    /// </summary>
    public static string RequireCorpus()
    {
        if (!Directory.Exists(Corpus))
        {
            MissingPrerequisite($"the ESE corpus is not at {Corpus}; put the project's shared/ folder beside the checkout or set EXTERNALBACKUP_SHARED.");
        }

        return Corpus;
    }

    /// <summary>Ends a test that cannot run here for want of <paramref name="reason"/>: skipped (the reason printed), or failed under CI (<see cref="UnderCi"/>).</summary>
    public static void MissingPrerequisite(string reason)
    {
        if (UnderCi)
        {
            Assert.Fail($"CI=true and a prerequisite is missing: {reason}");
        }

        Assert.Ignore($"SKIPPED: {reason}");
    }

    /// <summary>A path inside the corpus (e.g. <c>xp-catroot2-logset/edb.chk</c>); skips when the corpus is absent.</summary>
    public static string CorpusFile(string relative) => Path.Combine(RequireCorpus(), relative);

    /// <summary>Copies corpus set <paramref name="set"/> (e.g. <c>xp-catroot2-logset</c>) into a new scratch folder and returns the copy.</summary>
    public static string CopyCorpusSet(string set, ScratchDirectory scratch, string? name = null)
    {
        var source = Path.Combine(RequireCorpus(), set);
        var target = Path.Combine(scratch.Path, name ?? set);
        CopyTree(source, target);
        return target;
    }

    /// <summary>Copies a folder tree.</summary>
    public static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExternalBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ExternalBackup.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A scratch folder under the system temp folder, deleted on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string? hint = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eb-tests", $"{hint ?? "t"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name)
    {
        var p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
