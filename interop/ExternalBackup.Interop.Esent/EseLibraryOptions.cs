namespace ExternalBackup.Interop.Esent;

/// <summary>Which ESE library to load (see <see cref="EseLibrary.Load"/>).</summary>
public sealed record EseLibraryOptions
{
    /// <summary>The environment variable naming the library when <see cref="LibraryPath"/> is not set: <c>ESE_NATIVE_LIBRARY</c>.</summary>
    public const string EnvironmentVariable = "ESE_NATIVE_LIBRARY";

    /// <summary>The name Windows gives its ESE library: <c>esent.dll</c>.</summary>
    public const string WindowsLibrary = "esent.dll";

    /// <summary>
    /// Path (or name the OS loader resolves) of the library. Default <see langword="null"/>: the value of
    /// <see cref="EnvironmentVariable"/> if set and <see cref="UseEnvironmentVariable"/> is on, else <c>esent.dll</c>
    /// on Windows, else an <see cref="EseLibraryException"/>.
    /// </summary>
    public string? LibraryPath { get; init; }

    /// <summary>Whether <see cref="EnvironmentVariable"/> is consulted when <see cref="LibraryPath"/> is not set. Default <see langword="true"/>.</summary>
    public bool UseEnvironmentVariable { get; init; } = true;
}
