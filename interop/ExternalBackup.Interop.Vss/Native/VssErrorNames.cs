namespace ExternalBackup.Interop.Vss.Native;

/// <summary>Names of the HRESULTs a requestor meets (values from the reference's table).</summary>
public static class VssErrorNames
{
    private static readonly Dictionary<uint, string> Names = new()
    {
        [0x80070005] = "E_ACCESSDENIED",
        [0x80070057] = "E_INVALIDARG",
        [0x8007000E] = "E_OUTOFMEMORY",
        [0x8000FFFF] = "E_UNEXPECTED",
        [0x80042301] = "VSS_E_BAD_STATE",
        [0x80042302] = "VSS_E_UNEXPECTED",
        [0x80042304] = "VSS_E_PROVIDER_NOT_REGISTERED",
        [0x80042306] = "VSS_E_PROVIDER_VETO",
        [0x80042308] = "VSS_E_OBJECT_NOT_FOUND",
        [0x8004230C] = "VSS_E_VOLUME_NOT_SUPPORTED",
        [0x8004230E] = "VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER",
        [0x8004230F] = "VSS_E_UNEXPECTED_PROVIDER_ERROR",
        [0x80042311] = "VSS_E_INVALID_XML_DOCUMENT",
        [0x80042312] = "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED",
        [0x80042313] = "VSS_E_FLUSH_WRITES_TIMEOUT",
        [0x80042314] = "VSS_E_HOLD_WRITES_TIMEOUT",
        [0x80042315] = "VSS_E_UNEXPECTED_WRITER_ERROR",
        [0x80042316] = "VSS_E_SNAPSHOT_SET_IN_PROGRESS",
        [0x80042317] = "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED",
        [0x80042318] = "VSS_E_WRITER_INFRASTRUCTURE",
        [0x80042319] = "VSS_E_WRITER_NOT_RESPONDING",
        [0x8004231B] = "VSS_E_UNSUPPORTED_CONTEXT",
        [0x8004231F] = "VSS_E_INSUFFICIENT_STORAGE",
        [0x80042327] = "VSS_E_REBOOT_REQUIRED",
        [0x8004232C] = "VSS_E_NESTED_VOLUME_LIMIT",
        [0x800423F0] = "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT",
        [0x800423F1] = "VSS_E_WRITERERROR_OUTOFRESOURCES",
        [0x800423F2] = "VSS_E_WRITERERROR_TIMEOUT",
        [0x800423F3] = "VSS_E_WRITERERROR_RETRYABLE",
        [0x800423F4] = "VSS_E_WRITERERROR_NONRETRYABLE",
        [0x80042336] = "VSS_E_WRITERERROR_PARTIAL_FAILURE",
        [0x80042409] = "VSS_E_WRITER_STATUS_NOT_AVAILABLE",
        [0x80010119] = "RPC_E_TOO_LATE",
    };

    /// <summary>The symbolic name of <paramref name="hResult"/>, or its hex form when unknown.</summary>
    public static string Of(int hResult) => Names.TryGetValue(unchecked((uint)hResult), out var name) ? name : $"0x{hResult:X8}";
}
