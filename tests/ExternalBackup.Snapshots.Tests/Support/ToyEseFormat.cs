using System.Buffers.Binary;
using System.Text;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>
/// A toy stand-in for ESE files, to test the frozen-folder orchestration apart from the real format library.
/// A file starts with one text line (<c>TOYDB sig=.. state=.. min=.. max=..</c>, <c>TOYLOG sig=.. gen=..</c> or
/// <c>TOYCHK sig=.. gen=..</c>) in a 4 KiB header page; database page n (n ≥ 1) at (n)·4096 starts with n as int32;
/// a log's 512-byte segments after the header must not start with "BAD!".
/// </summary>
internal sealed class ToyEseFormat : IFrozenFileVerifier
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

    public IFrozenFileCheck BeginCheck(FrozenFileHeader header, long length) => new Check(this, header);

    private sealed class Check(ToyEseFormat format, FrozenFileHeader header) : IFrozenFileCheck
    {
        private readonly List<FrozenFileProblem> _problems = [];
        private long _expected;

        public void Append(long offset, ReadOnlySpan<byte> data)
        {
            Assert.That(offset, Is.EqualTo(_expected), "chunks must arrive in order");
            _expected += data.Length;
            lock (format.Events)
            {
                format.Events.Add($"verify {Path.GetFileName(header.Path)}@{offset}+{data.Length}");
            }

            var unit = header.Type == FrozenFileType.Log ? 512 : PageSize;
            Assert.That(offset % unit, Is.Zero, "chunks start on unit boundaries");
            for (var at = 0; at + unit <= data.Length; at += unit)
            {
                var position = offset + at;
                if (position < PageSize)
                {
                    continue;
                }

                var block = data.Slice(at, unit);
                if (header.Type == FrozenFileType.Database)
                {
                    var pgno = position / PageSize;
                    if (BinaryPrimitives.ReadInt32LittleEndian(block) != pgno)
                    {
                        _problems.Add(new FrozenFileProblem("page number/checksum mismatch", pgno, position));
                    }
                }
                else if (header.Type == FrozenFileType.Log && block.StartsWith("BAD!"u8))
                {
                    _problems.Add(new FrozenFileProblem("segment checksum mismatch", null, position));
                }
            }
        }

        public IReadOnlyList<FrozenFileProblem> Complete() => _problems;
    }
}
