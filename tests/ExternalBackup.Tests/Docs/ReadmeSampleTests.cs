using System.Text.RegularExpressions;
using BackupAgent;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Docs;

/// <summary>
/// The README's C# samples are the files of docs/samples, in name order, which this project compiles (so a sample
/// that stops compiling fails the build) and these tests run against the engine model.
/// </summary>
public sealed partial class ReadmeSampleTests
{
    private static string Samples => Path.Combine(TestPaths.RepositoryRoot, "docs", "samples");

    [Test]
    public void The_readme_s_csharp_blocks_are_exactly_the_compiled_sample_files()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups["code"].Value).ToList();
        var files = Directory.GetFiles(Samples, "*.cs").Order(StringComparer.Ordinal).ToList();
        Assert.That(files, Is.Not.Empty);
        Assert.That(blocks, Has.Count.EqualTo(files.Count), $"the README has {blocks.Count} ```csharp blocks and docs/samples {files.Count} files: keep one block per file, in name order");
        for (var i = 0; i < files.Count; i++)
        {
            Assert.That(blocks[i], Is.EqualTo(File.ReadAllText(files[i]).ReplaceLineEndings("\n")), $"README ```csharp block {i + 1} differs from docs/samples/{Path.GetFileName(files[i])}; copy the file into the README");
        }
    }

    [Test]
    public async Task The_streaming_sample_commits_a_full_set()
    {
        using var scratch = new ScratchDirectory("readme");
        var destination = scratch.Sub("backups");
        var reports = new SynchronousProgress();
        var result = await NightlyBackup.RunAsync(EngineModel.Open(TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance")), destination, reports, CancellationToken.None);
        Assert.That(result.Manifest.Kind, Is.EqualTo(BackupKind.Full));
        Assert.That(reports.Phases[^1], Is.EqualTo(BackupPhase.Completed));
        Assert.That(File.Exists(Path.Combine(destination, result.Manifest.SetId, BackupManifest.FileName)), Is.True);
    }

    [Test]
    public void The_jet_style_sample_returns_success_and_leaves_a_set()
    {
        using var scratch = new ScratchDirectory("readme");
        var destination = scratch.Sub("backups");
        var notes = new List<string>();
        var rc = JetStyleBackup.Run(EngineModel.Open(TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance")), destination, notes.Add);
        Assert.That(rc, Is.EqualTo(JetError.Success));
        Assert.That(notes[0], Does.StartWith("Backup Begin"));
        Assert.That(notes[^1], Does.StartWith("Backup Complete"));
        Assert.That(Directory.EnumerateFiles(destination, "*", SearchOption.AllDirectories), Is.Not.Empty);
    }

    [Test]
    public async Task The_container_sample_backs_up_through_the_registered_factory()
    {
        using var scratch = new ScratchDirectory("readme");
        var destination = scratch.Sub("backups");
        await using var services = ContainerBackup.Build(destination);
        var result = await ContainerBackup.RunAsync(services, EngineModel.Open(TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance")), CancellationToken.None);
        Assert.That(File.Exists(Path.Combine(destination, result.Manifest.SetId, BackupManifest.FileName)), Is.True);
    }

    private sealed class SynchronousProgress : IProgress<BackupProgress>
    {
        public List<BackupPhase> Phases { get; } = [];

        public void Report(BackupProgress value) => Phases.Add(value.Phase);
    }

    [GeneratedRegex("```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
