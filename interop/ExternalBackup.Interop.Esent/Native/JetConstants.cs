namespace ExternalBackup.Interop.Esent.Native;

/// <summary>Values of <c>esent.h</c> used by the binding (reference §1, §3).</summary>
internal static class JetConstants
{
    /// <summary><c>JET_sesidNil</c> = <c>~(JET_SESID)0</c> (HDR:3575-3577).</summary>
    public const nint SesidNil = -1;

    /// <summary><c>JET_instanceNil</c> = <c>~(JET_INSTANCE)0</c>.</summary>
    public const nint InstanceNil = -1;
}
