using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>A sink holding the set in memory; checks the contract's call order and can fail its commit.</summary>
internal sealed class MemorySink : IBackupSink
{
    private readonly Dictionary<string, MemoryStream> _files = [];
    private BackupFileDescriptor? _open;
    private IncrementalHash? _hash;

    public Action<string>? OnEvent { get; init; }

    public Action<string>? OnWrite { get; init; }

    public bool FailCommit { get; set; }

    public BackupSetDescriptor? Set { get; private set; }

    public BackupManifest? Committed { get; private set; }

    public int Aborts { get; private set; }

    public List<CompletedFile> Completed { get; } = [];

    public IReadOnlyDictionary<string, MemoryStream> Files => _files;

    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken)
    {
        Assert.That(Set, Is.Null, "BeginSetAsync called twice");
        Set = set;
        OnEvent?.Invoke("begin");
        return ValueTask.CompletedTask;
    }

    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken)
    {
        Assert.That(Set, Is.Not.Null, "OpenFileAsync before BeginSetAsync");
        Assert.That(_open, Is.Null, $"OpenFileAsync({file.Path}) while {_open?.Path} is open");
        Assert.That(SetPath.Check(file.Path), Is.Null, file.Path);
        _open = file;
        _files[file.Path] = new MemoryStream();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        Assert.That(_open, Is.Not.Null, "WriteAsync without an open file");
        var stream = _files[_open!.Path];
        Assert.That(chunk.Offset, Is.EqualTo(stream.Length), "chunks must come in offset order");
        stream.Write(chunk.Data.Span);
        OnWrite?.Invoke($"write {Path.GetFileName(_open.SourcePath)}@{chunk.Offset}+{chunk.Data.Length}");
        _hash!.AppendData(chunk.Data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        Assert.That(_open, Is.EqualTo(file.File));
        Assert.That(file.Length, Is.EqualTo(_files[file.File.Path].Length));
        Assert.That(file.Sha256, Is.EqualTo(Convert.ToHexStringLower(_hash!.GetHashAndReset())));
        Completed.Add(file);
        _open = null;
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        Assert.That(_open, Is.Null, "commit with a file open");
        if (FailCommit)
        {
            OnEvent?.Invoke("commit-failed");
            throw new IOException("injected commit failure");
        }

        Committed = manifest;
        OnEvent?.Invoke("commit");
        return ValueTask.CompletedTask;
    }

    public ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        Aborts++;
        _files.Clear();
        _open = null;
        OnEvent?.Invoke("abort");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
