using System.Buffers.Binary;
using System.Text;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>
/// A toy stand-in for ESE files, to test the frozen-folder orchestration apart from the real format library.
/// A file starts with one text line (<c>TOYDB sig=.. state=.. min=.. max=..</c>, <c>TOYLOG sig=.. gen=..</c> or
/// <c>TOYCHK sig=.. gen=..</c>) in a 4 KiB header page; database page n (n ≥ 1) at (n)·4096 starts with n as int32;
/// a log's 512-byte segments after the header must not start with "BAD!". A file with no toy header whose pages
/// 1.. carry their numbers is a database behind a damaged header.
/// </summary>
internal sealed class ToyEseFormat : IFrozenFileFormat, IStreamVerifier
{
    public const int PageSize = 4096;

    public List<string> Events { get; } = [];

    public int HeaderBytes => 512;

    public static void WriteDatabase(string path, string signature, int pages, bool dirty = false, long min = 0, long max = 0, params int[] badPages)
    {
        var bytes = new byte[(pages + 1) * PageSize];
        Encoding.ASCII.GetBytes($"TOYDB sig={signature} state={(dirty ? "DirtyShutdown" : "CleanShutdown")} min={min} max={max}\n").CopyTo(bytes, 0);
        for (var n = 1; n <= pages; n++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(n * PageSize), badPages.Contains(n) ? 0x0BAD0BAD : n);
            bytes.AsSpan(n * PageSize + 4, 64).Fill((byte)n);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public static void WriteLog(string path, string signature, long generation, bool corrupt = false)
    {
        var bytes = new byte[PageSize * 4];
        Encoding.ASCII.GetBytes($"TOYLOG sig={signature} gen={generation}\n").CopyTo(bytes, 0);
        if (corrupt)
        {
            Encoding.ASCII.GetBytes("BAD!").CopyTo(bytes, PageSize + 1024);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public static void WriteCheckpoint(string path, string signature, long generation)
    {
        var bytes = new byte[PageSize * 2];
        Encoding.ASCII.GetBytes($"TOYCHK sig={signature} gen={generation}\n").CopyTo(bytes, 0);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public FrozenFileHeader? Identify(string path, ReadOnlySpan<byte> head, long length)
    {
        var text = Encoding.ASCII.GetString(head);
        var line = text.Split('\n')[0];
        var fields = line.Split(' ');
        string Field(string name) => fields.Single(f => f.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
        switch (fields[0])
        {
            case "TOYDB":
                var state = Field("state");
                return new FrozenFileHeader
                {
                    Path = path, Type = FrozenFileType.Database, LogSignature = Field("sig"), PageSize = PageSize, State = state,
                    NeedsLogs = state == "DirtyShutdown", RequiredLogLow = long.Parse(Field("min")), RequiredLogHigh = long.Parse(Field("max")),
                };
            case "TOYLOG":
                return new FrozenFileHeader { Path = path, Type = FrozenFileType.Log, LogSignature = Field("sig"), Generation = long.Parse(Field("gen")) };
            case "TOYCHK":
                return new FrozenFileHeader { Path = path, Type = FrozenFileType.Checkpoint, LogSignature = Field("sig"), Generation = long.Parse(Field("gen")) };
            case "TOYBROKEN":
                throw new InvalidDataException($"{path}: header checksum mismatch");
            default:
                return null;
        }
    }

    public int? DatabasePageSizeBehindHeader(SafeFileHandle file, long length)
    {
        var page = new byte[4];
        return length >= 2 * PageSize && RandomAccess.Read(file, page, PageSize) == 4 && BinaryPrimitives.ReadInt32LittleEndian(page) == 1 ? PageSize : null;
    }

    public IStreamVerifier CreateVerifier() => this;

    public IFileStreamCheck Begin(BackupFileDescriptor file) => new Check(this, file);

    private sealed class Check(ToyEseFormat format, BackupFileDescriptor file) : IFileStreamCheck
    {
        private readonly List<FileProblem> _problems = [];
        private long _expected;
        private string? _firstLine;

        public void Append(Span<byte> data, long offset)
        {
            if (offset == 0)
            {
                _firstLine = Encoding.ASCII.GetString(data[..Math.Min(data.Length, 128)]).Split('\n')[0];
            }

            Assert.That(offset, Is.EqualTo(_expected), "chunks must arrive in order");
            _expected += data.Length;
            lock (format.Events)
            {
                format.Events.Add($"verify {Path.GetFileName(file.SourcePath)}@{offset}+{data.Length}");
            }

            var unit = file.Kind == BackupFileKind.Log ? 512 : PageSize;
            Assert.That(offset % unit, Is.Zero, "chunks start on unit boundaries");
            for (var at = 0; at + unit <= data.Length; at += unit)
            {
                var position = offset + at;
                if (position < PageSize)
                {
                    continue;
                }

                var block = data.Slice(at, unit);
                if (file.Kind == BackupFileKind.Database)
                {
                    var pgno = position / PageSize;
                    if (BinaryPrimitives.ReadInt32LittleEndian(block) != pgno)
                    {
                        _problems.Add(new FileProblem("page number/checksum mismatch", position, pgno));
                    }
                }
                else if (file.Kind == BackupFileKind.Log && block.StartsWith("BAD!"u8))
                {
                    _problems.Add(new FileProblem("segment checksum mismatch", position));
                }
            }
        }

        public FileCheckResult Complete(long length)
        {
            var fields = (_firstLine ?? "").Split(' ');
            string? Field(string name) => fields.FirstOrDefault(f => f.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
            var database = file.Kind == BackupFileKind.Database
                ? new ManifestDatabase { Path = file.Path, PageSize = PageSize, State = Field("state"), LogSignature = Field("sig"), RequiredLogLow = long.Parse(Field("min") ?? "0"), RequiredLogHigh = long.Parse(Field("max") ?? "0") }
                : null;
            return new FileCheckResult(database, file.Kind == BackupFileKind.Log && Field("gen") is { } g ? long.Parse(g) : null) { Problems = _problems };
        }
    }
}
