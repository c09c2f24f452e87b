using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Log;

namespace ExternalBackup.Formats.Verification;

/// <summary>
/// Verifies one transaction log inline while it is streamed: feed the file's bytes from offset 0 with
/// <see cref="Append"/> (any chunk sizes), then call <see cref="Complete"/>. Checks the header (XOR-32 over 4096 bytes,
/// file type, version, geometry, file size), then for the v8 segment format every 4 KiB segment's ECC checksum (page
/// number = sector index, or the previous index for a shadow segment; all-zero segments never written), and for the
/// v7 format the LRCHECKSUM record chain (the file is buffered: v7 logs are at most a few MiB).
/// Not thread-safe; one instance per file. No I/O.
/// </summary>
public sealed class LogFileVerifier : IInlineVerifier
{
    private const int MaxBufferedV7 = 64 * 1024 * 1024;
    private readonly string _path;
    private readonly List<VerificationProblem> _problems = [];
    private readonly List<(long Segment, long Bit)> _correctable = [];
    private readonly byte[] _headerBytes = new byte[LogFileHeader.Size];
    private int _headerFill;
    private LogFileHeader? _header;
    private bool _headerBad;
    private long _bytes;
    private long _position;
    private byte[]? _segment;
    private int _segmentFill;
    private long _segments;
    private bool _runOpen = true;
    private ulong _accumulated;
    private long _recordsEnd;
    private MemoryStream? _v7;
    private bool _completed;

    /// <summary>Creates a verifier for one log file.</summary>
    /// <param name="path">The file name used in findings.</param>
    public LogFileVerifier(string path)
    {
        _path = path;
    }

    /// <summary>The header once the first 4096 bytes have been seen and are valid.</summary>
    public LogFileHeader? Header => _header;

    /// <summary>v8 log segments with a correctable single-bit error so far (segment index, bit inside the segment); each is also reported as a problem.</summary>
    public IReadOnlyList<(long Segment, long Bit)> CorrectableSegmentsSoFar => _correctable;

    /// <summary>Feeds the next bytes of the file.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _bytes += data.Length;
        if (_headerFill < LogFileHeader.Size)
        {
            var take = Math.Min(data.Length, LogFileHeader.Size - _headerFill);
            data[..take].CopyTo(_headerBytes.AsSpan(_headerFill));
            _headerFill += take;
            data = data[take..];
            _position += take;
            if (_headerFill < LogFileHeader.Size)
            {
                return;
            }

            ReadHeader();
        }

        if (_headerBad || _header is null)
        {
            _position += data.Length;
            return;
        }

        if (!_header.IsSegmentFormat)
        {
            if (_v7!.Length + data.Length <= MaxBufferedV7)
            {
                _v7.Write(data);
            }

            _position += data.Length;
            return;
        }

        if (_segmentFill > 0)
        {
            var take = Math.Min(data.Length, LogFileHeader.SegmentSize - _segmentFill);
            data[..take].CopyTo(_segment.AsSpan(_segmentFill));
            _segmentFill += take;
            data = data[take..];
            if (_segmentFill < LogFileHeader.SegmentSize)
            {
                return;
            }

            CheckSegment(_segment);
            _segmentFill = 0;
        }

        while (data.Length >= LogFileHeader.SegmentSize)
        {
            CheckSegment(data[..LogFileHeader.SegmentSize]);
            data = data[LogFileHeader.SegmentSize..];
        }

