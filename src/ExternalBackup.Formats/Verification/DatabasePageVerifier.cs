using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;

namespace ExternalBackup.Formats.Verification;

/// <summary>
/// Verifies a database inline while it is streamed: feed consecutive bytes of the file from offset 0 with
/// <see cref="Append"/> (any chunk sizes; page-sized or larger chunks avoid copies), then call <see cref="Complete"/>.
/// The header and shadow header (physical pages 0 and 1) locate the page size unless one is given; every other page
/// is checked with its own format (ECC or XOR plus page number; all-zero pages counted apart); a last page with the
/// trailer's shape and a valid header checksum is taken as the streaming-backup trailer page. Not thread-safe; one
/// instance per file. No I/O.
/// </summary>
public sealed class DatabasePageVerifier : IInlineVerifier
{
    private readonly string _path;
    private readonly List<VerificationProblem> _problems = [];
    private readonly List<long> _bad = [];
    private readonly List<(long, long)> _correctable = [];
    private byte[] _start;
    private int _startFill;
    private int _pageSize;
    private byte[]? _carry;
    private int _carryFill;
    private long _physical; // next physical page index (0-based: 0 header, 1 shadow, 2 = pgno 1)
    private byte[]? _pendingTrailer;
    private long _pendingTrailerPhysical;
    private DatabaseHeaderRead? _headerRead;
    private long _checked, _uninit, _wrongPgno, _bytes, _highestPage;
    private ulong _highestDbTime;
    private bool _completed;

    /// <summary>Creates a verifier for one database file.</summary>
    /// <param name="path">The file name used in findings.</param>
    /// <param name="pageSize">The page size if known (2048..32768), or 0 to take it from the header pages.</param>
    public DatabasePageVerifier(string path, int pageSize = 0)
    {
        if (pageSize != 0 && !DatabaseHeaderReader.IsValidPageSize(pageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "Page size must be 0 or 2, 4, 8, 16 or 32 KiB.");
        }

        _path = path;
        _pageSize = pageSize;
        _start = new byte[pageSize == 0 ? DatabaseHeaderReader.BytesNeeded : 2 * pageSize];
    }

    /// <summary>The page size (0 until the header pages have been seen when none was given).</summary>
    public int PageSize => _headerRead is null ? 0 : _pageSize;

    /// <summary>The header, once the header pages have been seen (null if both copies are bad).</summary>
    public DatabaseHeader? Header => _headerRead?.Header;

    /// <summary>Bad pages so far (for callers that want to stop early).</summary>
    public int BadPageCount => _bad.Count;

    /// <summary>Pages with a correctable single-bit error so far, in the order seen (page number, bit inside the page): lets a copier correct them before it stores them.</summary>
    public IReadOnlyList<(long Page, long Bit)> CorrectablePagesSoFar => _correctable;

