using System.CommandLine;
using ExternalBackup.Formats.Files;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// <c>esebackup sample</c>: the main job end to end on a sample the project makes itself. Writes a synthetic ESE
/// instance (two databases, one with 32 KiB pages, a log set and a checkpoint), serves it with the engine model,
/// takes a full and an incremental backup (into <c>OUT/backups</c>), checks every set against its manifest, restores the chain, and
/// verifies every page and log of the restored files.
/// </summary>
public static class SampleCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out") { Description = "an empty or missing folder for the sample instance, its backups and the restore", Required = true };
        var megabytes = new Option<int>("--size-mib") { Description = "size of the larger sample database in MiB", DefaultValueFactory = _ => 64 };
        var command = new Command("sample", "Make a sample ESE instance, back it up (full, incremental), check, restore and verify it")
        {
            output, megabytes,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = Path.GetFullPath(parse.GetValue(output)!);
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            {
                return console.Fail(CliConsole.UsageOrIo, $"'{root}' is not empty");
            }

            try
            {
                return await RunAsync(console, root, Math.Max(1, parse.GetValue(megabytes)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or Engine.EseException or BackupVerificationException)
            {
                return console.Fail(CliConsole.Failed, e.Message);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string root, int megabytes, CancellationToken cancellationToken)
    {
        var instance = Path.Combine(root, "instance");
        var backups = Path.Combine(root, "backups");
        var restored = Path.Combine(root, "restored");
        Directory.CreateDirectory(backups);
        var pages4k = (long)megabytes * 1024 * 1024 / 4096;
        await SyntheticInstanceWriter.WriteAsync(
            instance,
            new SyntheticInstanceOptions
            {
                Databases =
                [
                    ("ntds.dit", new SyntheticDatabaseOptions { PageSize = 4096, PageCount = pages4k, Seed = 7 }),
                    ("mail/priv1.edb", new SyntheticDatabaseOptions { PageSize = 32768, PageCount = 64, Seed = 9 }),
                ],
                Logs = new SyntheticLogSetOptions { Count = 5 },
            },
            cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"sample instance: {instance}");

        foreach (var kind in new[] { BackupKind.Full, BackupKind.Incremental })
        {
            var engine = EngineModel.Open(instance);
            await using var sink = new ResilientSink(new DirectorySink(backups));
            var result = await new StreamingBackup(engine, sink).RunAsync(kind, null, cancellationToken).ConfigureAwait(false);
            var m = result.Manifest;
            console.Out.WriteLine($"{m.SetId}: {m.Files.Count} files, {m.Files.Sum(f => f.Bytes)} bytes, logs {m.LogGenerations?.Low}..{m.LogGenerations?.High}, every page and log verified inline{(result.LogsTruncated ? ", logs truncated" : string.Empty)}");
        }

        console.Out.WriteLine($"backup sets: {backups} (engine: the demo engine model, a test double that rewrites the instance folder; back up a live instance with backup --engine native)");
        var problems = await ChainRestore.VerifyAsync(backups, null, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            return console.Fail(CliConsole.Failed, string.Join(Environment.NewLine, problems));
        }

        console.Out.WriteLine("every set matches its manifest (sizes and SHA-256)");
        var plan = await ChainRestore.RestoreAsync(backups, restored, null, cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"restored {string.Join(" + ", plan.Sets)} into {restored}: {plan.Databases.Count} databases, logs {plan.GenLow}..{plan.GenHigh}");

        var report = await new EseFileVerifier(new EseFileVerifierOptions { RefuseBeforeOpening = Platform.LocalFileCheck.WhyNotRead }).VerifyAsync([Path.Combine(restored, SetLayout.DatabaseFolder), Path.Combine(restored, SetLayout.LogFolder)], null, cancellationToken).ConfigureAwait(false);
        foreach (var problem in report.AllProblems.Where(p => !p.IsWarning))
        {
            console.Error.WriteLine(problem);
        }

        console.Out.WriteLine(report.Ok ? "restored files verified: every page and log checksum is good" : "restored files FAILED verification");
        return report.Ok ? CliConsole.Ok : CliConsole.Failed;
    }
}