        if (data.Length > 0)
        {
            _segment ??= new byte[LogFileHeader.SegmentSize];
            data.CopyTo(_segment);
            _segmentFill = data.Length;
        }
    }

    /// <summary>Ends the file and returns the result.</summary>
    public LogFileVerification Complete()
    {
        long records = 0;
        if (!_completed)
        {
            _completed = true;
            if (_header is null && !_headerBad)
            {
                _problems.Add(new VerificationProblem(_path, $"file too short for a log header ({_bytes} bytes)", Offset: 0));
            }
            else if (_header is not null)
            {
                if (_bytes != _header.DeclaredFileSize)
                {
                    _problems.Add(new VerificationProblem(_path,
                        $"file size {_bytes} differs from the header's {_header.FileSectors} sectors x {_header.SectorSize} = {_header.DeclaredFileSize} (truncated or grown)",
                        Generation: _header.Generation, Offset: Math.Min(_bytes, _header.DeclaredFileSize)));
                }

                if (!_header.IsSegmentFormat && _v7 is not null)
                {
                    records = VerifyV7(_v7.GetBuffer().AsSpan(0, (int)_v7.Length));
                }
            }
        }

        return new LogFileVerification
        {
            Path = _path,
            Header = _header,
            SegmentsChecked = _segments,
            ChecksumRecordsChecked = records,
            AccumulatedSegmentChecksum = _header?.IsSegmentFormat == true ? _accumulated : 0,
            RecordsEnd = _recordsEnd,
            BytesRead = _bytes,
            Problems = [.. _problems],
        };
    }

    private void ReadHeader()
    {
        if (LogFileHeader.Verify(_headerBytes) is { } cause)
        {
            _headerBad = true;
            _problems.Add(new VerificationProblem(_path, cause, Offset: 0));
            return;
        }

        _header = LogFileHeader.Parse(_headerBytes);
        if (!_header.IsSegmentFormat)
        {
            _v7 = new MemoryStream();
            _v7.Write(_headerBytes);
        }
        else if (_header.HeaderSectors != 1)
        {
            _headerBad = true;
            _problems.Add(new VerificationProblem(_path, $"v8 log with {_header.HeaderSectors} header sectors (must be 1)", Generation: _header.Generation, Offset: 10));
        }
    }

    private void CheckSegment(ReadOnlySpan<byte> seg)
    {
        var isec = _position / LogFileHeader.SegmentSize;
        var offset = _position;
        _position += LogFileHeader.SegmentSize;
        if (isec >= _header!.FileSectors)
        {
            return; // beyond the declared size: reported once by Complete
        }

        if (PageChecksum.IsAllZero(seg))
        {
            _runOpen = false;
            return;
        }

        _segments++;
        var r = PageChecksum.VerifyPage(seg, (uint)isec);
        if (r.Status == PageChecksumStatus.Ok)
        {
            var gen = BinaryPrimitives.ReadInt32LittleEndian(seg[12..]);
            var segIsec = BinaryPrimitives.ReadUInt16LittleEndian(seg[10..]);
            if (_runOpen && gen == _header.Generation && segIsec == isec)
            {
                _accumulated ^= BinaryPrimitives.ReadUInt64LittleEndian(seg);
                _recordsEnd = offset + LogFileHeader.SegmentSize;
            }
            else
            {
                _runOpen = false;
            }

            return;
        }

        if (isec > _header.HeaderSectors && PageChecksum.VerifyPage(seg, (uint)(isec - 1)).Status == PageChecksumStatus.Ok)
        {
            _runOpen = false; // shadow of the previous, partially filled segment
            return;
        }

        _runOpen = false;
        if (r.Status == PageChecksumStatus.Correctable)
        {
            _correctable.Add((isec, r.CorrectableBit));
        }

        _problems.Add(new VerificationProblem(_path, $"log segment {isec}: {r.Describe()}", Page: isec, Generation: _header.Generation, Offset: offset));
    }

    private long VerifyV7(ReadOnlySpan<byte> file)
    {
        const byte LrtypChecksum = 42;
        const int RecordSize = 22;
        var gen = (uint)_header!.Generation;
        long ib = LogFileHeader.Size;
        long records = 0;
        var limit = Math.Min(file.Length, _header.DeclaredFileSize);
        while (true)
        {
            if (ib + RecordSize > limit)
            {
                _problems.Add(new VerificationProblem(_path, "log record checksum chain runs past the end of the file", Generation: (int)gen, Offset: ib));
                return records;
            }

            var rec = file.Slice((int)ib, RecordSize);
            if (rec[0] != LrtypChecksum)
            {
                _problems.Add(new VerificationProblem(_path, $"expected an LRCHECKSUM record (type 42) at offset {ib}, found type {rec[0]}", Generation: (int)gen, Offset: ib));
                return records;
            }

            var cbBackwards = BinaryPrimitives.ReadUInt32LittleEndian(rec[1..]);
            var cbForwards = BinaryPrimitives.ReadUInt32LittleEndian(rec[5..]);
            var cbNext = BinaryPrimitives.ReadUInt32LittleEndian(rec[9..]);
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(rec[13..]);
            var useShort = rec[21];
            if (cbBackwards > ib || ib + RecordSize + (long)cbForwards > limit || ib + RecordSize + (long)cbNext > limit)
            {
                _problems.Add(new VerificationProblem(_path, $"LRCHECKSUM record at offset {ib} has out-of-range lengths (back {cbBackwards}, forward {cbForwards}, next {cbNext})", Generation: (int)gen, Offset: ib));
                return records;
            }

            var c = 0xFEEDBEAFu
                ^ BytesXor(file.Slice((int)(ib - cbBackwards), (int)cbBackwards))
                ^ BytesXor(file.Slice((int)ib + RecordSize, (int)cbForwards))
                ^ cbBackwards ^ cbForwards ^ cbNext ^ useShort ^ gen;
            if (c != stored)
            {
                _problems.Add(new VerificationProblem(_path, $"LRCHECKSUM mismatch at offset {ib}: stored 0x{stored:x8}, computed 0x{c:x8}", Page: ib / _header.SectorSize, Generation: (int)gen, Offset: ib));
                return records;
            }

            records++;
            _recordsEnd = ib + RecordSize + cbForwards;
            if (cbNext == 0)
            {
                return records;
            }

            ib += RecordSize + cbNext;
        }
    }

    private static uint BytesXor(ReadOnlySpan<byte> span)
    {
        uint x = 0;
        var i = 0;
        for (; i + 4 <= span.Length; i += 4)
        {
            x ^= BinaryPrimitives.ReadUInt32LittleEndian(span[i..]);
        }

        for (; i < span.Length; i++)
        {
            x ^= (uint)span[i] << (8 * (i % 4));
        }

        return x;
    }
}
