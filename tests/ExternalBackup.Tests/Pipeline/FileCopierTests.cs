using System.Security.Cryptography;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>
/// The copier's run: one reader opens, reads and closes each file before the next opens, while the verdict, hash and
/// sink write of a file may still be in flight as the next is read; a failure of any of them for file N still aborts
/// the backup naming file N.
/// </summary>
public class FileCopierTests
{
    /// <summary>How long a test waits for the reader to open the next file before calling the overlap missing.</summary>
    private static readonly TimeSpan OverlapWait = TimeSpan.FromSeconds(30);

    private static byte[] Bytes(int n, byte seed) => [.. Enumerable.Range(0, n).Select(i => (byte)(i * 31 + seed))];

    private static ScriptedEngine ManyLogs(int logs)
    {
        var engine = new ScriptedEngine().AddDatabase("/inst/db/ntds.dit", Bytes(5 * 32768, 1));
        for (var g = 1; g <= logs; g++)
        {
            engine.AddLog($"/inst/logs/edb{g:X5}.log", Bytes(96 * 1024 + g, (byte)g));
        }

        engine.LogInfo = new JetLogInfo(1, (uint)logs, "edb");
        return engine;
    }

    /// <summary>Fails the test if the engine is asked to open a file while another is open, or to read or close none.</summary>
    private static List<string> WatchOneOpenFile(ScriptedEngine engine)
    {
        var violations = new List<string>();
        string? open = null;
        engine.BeforeCall = call =>
        {
            if (call.StartsWith("OpenFile(", StringComparison.Ordinal))
            {
                if (open is not null)
                {
                    violations.Add($"{call} while {open} is open");
                }

                open = call;
            }
            else if (call is "ReadFile" or "CloseFile" && open is null)
            {
                violations.Add($"{call} with no file open");
            }
            else if (call == "CloseFile")
            {
                open = null;
            }
        };
        return violations;
    }

