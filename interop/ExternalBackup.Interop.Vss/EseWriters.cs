namespace ExternalBackup.Interop.Vss;

/// <summary>VSS writers known to hold ESE databases (ids from Microsoft's in-box writer list and the ESE source, as recorded in the reference).</summary>
public static class EseWriters
{
    /// <summary>NTDS (Active Directory): ntds.dit, edb*.log, edb.chk.</summary>
    public static readonly Guid Ntds = new("B2014C9E-8711-4C5C-A5A9-3CF384484757");

    /// <summary>Microsoft Exchange Writer (store): .edb, .log, .chk per database.</summary>
    public static readonly Guid ExchangeStore = new("76FE1AC4-15F7-4BCD-987E-8E1ACB462FB7");

    /// <summary>ADAM (AD LDS) writer: adamntds.dit and its logs (one id for all instances).</summary>
    public static readonly Guid AdLds = new("DD846AAA-A1B6-42A8-AAF8-03DCB6114BFD");

    /// <summary>Dhcp Jet Writer.</summary>
    public static readonly Guid DhcpJet = new("BE9AC81E-3619-421F-920F-4C6FEA9E93AD");

    /// <summary>WINS Jet Writer.</summary>
    public static readonly Guid WinsJet = new("F08C1483-8407-4A26-8C26-6C267A629741");

    /// <summary>All of the above.</summary>
    public static IReadOnlyList<Guid> All { get; } = [Ntds, ExchangeStore, AdLds, DhcpJet, WinsJet];
}
