namespace ExternalBackup.Engine;

/// <summary>
/// An ESE call returned an error. Carries the code, its <c>esent.h</c> name and the API call that returned it.
/// </summary>
public sealed class EseException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> failing with <paramref name="error"/>.</summary>
    /// <param name="call">The ESE function, e.g. <c>JetOpenFileInstance</c>.</param>
    /// <param name="error">The code it returned.</param>
    /// <param name="detail">What the call was doing (file name, offset), or <see langword="null"/>.</param>
    public EseException(string call, JetError error, string? detail = null)
        : base(FormatMessage(call, error, detail))
    {
        Call = call;
        Error = error;
        Detail = detail;
    }

    /// <summary>The ESE function that failed.</summary>
    public string Call { get; }

    /// <summary>The code it returned.</summary>
    public JetError Error { get; }

    /// <summary>The raw numeric code.</summary>
    public int Code => (int)Error;

    /// <summary>The <c>esent.h</c> name of <see cref="Error"/>.</summary>
    public string ErrorName => JetErrorNames.EseName(Error);

    /// <summary>What the call was doing, when known.</summary>
    public string? Detail { get; }

    private static string FormatMessage(string call, JetError error, string? detail)
    {
        var head = $"{call} failed with {JetErrorNames.EseName(error)} ({(int)error})";
        return detail is null ? head : $"{head}: {detail}";
    }
}