    /// <summary>Feeds the next bytes of the file.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _bytes += data.Length;
        AppendCore(data);
    }

    private void AppendCore(ReadOnlySpan<byte> data)
    {
        if (_headerRead is null)
        {
            var take = Math.Min(data.Length, _start.Length - _startFill);
            data[..take].CopyTo(_start.AsSpan(_startFill));
            _startFill += take;
            data = data[take..];
            if (_startFill < _start.Length)
            {
                return;
            }

            ReadHeader();
        }

        if (_pageSize == 0)
        {
            return; // no usable page size: nothing more can be checked
        }

        if (_carryFill > 0)
        {
            var take = Math.Min(data.Length, _pageSize - _carryFill);
            data[..take].CopyTo(_carry.AsSpan(_carryFill));
            _carryFill += take;
            data = data[take..];
            if (_carryFill < _pageSize)
            {
                return;
            }

            CheckPage(_carry.AsSpan(0, _pageSize));
            _carryFill = 0;
        }

        while (data.Length >= _pageSize)
        {
            CheckPage(data[.._pageSize]);
            data = data[_pageSize..];
        }

        if (data.Length > 0)
        {
            _carry ??= new byte[_pageSize];
            data.CopyTo(_carry);
            _carryFill = data.Length;
        }
    }

    /// <summary>Ends the file and returns the result. <paramref name="expectedLength"/>, when known, is compared with the bytes fed.</summary>
    public DatabaseVerification Complete(long? expectedLength = null)
    {
        if (!_completed)
        {
            _completed = true;
            if (_headerRead is null)
            {
                ReadHeader();
            }

            if (_carryFill > 0)
            {
                _problems.Add(new VerificationProblem(_path, $"file ends with a partial page of {_carryFill} bytes (truncated or not a whole number of {_pageSize}-byte pages)",
                    Page: _physical - 1, Offset: _physical * _pageSize));
            }

            FinishTrailer(isLast: true);
            var dataPages = _physical - 2 - (_trailer is null ? 0 : 1);
            if (_headerRead?.Header is not null && _carryFill == 0 && dataPages <= 0)
            {
                _problems.Add(new VerificationProblem(_path, "file is truncated: there are no database pages after the header pages (every database has its root at page 1)",
                    Page: 1, Offset: 2L * _pageSize));
            }
            else if (_pageSize != 0 && _ownedPages > 0 && dataPages < _ownedPages)
            {
                _problems.Add(new VerificationProblem(_path,
                    $"file is truncated: it ends after page {dataPages} but the database owns pages up to {_ownedPages} (database root and owned-extent tree)",
                    Page: dataPages + 1, Offset: (dataPages + 2) * _pageSize));
            }
            if (_headerRead?.Header is { NeedsTrailerPatch: true } h && _pendingTrailer is null && _trailer is null)
            {
                _problems.Add(new VerificationProblem(_path,
                    $"the header marks a streaming-backup copy (Current Full Backup genLow {h.CurrentFullBackup.GenLow}, genHigh 0) but the file has no trailer page"));
            }

            if (expectedLength is { } len && len != _bytes)
            {
                _problems.Add(new VerificationProblem(_path, $"expected {len} bytes but {_bytes} were read (truncated or grown)", Offset: Math.Min(len, _bytes)));
            }
        }

        return new DatabaseVerification
        {
            Path = _path,
            PageSize = _headerRead is null ? 0 : _pageSize,
            Header = _headerRead?.Header,
            HeaderStatus = _headerRead?.Status ?? HeaderCopyStatus.BothBad,
            PagesSeen = _physical,
            PagesChecked = _checked,
            UninitializedPages = _uninit,
            BadPages = [.. _bad.Order()],
            CorrectablePages = [.. _correctable],
            WrongPageNumbers = _wrongPgno,
            HighestDbTime = _highestDbTime,
            HighestDbTimePage = _highestPage,
            Trailer = _trailer,
            BytesRead = _bytes,
            Problems = [.. _problems],
        };
    }

    private TrailerPage? _trailer;
    private long _ownedPages;
    private long _ownedExtentRoot = -1;

    private void ReadHeader()
    {
        var start = _start.AsSpan(0, _startFill);
        var read = DatabaseHeaderReader.Read(start, _pageSize);
        _headerRead = read;
        if (read.Found)
        {
            _pageSize = read.PageSize;
        }

        switch (read.Status)
        {
            case HeaderCopyStatus.BothValid:
                break;
            case HeaderCopyStatus.PrimaryBad:
                _bad.Add(-1);
                _problems.Add(new VerificationProblem(_path, read.Cause ?? "primary header bad", Page: -1, Offset: 0));
                break;
            case HeaderCopyStatus.ShadowBad:
                _bad.Add(0);
                _problems.Add(new VerificationProblem(_path, read.Cause ?? "shadow header bad", Page: 0, Offset: _pageSize));
                break;
            case HeaderCopyStatus.BothValidDifferent:
                _problems.Add(new VerificationProblem(_path, read.Cause ?? "headers differ", Page: 0, Offset: _pageSize));
                break;
            default:
                _bad.Add(-1);
                _bad.Add(0);
                _problems.Add(new VerificationProblem(_path, read.Cause ?? "no valid database header", Page: -1, Offset: 0));
                break;
        }

        if (read.Header is { } h)
        {
            if (h.State is DatabaseState.Illegal || (int)h.State > 8)
            {
                _problems.Add(new VerificationProblem(_path, $"header state {(int)h.State} is not a valid database state", Page: -1, Offset: 52));
            }

            if (h.FileType is not (Primitives.EseFileType.Database or Primitives.EseFileType.StreamingFile or Primitives.EseFileType.Unknown))
            {
                _problems.Add(new VerificationProblem(_path, $"header file type {(int)h.FileType} ({h.FileType}) is not a database", Page: -1, Offset: 667));
            }
        }

        if (_pageSize == 0)
        {
            return;
        }

        // Account for the header pages and feed what was buffered beyond them.
        var headerBytes = Math.Min(2 * _pageSize, _startFill);
        var headerPages = headerBytes / _pageSize;
        for (var i = 0; i < headerPages; i++)
        {
            _physical++;
            if (PageChecksum.IsAllZero(start.Slice(i * _pageSize, _pageSize)))
            {
                _uninit++;
            }
            else
            {
                _checked++;
            }
        }

        var rest = _start.AsSpan(headerPages * _pageSize, _startFill - (headerPages * _pageSize));
        _start = [];
        _startFill = 0;
        if (headerPages < 2)
        {
            // File shorter than two pages.
            _carry = new byte[_pageSize];
            rest.CopyTo(_carry);
            _carryFill = rest.Length;
            return;
        }

        AppendCore(rest);
    }

    private void CheckPage(ReadOnlySpan<byte> page)
    {
        var physical = _physical++;
        if (_pendingTrailer is not null)
        {
            FinishTrailer(isLast: false);
        }

        var pgno = physical - 1;
        if (PageChecksum.IsAllZero(page))
        {
            _uninit++;
            return;
        }

        _checked++;
        var r = PageChecksum.VerifyPage(page, (uint)pgno);
        switch (r.Status)
        {
            case PageChecksumStatus.Ok:
                if (PageHeader.Read(page).CheckStructure(_pageSize) is { } structure)
                {
                    // The engine's read-time checks (CPAGE::ErrCheckPage); eseutil /k does not run them: a warning.
                    _problems.Add(new VerificationProblem(_path, "page header: " + structure, Page: pgno, Offset: physical * _pageSize, IsWarning: true));
                }

                if (pgno == 1 && OwnedSpace.ReadRoot(page) is { } root)
                {
                    _ownedPages = Math.Max(_ownedPages, root.PrimaryPages);
                    _ownedExtentRoot = root.OwnedExtentRoot;
                }
                else if (pgno == _ownedExtentRoot && OwnedSpace.ReadLastOwnedPage(page) is { } lastOwned)
                {
                    _ownedPages = Math.Max(_ownedPages, lastOwned);
                }

                var dbtime = BinaryPrimitives.ReadUInt64LittleEndian(page[8..]);
                if (dbtime > _highestDbTime)
                {
                    _highestDbTime = dbtime;
                    _highestPage = pgno;
                }

                return;
            case PageChecksumStatus.Correctable:
                _correctable.Add((pgno, r.CorrectableBit));
                _problems.Add(new VerificationProblem(_path, r.Describe(), Page: pgno, Offset: (physical * _pageSize) + (r.CorrectableBit / 8), IsWarning: true));
                return;
        }

        if (TrailerPage.HasTrailerShape(page) && PageChecksum.VerifyHeader(page).Status == PageChecksumStatus.Ok)
        {
            _pendingTrailer = page.ToArray();
            _pendingTrailerPhysical = physical;
            return;
        }

        Bad(physical, r);
    }

    private void Bad(long physical, PageChecksumResult r)
    {
        if (r.Status == PageChecksumStatus.WrongPageNumber)
        {
            _wrongPgno++;
        }

        _bad.Add(physical - 1);
        _problems.Add(new VerificationProblem(_path, r.Describe(), Page: physical - 1, Offset: physical * _pageSize));
    }

    private void FinishTrailer(bool isLast)
    {
        if (_pendingTrailer is null)
        {
            return;
        }

        var page = _pendingTrailer;
        var physical = _pendingTrailerPhysical;
        _pendingTrailer = null;
        if (!isLast)
        {
            _bad.Add(physical - 1);
            _problems.Add(new VerificationProblem(_path, "page has a trailer page's shape but is not the last page: checksum failed as a database page",
                Page: physical - 1, Offset: physical * _pageSize));
            return;
        }

        var trailer = TrailerPage.Parse(page);
        _trailer = trailer;
        if (_headerRead?.Header is { } h && trailer.CheckAgainst(h) is { } mismatch)
        {
            _bad.Add(physical - 1);
            _problems.Add(new VerificationProblem(_path, "trailer page: " + mismatch, Page: physical - 1, Offset: physical * _pageSize));
        }
    }
}
