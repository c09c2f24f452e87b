namespace ExternalBackup.Testing.EngineModel;

/// <summary>An ESE LGPOS: a position in the log stream, ordered by generation, sector, byte.</summary>
internal readonly record struct LogPosition(int Generation, ushort Sector, ushort ByteOffset) : IComparable<LogPosition>
{
    public int CompareTo(LogPosition other)
    {
        var c = Generation.CompareTo(other.Generation);
        if (c != 0)
        {
            return c;
        }

        c = Sector.CompareTo(other.Sector);
        return c != 0 ? c : ByteOffset.CompareTo(other.ByteOffset);
    }

    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;

    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;
}
