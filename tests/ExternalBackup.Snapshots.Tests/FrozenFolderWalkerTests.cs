using System.Diagnostics;
using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>
/// A snapshot folder holding a link out of it, a FIFO, a device or loops of links: the backup ends within seconds
/// (a cancellation guard, not a sleep, catches a hang), refuses naming the entry and why, and the destination (which
/// already holds a set) is unchanged; through the library and through <c>esebackup backup --from-snapshot</c>.
/// </summary>
public sealed class FrozenFolderWalkerTests
{
    private const string Sig = ToySnapshotFolder.Sig;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private ScratchDirectory _scratch = null!;
    private string _folder = null!;
    private string _destination = null!;
    private System.Net.Sockets.Socket? _socket;

    /// <summary>What is put in the snapshot folder beside a clean set.</summary>
    public enum Hazard
    {
        LinkToAFolderOutside,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        TwoFolderLinkLoops,
        TwoLinksPointingAtEachOther,
    }

    [SetUp]
    public async Task SetUp()
    {
        _scratch = new ScratchDirectory("walker");
        (_folder, _destination) = await ToySnapshotFolder.WithEarlierFullAsync(_scratch);
    }

    [TearDown]
    public void TearDown()
    {
        _socket?.Dispose();
        _scratch.Dispose();
    }

    private static FrozenFolderSource Source() => ToySnapshotFolder.Source();

    [Test]
    public async Task The_library_refuses_the_entry_naming_it_within_seconds_and_leaves_the_destination_unchanged([Values] Hazard hazard)
    {
        var (entry, cause) = Plant(hazard);
        var before = Listing(_destination);
        using var guard = new CancellationTokenSource(Guard);

        var backup = Task.Run(async () =>
        {
            await using var sink = new DirectorySink(_destination, new DirectorySinkOptions { FlushToDisk = false });
            return await new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(_folder), sink, BackupKind.Full, "refused", cancellationToken: guard.Token);
        });

        var e = Assert.ThrowsAsync<FrozenSetException>(async () => await backup.WaitAsync(guard.Token))!;
        Assert.That(e.FilePath, Is.EqualTo(entry));
        Assert.That(e.Message, Does.StartWith($"{entry}: ").And.Contain(cause).And.Not.Contain("\n"));
        Assert.That(Listing(_destination), Is.EqualTo(before), "nothing written, nothing left behind (no .staging, no .lock)");
    }

    [Test]
    public async Task The_cli_refuses_the_entry_naming_it_within_seconds_and_leaves_the_destination_unchanged([Values] Hazard hazard)
    {
        var (entry, cause) = Plant(hazard);
        var before = Listing(_destination);
        using var guard = new CancellationTokenSource(Guard);

        var (exit, _, error) = await RunCliAsync(guard.Token, "backup", "--from-snapshot", _folder, "--to", _destination, "--set-id", "refused");

        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(error.Trim(), Does.Contain($"backup refused: {entry}: ").And.Contain(cause).And.Not.Contain("\n"));
        Assert.That(Listing(_destination), Is.EqualTo(before));
    }

    [Test]
    public async Task A_folder_named_through_a_link_is_backed_up_as_the_folder_it_names()
    {
        var named = Path.Combine(_scratch.Path, "named-by-link");
        Directory.CreateSymbolicLink(named, _folder);
        await using var sink = new DirectorySink(_destination, new DirectorySinkOptions { FlushToDisk = false });

        var manifest = await new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(named), sink, BackupKind.Full, "through-link");

        Assert.That(manifest.Files.Select(f => f.Kind), Is.EquivalentTo(new[] { BackupFileKind.Database, BackupFileKind.Log, BackupFileKind.Log, BackupFileKind.Checkpoint }));
        Assert.That(manifest.Files.Where(f => f.Kind != BackupFileKind.Log).Select(f => Path.GetFileName(f.Path)), Is.EquivalentTo(new[] { "app.edb", "edb.chk" }));
    }

    /// <summary>Puts <paramref name="hazard"/> into the snapshot folder; returns the entry the refusal must name and words of its cause.</summary>
    private (string Entry, string Cause) Plant(Hazard hazard)
    {
        switch (hazard)
        {
            case Hazard.LinkToAFolderOutside:
            {
                var outside = _scratch.Sub("outside");
                ToyEseFormat.WriteDatabase(Path.Combine(outside, "secret.edb"), Sig, pages: 4);
                var link = Path.Combine(_folder, "db", "more");
                Directory.CreateSymbolicLink(link, outside);
                return (link, $"a symbolic link to a folder outside the folder ('{outside}' -> {outside})");
            }

            case Hazard.Fifo:
            {
                var fifo = Path.Combine(_folder, "db", "pipe");
                RunTool("mkfifo", fifo);
                return (fifo, "a FIFO (named pipe): only regular files are backed up; it was not opened");
            }

            case Hazard.CharacterDevice:
            {
                // A real device node (the numbers of /dev/zero, which never ends when read): a link to /dev/zero
                // would be refused as a link.
                var device = Path.Combine(_folder, "zero");
                if (!OperatingSystem.IsLinux() || Tool("mknod", device, "c", "1", "5").Exit != 0)
                {
                    TestPaths.MissingPrerequisite("mknod cannot create a device node here (it needs root on Linux); the device case is not tested");
                }

                return (device, "a character device: only regular files are backed up; it was not opened");
            }

            case Hazard.BlockDevice:
            {
                var device = Path.Combine(_folder, "db", "disk");
                if (!OperatingSystem.IsLinux() || Tool("mknod", device, "b", "7", "200").Exit != 0)
                {
                    TestPaths.MissingPrerequisite("mknod cannot create a device node here (it needs root on Linux); the block device case is not tested");
                }

                return (device, "a block device: only regular files are backed up; it was not opened");
            }

            case Hazard.Socket:
            {
                var socket = Path.Combine(_folder, "db", "control.sock");
                // Kept open to the end of the test: .NET deletes a bound socket's file when the socket is closed.
                _socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                _socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));

                return (socket, "a socket: only regular files are backed up; it was not opened");
            }

            case Hazard.TwoFolderLinkLoops:
            {
                // Each re-enters the snapshot folder: followed, two of them make the walk branch without end.
                var loops = _scratch.Sub("snapshot/db/loops");
                Directory.CreateSymbolicLink(Path.Combine(loops, "up"), "..");
                var again = Path.Combine(loops, "again");
                Directory.CreateSymbolicLink(again, _folder);
                return (again, $"a symbolic link to a folder inside the folder ('{_folder}' -> {_folder})");
            }

            default:
            {
                var a = Path.Combine(_folder, "a.edb");
                File.CreateSymbolicLink(a, "b.edb");
                File.CreateSymbolicLink(Path.Combine(_folder, "b.edb"), "a.edb");
                return (a, "a symbolic link to 'b.edb' that never ends (a loop of symbolic links)");
            }
        }
    }

    private static string Listing(string folder) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{Path.GetRelativePath(folder, p)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))}" : Path.GetRelativePath(folder, p) + "/"));

    private static void RunTool(string tool, params string[] args)
    {
        var (exit, error) = Tool(tool, args);
        Assert.That(exit, Is.Zero, $"{tool} {string.Join(' ', args)}: {error}");
    }

    private static (int Exit, string Error) Tool(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }

    /// <summary>Runs the built esebackup as a child process; the guard kills it (and fails the test) if it hangs.</summary>
    private static async Task<(int Exit, string Out, string Err)> RunCliAsync(CancellationToken guard, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esebackup.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(guard);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"esebackup {string.Join(' ', args)} did not end within {Guard.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output, await error);
    }
}