    [Test]
    public async Task The_engine_sees_open_reads_close_per_file_and_the_manifest_lists_every_file_in_order_with_its_hash()
    {
        using var scratch = new ScratchDirectory("copier");
        var engine = ManyLogs(24);
        var violations = WatchOneOpenFile(engine);
        await using var sink = new DirectorySink(scratch.Path);
        var result = await new StreamingBackup(engine, sink, new StreamingBackupOptions { CreateVerifier = null, ChunkSize = 96 * 1024, QueueDepth = 2 }).RunAsync(BackupKind.Full);

        Assert.That(violations, Is.Empty);
        var opened = engine.Calls.Where(c => c.StartsWith("OpenFile(", StringComparison.Ordinal)).ToList();
        Assert.That(opened, Is.EqualTo(engine.Databases.Concat(engine.Logs).Select(f => $"OpenFile({f})")));
        var expected = engine.Databases.Select(d => ("databases/ntds.dit", BackupFileKind.Database, (long?)null, d))
            .Concat(engine.Logs.Select((l, i) => ($"logs/edb{i + 1:X5}.log", BackupFileKind.Log, (long?)(i + 1), l)))
            .Select(f => (f.Item1, f.Item2, f.Item3, f.Item4))
            .ToList();
        Assert.That(result.Manifest.Files.Select(f => (f.Path, f.Kind, f.Generation, f.SourcePath)), Is.EqualTo(expected));
        foreach (var file in result.Manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(scratch.Path, result.Manifest.SetId, file.Path));
            Assert.That((file.Bytes, file.Sha256), Is.EqualTo(((long)bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)))), file.Path);
        }
    }

    [Test]
    public async Task A_sink_failure_completing_file_N_while_N_plus_1_is_read_aborts_naming_file_N()
    {
        using var scratch = new ScratchDirectory("copier");
        var engine = ManyLogs(4);
        var violations = WatchOneOpenFile(engine);
        var nextOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = engine.BeforeCall!;
        engine.BeforeCall = call =>
        {
            watch(call);
            if (call == "OpenFile(/inst/logs/edb00003.log)")
            {
                nextOpened.TrySetResult();
            }
        };
        var before = DirectorySinkTests.Snapshot(scratch.Path);
        await using var sink = new CompletionGatedSink(new DirectorySink(scratch.Path))
        {
            BeforeComplete = async file =>
            {
                if (file.File.Path == "logs/edb00002.log")
                {
                    await nextOpened.Task.WaitAsync(OverlapWait);
                    throw new IOException($"'{file.File.Path}': No space left on device");
                }
            },
        };

        var error = Assert.CatchAsync(async () => await new StreamingBackup(engine, sink, new StreamingBackupOptions { CreateVerifier = null }).RunAsync(BackupKind.Full));

        Assert.That(error, Is.InstanceOf<IOException>(), "the reader opened edb00003.log while edb00002.log was still being completed");
        Assert.That(error!.Message, Does.Contain("logs/edb00002.log").And.Contain("No space left"));
        Assert.That(violations, Is.Empty);
        Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
        Assert.That(engine.Calls, Does.Not.Contain("TruncateLog"));
        Assert.That(sink.Completed, Is.EqualTo(new[] { "databases/ntds.dit", "logs/edb00001.log" }));
        Assert.That(DirectorySinkTests.Snapshot(scratch.Path), Is.EqualTo(before));
    }

    [Test]
    public async Task A_verification_failure_of_file_N_decided_while_N_plus_1_is_read_aborts_naming_file_N()
    {
        using var scratch = new ScratchDirectory("copier");
        var engine = ManyLogs(4);
        var violations = WatchOneOpenFile(engine);
        var nextOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = engine.BeforeCall!;
        engine.BeforeCall = call =>
        {
            watch(call);
            if (call == "OpenFile(/inst/logs/edb00003.log)")
            {
                nextOpened.TrySetResult();
            }
        };
        var verifier = new SlowVerdictVerifier("/inst/logs/edb00002.log", () => nextOpened.Task.Wait(OverlapWait));
        var before = DirectorySinkTests.Snapshot(scratch.Path);
        await using var sink = new CompletionGatedSink(new DirectorySink(scratch.Path));

        var error = Assert.CatchAsync(async () => await new StreamingBackup(engine, sink, new StreamingBackupOptions { CreateVerifier = () => verifier }).RunAsync(BackupKind.Full));

        Assert.That(verifier.WaitedForNextOpen, Is.True, "the reader opened edb00003.log while edb00002.log's verdict was still pending");
        Assert.That(error, Is.InstanceOf<BackupVerificationException>());
        Assert.That(error!.Message, Does.Contain("/inst/logs/edb00002.log").And.Contain("scripted bad segment"));
        Assert.That(violations, Is.Empty);
        Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
        Assert.That(engine.Calls, Does.Not.Contain("TruncateLog"));
        Assert.That(sink.Completed, Does.Not.Contain("logs/edb00002.log"), "a file that failed its verdict is never completed in the sink");
        Assert.That(DirectorySinkTests.Snapshot(scratch.Path), Is.EqualTo(before));
    }

    [TestCase(1)]
    [TestCase(4)]
    public async Task Files_of_part_of_one_exactly_one_and_several_chunks_are_each_opened_written_whole_in_order_and_completed_once(int queueDepth)
    {
        const int Chunk = 96 * 1024;
        using var scratch = new ScratchDirectory("copier-sizes");
        int[] sizes = [1, Chunk - 1, Chunk, Chunk + 1, 3 * Chunk, 2];
        var engine = new ScriptedEngine().AddDatabase("/inst/db/ntds.dit", Bytes(5 * 32768, 1));
        for (var i = 0; i < sizes.Length; i++)
        {
            engine.AddLog($"/inst/logs/edb{i + 1:X5}.log", Bytes(sizes[i], (byte)(i + 7)));
        }

        engine.LogInfo = new JetLogInfo(1, (uint)sizes.Length, "edb");
        var violations = WatchOneOpenFile(engine);
        await using var sink = new RecordingSink(new DirectorySink(scratch.Path));

        var result = await new StreamingBackup(engine, sink, new StreamingBackupOptions { CreateVerifier = null, ChunkSize = Chunk, QueueDepth = queueDepth }).RunAsync(BackupKind.Full);

        var sources = engine.Databases.Concat(engine.Logs).ToList();
        var expectedSinkCalls = new List<string>();
        foreach (var file in result.Manifest.Files)
        {
            expectedSinkCalls.Add($"open {file.Path}");
            for (long offset = 0; offset < file.Bytes; offset += Chunk)
            {
                expectedSinkCalls.Add($"write {offset} {Math.Min(Chunk, file.Bytes - offset)}");
            }

            expectedSinkCalls.Add($"complete {file.Path} {file.Bytes}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(violations, Is.Empty);
            Assert.That(result.Manifest.Files.Select(f => f.SourcePath), Is.EqualTo(sources));
            Assert.That(result.Manifest.Files.Skip(1).Select(f => f.Bytes), Is.EqualTo(sizes.Select(n => (long)n)));
            Assert.That(sink.Calls, Is.EqualTo(expectedSinkCalls), "one open, the chunks in order, one completion per file");
        });
        foreach (var file in result.Manifest.Files)
        {
            var stored = File.ReadAllBytes(Path.Combine(scratch.Path, result.Manifest.SetId, file.Path));
            Assert.That((stored.Length, file.Sha256), Is.EqualTo((file.Bytes, Convert.ToHexStringLower(SHA256.HashData(stored)))), file.Path);
            Assert.That(stored, Is.EqualTo(engine.Read(file.SourcePath!)), $"{file.Path} holds its source's bytes");
        }
    }

    [Test]
    public async Task A_read_failure_in_the_middle_of_a_file_aborts_naming_it_completes_nothing_of_it_and_leaves_the_destination_as_it_was()
    {
        using var scratch = new ScratchDirectory("copier-mid-file");
        var engine = new ScriptedEngine().AddDatabase("/inst/db/ntds.dit", Bytes(5 * 32768, 1));
        for (var g = 1; g <= 3; g++)
        {
            engine.AddLog($"/inst/logs/edb{g:X5}.log", Bytes(3 * 96 * 1024, (byte)g));
        }

        engine.LogInfo = new JetLogInfo(1, 3, "edb");
        var violations = WatchOneOpenFile(engine);
        var watch = engine.BeforeCall!;
        string? open = null;
        var reads = 0;
        engine.BeforeCall = call =>
        {
            watch(call);
            if (call.StartsWith("OpenFile(", StringComparison.Ordinal))
            {
                open = call;
                reads = 0;
            }
            else if (call == "ReadFile" && open == "OpenFile(/inst/logs/edb00002.log)" && ++reads == 2)
            {
                throw new EseException("JetReadFileInstance", JetError.DiskIO, "/inst/logs/edb00002.log");
            }
        };
        var before = DirectorySinkTests.Snapshot(scratch.Path);
        await using var sink = new CompletionGatedSink(new DirectorySink(scratch.Path));

        var error = Assert.CatchAsync(async () => await new StreamingBackup(engine, sink, new StreamingBackupOptions { CreateVerifier = null, ChunkSize = 96 * 1024 }).RunAsync(BackupKind.Full));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<EseException>());
            Assert.That(error!.Message, Does.Contain("/inst/logs/edb00002.log"));
            Assert.That(violations, Is.Empty);
            Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
            Assert.That(engine.Calls, Does.Not.Contain("TruncateLog"));
            Assert.That(sink.Completed, Does.Not.Contain("logs/edb00002.log"));
            Assert.That(DirectorySinkTests.Snapshot(scratch.Path), Is.EqualTo(before));
        });
    }

    /// <summary>A sink that records what the copier asks of it: each open, write (offset and length) and completion.</summary>
    private sealed class RecordingSink(IBackupSink inner) : IBackupSink
    {
        public List<string> Calls { get; } = [];

        public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => inner.BeginSetAsync(set, cancellationToken);

        public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken)
        {
            Calls.Add($"open {file.Path}");
            return inner.OpenFileAsync(file, cancellationToken);
        }

        public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
        {
            Calls.Add($"write {chunk.Offset} {chunk.Data.Length}");
            return inner.WriteAsync(chunk, cancellationToken);
        }

        public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
        {
            Calls.Add($"complete {file.File.Path} {file.Length}");
            return inner.CompleteFileAsync(file, cancellationToken);
        }

        public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => inner.CommitAsync(manifest, cancellationToken);

        public ValueTask AbortAsync(CancellationToken cancellationToken) => inner.AbortAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>A verifier that finds one problem in one file, and decides that file only after <c>waitForNextOpen</c> returned.</summary>
    private sealed class SlowVerdictVerifier(string failing, Func<bool> waitForNextOpen) : IStreamVerifier
    {
        public bool WaitedForNextOpen { get; private set; }

        private bool WaitForNextOpen() => WaitedForNextOpen = waitForNextOpen();

        public IFileStreamCheck Begin(BackupFileDescriptor file) => new Check(this, file.SourcePath == failing);

        private sealed class Check(SlowVerdictVerifier owner, bool fails) : IFileStreamCheck
        {
            public void Append(Span<byte> data, long offset)
            {
            }

            public FileCheckResult Complete(long length)
            {
                if (!fails)
                {
                    return new FileCheckResult(null, null);
                }

                owner.WaitForNextOpen();
                return new FileCheckResult(null, null) { Problems = [new FileProblem("scripted bad segment", 0, 0)] };
            }
        }
    }

    /// <summary>A sink that records the files it completed and can run a step before completing one.</summary>
    private sealed class CompletionGatedSink(IBackupSink inner) : IBackupSink
    {
        public Func<CompletedFile, Task>? BeforeComplete { get; init; }

        public List<string> Completed { get; } = [];

        public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => inner.BeginSetAsync(set, cancellationToken);

        public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => inner.OpenFileAsync(file, cancellationToken);

        public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken) => inner.WriteAsync(chunk, cancellationToken);

        public async ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
        {
            if (BeforeComplete is { } before)
            {
                await before(file);
            }

            await inner.CompleteFileAsync(file, cancellationToken);
            Completed.Add(file.File.Path);
        }

        public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => inner.CommitAsync(manifest, cancellationToken);

        public ValueTask AbortAsync(CancellationToken cancellationToken) => inner.AbortAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
