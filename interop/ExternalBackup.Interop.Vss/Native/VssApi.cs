using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ExternalBackup.Interop.Vss.Native;

/// <summary>The flat exports this binding uses (VssApi.dll, ole32, oleaut32, kernel32). Windows only.</summary>
[SupportedOSPlatform("windows")]
internal static class VssApi
{
    /// <summary>The real export behind the inline <c>CreateVssBackupComponents</c> of vsbackup.h.</summary>
    [DllImport("VssApi.dll", ExactSpelling = true)]
    public static extern int CreateVssBackupComponentsInternal(out IntPtr backupComponents);

    /// <summary>Frees the strings of a <see cref="VssSnapshotProp"/>.</summary>
    [DllImport("VssApi.dll", ExactSpelling = true)]
    public static extern void VssFreeSnapshotPropertiesInternal(ref VssSnapshotProp properties);

    [DllImport("ole32.dll", ExactSpelling = true)]
    public static extern int CoInitializeEx(IntPtr reserved, int coInit);

    [DllImport("ole32.dll", ExactSpelling = true)]
    public static extern int CoInitializeSecurity(IntPtr securityDescriptor, int authServices, IntPtr authServiceList, IntPtr reserved1, int authnLevel, int impLevel, IntPtr authList, int capabilities, IntPtr reserved3);

    [DllImport("kernel32.dll", ExactSpelling = true, CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool GetVolumePathNameW(string fileName, [Out] char[] volumePathName, int bufferLength);
}
